from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "cabinet.orders"
    label = "orders"
