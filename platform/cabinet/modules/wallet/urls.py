from django.urls import path

from . import views

urlpatterns = [
    path("", views.balance, name="balance"),
    path("topup/", views.topup, name="topup"),
    path("statement/", views.statement, name="statement"),
    path("statement.pdf", views.statement_pdf, name="statement-pdf"),
]
