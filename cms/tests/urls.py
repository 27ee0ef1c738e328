"""The tenant URLconf with the news module's Wagtail admin mounted the way `cabinet.urls_tenant` mounts
it, for the tests of this module whether or not that line is already there."""

from django.urls import include, path

from cabinet.urls_tenant import urlpatterns as tenant_urlpatterns

ADMIN_ROUTE = "manage/news/admin/"

urlpatterns = list(tenant_urlpatterns)
if not any(str(pattern.pattern) == ADMIN_ROUTE for pattern in urlpatterns):
    urlpatterns.insert(0, path(ADMIN_ROUTE, include("cms.wagtail_urls")))
