"""URLs of the platform host: landing, business signup and the platform console."""

from django.urls import include, path

from . import pwa

urlpatterns = [
    path("", include("tenants.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", pwa.favicon, name="favicon"),
]

handler500 = "cabinet.portal.errors.server_error"
