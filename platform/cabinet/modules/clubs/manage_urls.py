from django.urls import path

from . import manage_views as views

urlpatterns = [
    path("", views.clubs, name="clubs"),
    path("new/", views.edit, name="new"),
    path("<int:pk>/", views.club, name="club"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/recalculate/", views.recalculate, name="recalculate"),
    path("members/<int:pk>/<str:action>/", views.membership, name="membership"),
    path("posts/<int:pk>/<str:action>/", views.moderate, name="moderate"),
    path("comments/<int:pk>/<str:action>/", views.moderate_comment, name="moderate-comment"),
    path("approvals/", views.approvals, name="approvals"),
    path("reports/", views.reports, name="reports"),
]
