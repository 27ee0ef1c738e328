from django.urls import path

from . import views

urlpatterns = [
    path("", views.club_list, name="list"),
    path("<slug:slug>/", views.club_detail, name="detail"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/post/", views.post, name="post"),
    path("<slug:slug>/posts/<int:pk>/comment/", views.comment, name="comment"),
    path("<slug:slug>/posts/<int:pk>/report/", views.report, name="report"),
]
