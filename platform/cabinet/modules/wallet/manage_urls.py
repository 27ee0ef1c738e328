from django.urls import path

from . import manage_views

urlpatterns = [
    path("", manage_views.find, name="find"),
    path("<int:customer_id>/", manage_views.customer, name="customer"),
    path("<int:customer_id>/adjust/", manage_views.adjust, name="adjust"),
    path("<int:customer_id>/credit-limit/", manage_views.credit_limit, name="credit-limit"),
    path("<int:customer_id>/topups/<int:payment_id>/refund/", manage_views.refund_card, name="refund-card"),
    path("<int:customer_id>/refund/", manage_views.refund_balance, name="refund-balance"),
]
