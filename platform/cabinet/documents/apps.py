from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cabinet.documents"
    label = "documents"
