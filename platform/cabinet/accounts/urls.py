from django.urls import path

from . import password_views, views

app_name = "accounts"
urlpatterns = [
    path("manage/login/", views.StaffLoginView.as_view(), name="staff-login"),
    path("manage/logout/", views.staff_logout, name="logout"),
    path("manage/enter/<str:token>/", views.enter_with_token, name="enter"),
    path("manage/password/", views.change_password, name="password"),
    # Customers of the portal.
    path("login/", views.customer_login, name="login"),
    path("logout/", views.customer_logout, name="customer-logout"),
    path("register/", views.register, name="register"),
    path("terms/", views.terms, name="terms"),
    path("verify-email/<str:token>/", views.verify_email, name="verify-email"),
    path("password-reset/", password_views.password_reset, name="password-reset"),
    path("password-reset/sent/", password_views.password_reset_sent, name="password-reset-sent"),
    path("password-reset/sms/", password_views.sms_reset, name="sms-reset"),
    path("password-reset/sms/code/", password_views.sms_reset_code, name="sms-reset-code"),
    path("password-reset/<uidb64>/<token>/", password_views.password_reset_confirm, name="password-reset-confirm"),
    path("password-reset/done/", password_views.password_reset_complete, name="password-reset-complete"),
    path("password/<str:token>/", password_views.password_link, name="password-link"),
    path("me/new-password/", password_views.choose_password, name="choose-password"),
    path("me/", views.my_settings, name="settings"),
    path("me/language/", views.language, name="language"),
    path("me/verify-email/", views.resend_verification, name="resend-verification"),
    path("me/email/", views.change_email, name="change-email"),
    path("me/email/cancel/", views.cancel_email_change, name="cancel-email-change"),
    path("me/password/", views.customer_password, name="customer-password"),
    path("me/addresses/new/", views.address_form, name="address-add"),
    path("me/addresses/<int:address_id>/", views.address_form, name="address-edit"),
    path("me/addresses/<int:address_id>/delete/", views.address_delete, name="address-delete"),
    path("me/addresses/<int:address_id>/default/", views.address_default, name="address-default"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/export/", views.export_data, name="export"),
    path("me/delete/", views.delete_account, name="delete-account"),
]
