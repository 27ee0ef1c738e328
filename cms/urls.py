from django.urls import path

from . import views

urlpatterns = [
    path("", views.news_list, name="list"),
    path("<slug:slug>/", views.article_detail, name="detail"),
    path("<slug:slug>/image/", views.article_image, name="image"),
]
