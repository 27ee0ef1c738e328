"""The platform host's intakes: the platform's own account, and each business's by its slug."""

from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("billing/stripe/webhook/", views.webhook, name="webhook"),
    path("billing/stripe/webhook/<slug:slug>/", views.business_webhook_by_slug, name="business-webhook"),
]
