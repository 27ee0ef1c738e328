from django.urls import path

from . import api

urlpatterns = [
    path("", api.OrderListView.as_view(), name="list"),
    path("quote/", api.QuoteView.as_view(), name="quote"),
    path("<int:pk>/", api.OrderDetailView.as_view(), name="detail"),
    path("invoices/", api.InvoiceListView.as_view(), name="invoice-list"),
    path("invoices/<int:pk>/", api.InvoiceDetailView.as_view(), name="invoice-detail"),
    path("invoices/<int:pk>/pdf/", api.InvoicePdfView.as_view(), name="invoice-pdf"),
]
