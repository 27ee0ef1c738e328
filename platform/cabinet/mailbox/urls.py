from django.urls import path

from . import views

app_name = "mailbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("empty/", views.empty, name="empty"),
    path("<str:message_id>/", views.message, name="message"),
    path("<str:message_id>/<int:number>/", views.attachment, name="attachment"),
]
