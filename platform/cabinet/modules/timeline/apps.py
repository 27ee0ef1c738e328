from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "cabinet.modules.timeline"
    label = "timeline"
