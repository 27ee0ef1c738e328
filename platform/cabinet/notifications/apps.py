from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cabinet.notifications"
    label = "notifications"
    verbose_name = "Notifications"
