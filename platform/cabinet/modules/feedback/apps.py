from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "cabinet.modules.feedback"
    label = "feedback"
