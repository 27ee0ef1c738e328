"""Billing's pages: the webhook intakes, the customer's card page, and the owner's Stripe settings."""

from __future__ import annotations

import json

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

from cabinet.accounts.permissions import role_required
from cabinet.forms import add_service_errors
from cabinet.tenancy import current_tenant, site_url

from . import selectors, services, stripe_adapter
from .forms import StripeAccountForm
from .models import Payment

customer_login = login_required(login_url="accounts:login")
MAX_WEBHOOK_BYTES = 512 * 1024


def stripe_origin() -> str:
    """scheme://host[:port] of Stripe.js: the one host the card page's policy allows besides our own."""
    from urllib.parse import urlsplit

    parts = urlsplit(settings.STRIPE_JS_URL)
    return f"{parts.scheme}://{parts.netloc}"


def _stripe_csp(view):
    origin = stripe_origin()
    return csp_update({"script-src": [origin], "connect-src": [origin], "frame-src": [origin]})(view)


# --- webhook intakes -----------------------------------------------------------------------------------------

def _intake(request) -> HttpResponse:
    """Verifies the signature with the signing secret of the account this schema acts for, stores the event
    once and answers at once; a Celery task applies it. A bad signature: 400, nothing stored."""
    if len(request.body) > MAX_WEBHOOK_BYTES:
        return HttpResponseBadRequest("too large")
    keys = selectors.business_keys()
    try:
        event = stripe_adapter.verified_event(request.body, request.headers.get("Stripe-Signature", ""),
                                              keys.webhook_secret if keys else "")
    except stripe_adapter.BadSignature:
        return JsonResponse({"error": "bad signature"}, status=400)
    stored, new = services.record_event(event)
    return JsonResponse({"received": stored.event_id, "duplicate": not new})


@csrf_exempt
@require_POST
def webhook(request):
    """The business's intake (on its own host), or the platform's (on the platform host)."""
    return _intake(request)


@csrf_exempt
@require_POST
def business_webhook_by_slug(request, slug: str):
    """The business's intake reached through the platform host, /billing/stripe/webhook/<slug>/: for a Stripe
    that cannot reach the business's own host name. The signature with that business's secret proves it."""
    tenant = get_tenant_model().objects.filter(slug=slug).exclude(schema_name=get_public_schema_name()).first()
    if tenant is None:
        raise Http404
    with schema_context(tenant.schema_name):
        return _intake(request)


def webhook_url(request) -> str:
    return site_url(request) + reverse("billing:webhook")


# --- the customer's card page --------------------------------------------------------------------------------

def _own_payment(request, payment_id: int) -> Payment:
    payment = selectors.customer_payment(customer=request.user, payment_id=payment_id)
    if payment is None:
        raise Http404
    return payment


@require_GET
@customer_login
@_stripe_csp
def card_page(request, payment_id: int):
    payment = _own_payment(request, payment_id)
    keys = selectors.business_keys()
    if payment.status in (Payment.Status.SUCCEEDED, Payment.Status.REFUND_PENDING, Payment.Status.REFUNDED):
        return redirect(payment.return_url)
    return render(request, "billing/card.html", {
        "payment": payment, "stripe_js_url": settings.STRIPE_JS_URL,
        "publishable_key": keys.publishable_key if keys else "",
        "payable": keys is not None and payment.status in (Payment.Status.CREATED, Payment.Status.FAILED,
                                                           Payment.Status.REQUIRES_ACTION)})


@require_POST
@customer_login
def card_pay(request, payment_id: int):
    """The card page's fetch: {"token": "tok_..."} → {"status", "client_secret"?, "next"} or {"error"} (400)."""
    payment = _own_payment(request, payment_id)
    try:
        data = json.loads(request.body or b"{}")
        token = data.get("token", "") if isinstance(data, dict) else ""
    except ValueError:
        token = ""
    try:
        payment = services.pay_with_card(payment=payment, token=token)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    answer = {"status": payment.status, "next": reverse("billing:card-done", args=[payment.pk])}
    if payment.status == Payment.Status.REQUIRES_ACTION:
        answer["client_secret"] = payment.client_secret
    if payment.status == Payment.Status.FAILED:
        return JsonResponse({"error": payment.last_error or _("The card was declined.")}, status=400)
    return JsonResponse(answer)


@require_GET
@customer_login
def card_done(request, payment_id: int):
    """Where the page goes after paying (3-D Secure included): the state from Stripe, then back to the module."""
    payment = services.refresh_payment(payment=_own_payment(request, payment_id))
    if payment.status == Payment.Status.SUCCEEDED:
        messages.success(request, _("Payment received. Thank you!"))
        return redirect(payment.return_url)
    if payment.status == Payment.Status.PROCESSING:
        messages.info(request, _("Your payment is being processed; it will show here once Stripe confirms it."))
        return redirect(payment.return_url)
    messages.error(request, payment.last_error or _("The payment did not go through."))
    return redirect("billing:card", payment.pk)


# --- the owner's Stripe settings -----------------------------------------------------------------------------

@role_required("owner")
@require_http_methods(["GET", "POST"])
def manage_stripe(request):
    form = StripeAccountForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "disconnect":
        services.disconnect_stripe_account()
        messages.success(request, _("Stripe is disconnected; card payments are off."))
        return redirect("billing:manage-stripe")
    if request.method == "POST" and form.is_valid():
        try:
            services.connect_stripe_account(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Stripe is connected: the keys work and are saved."))
            return redirect("billing:manage-stripe")
    return render(request, "billing/manage_stripe.html", {
        "form": form, "account": selectors.account(), "webhook_url": webhook_url(request),
        "tenant": current_tenant(), "payments": selectors.recent_payments(20),
        "events": selectors.recent_events(10), "calls": selectors.recent_calls(10)},
        status=400 if form.errors else 200)


@role_required("owner")
@require_POST
def manage_refund(request, payment_id: int):
    payment = selectors.payment(payment_id)
    if payment is None:
        raise Http404
    try:
        services.refund_card_payment(payment=payment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The refund is requested from Stripe."))
    return redirect("billing:manage-stripe")
