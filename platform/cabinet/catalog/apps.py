from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "cabinet.catalog"
    label = "catalog"
