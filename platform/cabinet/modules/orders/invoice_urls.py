from django.urls import path

from . import invoice_views, payment_views

urlpatterns = [
    path("invoices/<int:pk>/pdf/", invoice_views.invoice_pdf, name="invoice-pdf"),
    path("invoices/<int:pk>/pay/", payment_views.pay, name="invoice-pay"),
]
