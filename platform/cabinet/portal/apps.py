from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cabinet.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from cabinet import freshness

        freshness.install()  # every write drops the cached reads of the table it wrote
