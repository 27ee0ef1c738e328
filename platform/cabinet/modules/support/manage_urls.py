from django.urls import path

from . import manage_views

urlpatterns = [
    path("", manage_views.queue, name="queue"),
    path("<int:pk>/", manage_views.detail, name="detail"),
    path("<int:pk>/reply/", manage_views.reply, name="reply"),
    path("<int:pk>/status/", manage_views.change_status, name="status"),
    path("<int:pk>/stage/", manage_views.move_stage, name="stage"),
    path("<int:pk>/assignee/", manage_views.assign, name="assignee"),
    path("stages/", manage_views.stages, name="stages"),
]
