from django.urls import path

from . import customer_views, manage_views, media, staff_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("manage/", views.manage, name="manage"),
    path("manage/branding/", manage_views.branding, name="manage-branding"),
    path("manage/legal/", manage_views.legal_details, name="manage-legal"),
    path("manage/branding/contrast/", manage_views.branding_contrast, name="manage-branding-contrast"),
    path("manage/modules/", manage_views.modules, name="manage-modules"),
    path("manage/modules/industry/", manage_views.vertical, name="manage-vertical"),
    path("manage/modules/<slug:key>/switch/", manage_views.module_switch, name="manage-module-switch"),
    path("manage/modules/<slug:key>/settings/", manage_views.module_settings, name="manage-module-settings"),
    path("manage/customers/", customer_views.customers, name="manage-customers"),
    path("manage/customers/<int:customer_id>/", customer_views.customer, name="manage-customer"),
    path("manage/customers/<int:customer_id>/reset-email/", customer_views.customer_reset_email,
         name="manage-customer-reset-email"),
    path("manage/customers/<int:customer_id>/reset-link/", customer_views.customer_reset_link,
         name="manage-customer-reset-link"),
    path("manage/customers/<int:customer_id>/temporary-password/", customer_views.customer_temporary_password,
         name="manage-customer-temporary-password"),
    path("manage/customers/import/", customer_views.numbers_import, name="manage-numbers-import"),
    path("manage/customers/import/sample.csv", customer_views.numbers_import_sample,
         name="manage-numbers-import-sample"),
    path("manage/customers/numbers/<int:number_id>/remove/", customer_views.number_remove,
         name="manage-number-remove"),
    path("manage/customers/groups/", customer_views.customer_groups, name="manage-customer-groups"),
    path("manage/customers/groups/<int:pk>/", customer_views.customer_group, name="manage-customer-group"),
    path("manage/staff/", staff_views.staff, name="manage-staff"),
    path("manage/staff/<int:member_id>/role/", staff_views.staff_role, name="manage-staff-role"),
    path("manage/staff/<int:member_id>/active/", staff_views.staff_active, name="manage-staff-active"),
    path("manage/staff/invites/<int:invite_id>/resend/", staff_views.invite_resend, name="manage-invite-resend"),
    path("manage/staff/invites/<int:invite_id>/revoke/", staff_views.invite_revoke, name="manage-invite-revoke"),
    path("manage/invite/<str:token>/", staff_views.invite_accept, name="invite-accept"),
    path("media/<path:path>", media.branding_file, name="media"),
]
