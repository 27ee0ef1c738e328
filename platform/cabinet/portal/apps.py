from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cabinet.portal"
    label = "portal"
    verbose_name = "Portal"
