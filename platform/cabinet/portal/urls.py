from django.urls import path

from . import manage_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("manage/", views.manage, name="manage"),
    path("manage/branding/", manage_views.branding, name="manage-branding"),
    path("manage/modules/", manage_views.modules, name="manage-modules"),
    path("manage/customers/", manage_views.customers, name="manage-customers"),
    path("manage/staff/", manage_views.staff, name="manage-staff"),
]
