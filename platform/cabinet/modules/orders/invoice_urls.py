from django.urls import path

from . import invoice_views

urlpatterns = [
    path("invoices/<int:pk>/pdf/", invoice_views.invoice_pdf, name="invoice-pdf"),
]
