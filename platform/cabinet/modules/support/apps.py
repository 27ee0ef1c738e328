from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "cabinet.modules.support"
    label = "support"

    def ready(self):
        from .services import notify_assignee, notify_customer
        from .signals import support_event

        support_event.connect(notify_customer, dispatch_uid="support-notify-customer")
        support_event.connect(notify_assignee, dispatch_uid="support-notify-assignee")
