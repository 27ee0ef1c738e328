from django.urls import path

from . import views

urlpatterns = [
    path("", views.page, name="page"),
    path("r/<str:code>/", views.landing, name="landing"),
]
