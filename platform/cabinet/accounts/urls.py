from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("manage/login/", views.StaffLoginView.as_view(), name="staff-login"),
    path("manage/logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("manage/enter/<str:token>/", views.enter_with_token, name="enter"),
    path("manage/password/", views.change_password, name="password"),
    # Customers of the portal.
    path("login/", views.customer_login, name="login"),
    path("logout/", views.customer_logout, name="customer-logout"),
    path("register/", views.register, name="register"),
    path("me/", views.my_settings, name="settings"),
]
