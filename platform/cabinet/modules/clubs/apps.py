from django.apps import AppConfig


class ClubsConfig(AppConfig):
    name = "cabinet.modules.clubs"
    label = "clubs"

    def ready(self):
        from cabinet.modules.orders.services import order_event

        from .receivers import order_changed

        order_event.connect(order_changed, dispatch_uid="clubs-order-changed")
