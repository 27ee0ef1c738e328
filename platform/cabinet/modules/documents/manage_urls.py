from django.urls import path

from . import manage_views

urlpatterns = [
    path("", manage_views.document_list, name="list"),
    path("upload/", manage_views.upload, name="upload"),
    path("<int:pk>/delete/", manage_views.delete, name="delete"),
]
