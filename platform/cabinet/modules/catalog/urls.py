from django.urls import path

from . import views

urlpatterns = [
    path("", views.product_list, name="list"),
    path("favourites/", views.favourites, name="favourites"),
    path("images/<int:pk>/", views.image, name="image"),
    path("p/<slug:slug>/", views.product_detail, name="detail"),
    path("p/<slug:slug>/availability/", views.availability, name="availability"),
    path("p/<slug:slug>/favourite/", views.toggle_favourite, name="favourite"),
]
