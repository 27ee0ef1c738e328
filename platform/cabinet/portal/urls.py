from django.urls import path

from . import manage_views, media, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("manage/", views.manage, name="manage"),
    path("manage/branding/", manage_views.branding, name="manage-branding"),
    path("manage/branding/contrast/", manage_views.branding_contrast, name="manage-branding-contrast"),
    path("manage/modules/", manage_views.modules, name="manage-modules"),
    path("manage/modules/industry/", manage_views.vertical, name="manage-vertical"),
    path("manage/modules/<slug:key>/switch/", manage_views.module_switch, name="manage-module-switch"),
    path("manage/modules/<slug:key>/settings/", manage_views.module_settings, name="manage-module-settings"),
    path("manage/customers/", manage_views.customers, name="manage-customers"),
    path("manage/customers/import/", manage_views.numbers_import, name="manage-numbers-import"),
    path("manage/customers/numbers/<int:number_id>/remove/", manage_views.number_remove,
         name="manage-number-remove"),
    path("manage/customers/groups/", manage_views.customer_groups, name="manage-customer-groups"),
    path("manage/customers/groups/<int:pk>/", manage_views.customer_group, name="manage-customer-group"),
    path("manage/staff/", manage_views.staff, name="manage-staff"),
    path("manage/staff/<int:member_id>/role/", manage_views.staff_role, name="manage-staff-role"),
    path("manage/staff/<int:member_id>/active/", manage_views.staff_active, name="manage-staff-active"),
    path("manage/staff/invites/<int:invite_id>/revoke/", manage_views.invite_revoke, name="manage-invite-revoke"),
    path("manage/invite/<str:token>/", manage_views.invite_accept, name="invite-accept"),
    path("media/<path:path>", media.branding_file, name="media"),
]
