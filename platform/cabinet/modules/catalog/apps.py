from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "cabinet.modules.catalog"
    label = "catalog"
