from django.urls import path

from .api import CurrentKeyView

urlpatterns = [path("key/", CurrentKeyView.as_view(), name="current-key")]
