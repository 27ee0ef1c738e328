from django.urls import path

from . import api

urlpatterns = [
    path("", api.ArticleList.as_view(), name="list"),
]
