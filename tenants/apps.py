from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants"

    def ready(self):
        from . import checks, signals  # noqa: F401  (database locale check; routing cache invalidation)
