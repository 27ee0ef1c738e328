"""Repeat and recurring orders (mounted inside the orders portal namespace)."""

from django.urls import path

from . import reorder_views as views

urlpatterns = [
    path("<int:pk>/repeat/", views.repeat, name="repeat"),
    path("<int:pk>/repeat-automatically/", views.recurring_new, name="recurring-new"),
    path("recurring/", views.recurring_list, name="recurring-list"),
    path("recurring/<int:pk>/", views.recurring_detail, name="recurring-detail"),
    path("recurring/<int:pk>/pause/", views.recurring_pause, name="recurring-pause"),
    path("recurring/<int:pk>/resume/", views.recurring_resume, name="recurring-resume"),
    path("recurring/<int:pk>/stop/", views.recurring_stop, name="recurring-stop"),
]
