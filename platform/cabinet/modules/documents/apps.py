from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cabinet.modules.documents"
    label = "documents"
