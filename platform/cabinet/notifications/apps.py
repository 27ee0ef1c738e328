from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cabinet.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    # Every message sent to a customer is on the customer's timeline (cabinet.registry.TimelineSource).
    timeline = "cabinet.notifications.timeline.SOURCE"
