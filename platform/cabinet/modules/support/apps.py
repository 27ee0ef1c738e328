from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "cabinet.modules.support"
    label = "support"
