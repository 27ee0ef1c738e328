from django.urls import path

from . import manage_views

urlpatterns = [
    path("", manage_views.key_list, name="list"),
    path("<int:pk>/revoke/", manage_views.revoke, name="revoke"),
]
