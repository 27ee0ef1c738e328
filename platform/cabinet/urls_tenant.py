"""URLs of a business's host: the customer portal, the manage area and the API."""

from django.urls import include, path

from . import api

urlpatterns = [
    path("", include("cabinet.portal.urls")),
    path("", include("cabinet.accounts.urls")),
    path("api/v1/", api.api_root, name="api-root"),
    path("api/v1/schema/", api.schema_view, name="api-schema"),
    path("i18n/", include("django.conf.urls.i18n")),
]
