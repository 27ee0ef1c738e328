from django.urls import path

from . import manage_views

urlpatterns = [
    path("", manage_views.queue, name="queue"),
    path("<int:pk>/", manage_views.detail, name="detail"),
    path("<int:pk>/reply/", manage_views.reply, name="reply"),
    path("<int:pk>/status/", manage_views.change_status, name="status"),
]
