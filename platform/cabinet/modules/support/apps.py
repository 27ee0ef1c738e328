from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "cabinet.modules.support"
    label = "support"

    def ready(self):
        from .services import notify_customer
        from .signals import support_event

        support_event.connect(notify_customer, dispatch_uid="support-notify-customer")
