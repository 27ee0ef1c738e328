from django.urls import path

from . import manage_views as views
from . import payment_views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/", views.bulk_status, name="bulk"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("invoices/<int:pk>/transfer/", payment_views.record_transfer, name="invoice-transfer"),
    path("payments/<int:pk>/refund/", payment_views.refund, name="payment-refund"),
    path("discounts/", views.discounts, name="discounts"),
    path("discounts/new/", views.discount_new, name="discount-new"),
    path("discounts/<int:pk>/", views.discount_edit, name="discount"),
    path("discounts/<int:pk>/active/", views.discount_active, name="discount-active"),
    path("discounts/<int:pk>/delete/", views.discount_delete, name="discount-delete"),
]
