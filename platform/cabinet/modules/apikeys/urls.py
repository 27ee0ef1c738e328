from django.urls import path

from . import views

urlpatterns = [
    path("", views.key_list, name="list"),
    path("create/", views.create, name="create"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("docs/", views.api_docs, name="docs"),
]
