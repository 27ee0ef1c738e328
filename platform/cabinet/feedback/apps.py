from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "cabinet.feedback"
    label = "feedback"
