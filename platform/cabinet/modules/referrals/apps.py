from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "cabinet.modules.referrals"
    label = "referrals"

    def ready(self) -> None:
        from cabinet import events
        from cabinet.modules.orders.services import order_event

        from . import receivers

        events.customer_event.connect(receivers.on_customer_event, dispatch_uid="referrals.customer_event")
        order_event.connect(receivers.on_order_event, dispatch_uid="referrals.order_event")
