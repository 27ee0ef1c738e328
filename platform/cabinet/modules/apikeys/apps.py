from django.apps import AppConfig


class ApiKeysConfig(AppConfig):
    name = "cabinet.modules.apikeys"
    label = "apikeys"

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI description of key sign-in)
