from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "cabinet.modules.orders"
    label = "orders"
