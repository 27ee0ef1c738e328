"""URLs of the platform host: landing, business signup, the platform console and the local mailbox."""

from django.urls import include, path

from .portal import pwa

urlpatterns = [
    path("", include("tenants.urls")),
    path("", include("billing.urls_public")),
    path("i18n/", include("django.conf.urls.i18n")),
    # answers only when mail goes to the local mailbox and the request comes from this machine
    path("dev/mail/", include("cabinet.mailbox.urls")),
    path("favicon.ico", pwa.favicon, name="favicon"),
]

handler500 = "cabinet.portal.errors.server_error"
