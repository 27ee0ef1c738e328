"""The manage area of the wallet: find a customer, see their balance and entries, adjust it, set the limit."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cabinet.accounts.permissions import role_required
from cabinet.forms import add_service_errors

from . import selectors, services
from . import topup as topups
from .forms import AdjustForm, CreditLimitForm, FindForm, RefundToBalanceForm
from .module import MODULE
from .views import entries_page

manage_roles = role_required(*MODULE.manage_roles("find"))
# The three forms of a customer's page share field names; each has its own ids, so every label finds its field.
ADJUST_ID, LIMIT_ID, REFUND_ID = "adjust-%s", "limit-%s", "refund-%s"


def _customer(customer_id):
    User = get_user_model()
    return get_object_or_404(User, pk=customer_id, role=User.Role.CUSTOMER)


def _page(request, customer, *, adjust=None, limit=None, refund=None, status=200):
    filters, page, lines = entries_page(request, customer)
    currencies = selectors.currencies(customer=customer) or ["RUB"]
    return render(request, "wallet/manage_customer.html", {
        "customer": customer, "balances": selectors.balances(customer=customer), "filters": filters,
        "page": page, "lines": lines, "limit_changes": selectors.limit_changes(customer=customer),
        "adjust_form": adjust or AdjustForm(auto_id=ADJUST_ID, initial={"currency": currencies[0]}),
        "limit_form": limit or CreditLimitForm(auto_id=LIMIT_ID, initial={"currency": currencies[0], "limit": Decimal("0")}),
        "refund_form": refund or RefundToBalanceForm(auto_id=REFUND_ID, initial={"currency": currencies[0]}),
        "topups": topups.card_topups(customer=customer)},
        status=status)


@require_http_methods(["GET"])
@manage_roles
def find(request):
    form = FindForm(request.GET or None)
    if form.is_valid():
        return redirect("wallet-manage:customer", form.cleaned_data["q"].pk)
    return render(request, "wallet/manage_find.html", {"form": form})


@require_http_methods(["GET"])
@manage_roles
def customer(request, customer_id):
    return _page(request, _customer(customer_id))


def _submit(request, person, form, slot: str, action, success: str):
    """A staff form of the customer's page: the service runs on valid data; a refusal is shown on the form
    (400, nothing changed), a success as a message on the page again."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("wallet-manage:customer", person.pk)
    return _page(request, person, **{slot: form}, status=400)


@require_http_methods(["POST"])
@manage_roles
def adjust(request, customer_id):
    person = _customer(customer_id)
    return _submit(request, person, AdjustForm(request.POST, auto_id=ADJUST_ID), "adjust", lambda data: services.adjust_balance(
        customer=person, amount=data["amount"], currency=data["currency"], note=data["note"], actor=request.user),
        _("The balance of %(customer)s is adjusted.") % {"customer": person.display_name})


@require_http_methods(["POST"])
@manage_roles
def credit_limit(request, customer_id):
    person = _customer(customer_id)
    return _submit(request, person, CreditLimitForm(request.POST, auto_id=LIMIT_ID), "limit", lambda data: services.set_credit_limit(
        customer=person, currency=data["currency"], limit=data["limit"], actor=request.user),
        _("The credit limit of %(customer)s is set.") % {"customer": person.display_name})


@require_http_methods(["POST"])
@manage_roles
def refund_card(request, customer_id, payment_id):
    """A card top-up refunded to the card through Stripe; the balance is debited when Stripe confirms."""
    person = _customer(customer_id)
    try:
        topups.refund_to_card(customer=person, payment_id=payment_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The refund to the card is requested from Stripe; the balance changes when "
                                    "Stripe confirms it."))
    return redirect("wallet-manage:customer", person.pk)


@require_http_methods(["POST"])
@manage_roles
def refund_balance(request, customer_id):
    person = _customer(customer_id)
    return _submit(request, person, RefundToBalanceForm(request.POST, auto_id=REFUND_ID), "refund", lambda data: topups.refund_to_balance(
        customer=person, amount=data["amount"], currency=data["currency"], note=data["note"], actor=request.user),
        _("The refund is credited to the balance of %(customer)s.") % {"customer": person.display_name})
