"""URLs of the platform host: landing, business signup and the platform console."""

from django.urls import include, path

urlpatterns = [
    path("", include("tenants.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
