from django.urls import path

from . import manage_views, views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read/", views.read_all, name="read-all"),
    path("notifications/<int:notification_id>/", views.open_notification, name="open"),
    path("notifications/push/key/", views.push_key, name="push-key"),
    path("notifications/push/subscription/", views.push_subscription, name="push-subscription"),
    path("manage/notifications/", manage_views.delivery_log, name="manage-log"),
    path("manage/notifications/<int:delivery_id>/retry/", manage_views.retry, name="manage-retry"),
    path("manage/notifications/settings/", manage_views.notification_settings, name="manage-settings"),
]
