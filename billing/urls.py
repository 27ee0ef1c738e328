from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("billing/stripe/webhook/", views.webhook, name="webhook"),
    path("billing/pay/<int:payment_id>/", views.card_page, name="card"),
    path("billing/pay/<int:payment_id>/card/", views.card_pay, name="card-pay"),
    path("billing/pay/<int:payment_id>/done/", views.card_done, name="card-done"),
    path("manage/billing/stripe/", views.manage_stripe, name="manage-stripe"),
    path("manage/billing/payments/<int:payment_id>/refund/", views.manage_refund, name="manage-refund"),
]
