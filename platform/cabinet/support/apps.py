from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "cabinet.support"
    label = "support"
