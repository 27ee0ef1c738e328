from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("signup/", views.signup, name="signup"),
    path("signup/check-slug/", views.check_slug, name="signup-check-slug"),
    path("find-portal/", views.find_portal, name="find-portal"),
    path("console/login/", views.ConsoleLoginView.as_view(), name="console-login"),
    path("console/logout/", auth_views.LogoutView.as_view(next_page="/console/login/"), name="console-logout"),
    path("console/", views.console, name="console"),
    path("console/tenants/<slug:slug>/", views.console_tenant, name="console-tenant"),
    path("console/tenants/<slug:slug>/status/", views.console_set_status, name="console-set-status"),
    path("console/tenants/<slug:slug>/suspend/", views.console_suspend, name="console-suspend"),
]
