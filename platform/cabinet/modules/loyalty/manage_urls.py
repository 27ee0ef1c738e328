from django.urls import path

from . import manage_views

urlpatterns = [
    path("", manage_views.rules, name="rules"),
    path("<int:pk>/", manage_views.edit_rule, name="edit"),
]
