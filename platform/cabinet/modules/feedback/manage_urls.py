from django.urls import path

from . import manage_views

urlpatterns = [
    path("", manage_views.rating_list, name="list"),
]
