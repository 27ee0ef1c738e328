from django.urls import path

from . import views

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.new_request, name="new"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/close/", views.close, name="close"),
    path("tasks/", views.tasks, name="tasks"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
]
