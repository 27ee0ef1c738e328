from django.urls import path

from . import views

urlpatterns = [
    path("", views.news_list, name="list"),
    path("<str:slug>/", views.article_detail, name="detail"),
    path("<str:slug>/image/", views.article_image, name="image"),
]
