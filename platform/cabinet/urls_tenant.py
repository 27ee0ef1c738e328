"""URLs of a business's host: the customer portal, the manage area and the API. Module URLs come from
the registry, each under the module's namespace, so the module gate can answer 404 when it is off."""

from django.urls import include, path

from . import registry
from .api import schema as api
from .portal import pwa

mounts = registry.url_mounts()

urlpatterns = [
    path("", include("cabinet.portal.urls")),
    path("", include("cabinet.accounts.urls")),
    path("", include("cabinet.notifications.urls")),
    path("", include("billing.urls")),
    *mounts.portal,
    # Wagtail reverses its admin URLs without a namespace, so the admin cannot sit inside "news-manage";
    # cms.wagtail_urls wraps every admin view in the same module gate and role check instead.
    path("manage/news/admin/", include("cms.wagtail_urls")),
    *mounts.manage,
    path("api/v1/", api.api_root, name="api-root"),
    path("api/v1/schema/", api.schema_view, name="api-schema"),
    *mounts.api,
    path("i18n/", include("django.conf.urls.i18n")),
    path("manifest.webmanifest", pwa.manifest, name="pwa-manifest"),
    path("sw.js", pwa.service_worker, name="pwa-service-worker"),
    path("offline/", pwa.offline, name="pwa-offline"),
    path("pwa/icon-<int:size>.png", pwa.icon, name="pwa-icon"),
    path("favicon.ico", pwa.favicon, name="favicon"),
]

# Rendered without a query, so it answers even when the database is down (cabinet/portal/errors.py).
handler500 = "cabinet.portal.errors.server_error"
