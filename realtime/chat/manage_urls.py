from django.urls import path

from . import manage_views

urlpatterns = [
    path("", manage_views.inbox, name="inbox"),
    path("<int:pk>/", manage_views.conversation, name="conversation"),
    path("<int:pk>/row/", manage_views.row, name="row"),
    path("<int:pk>/send/", manage_views.send, name="send"),
    path("<int:pk>/take/", manage_views.take, name="take"),
    path("<int:pk>/transfer/", manage_views.transfer, name="transfer"),
    path("<int:pk>/close/", manage_views.close, name="close"),
    path("<int:pk>/reopen/", manage_views.reopen, name="reopen"),
    path("canned/", manage_views.canned, name="canned"),
    path("canned/<int:pk>/delete/", manage_views.delete_canned, name="canned-delete"),
]
