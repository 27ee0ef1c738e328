from django.urls import path

from . import views

urlpatterns = [
    path("", views.points, name="points"),
    path("earn/", views.earn, name="earn"),
    path("use/", views.use, name="use"),
]
