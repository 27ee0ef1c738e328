"""Paying invoices: the customer pays from the balance, by card or both; order staff (owner, manager) record
bank transfers and refund a payment to the balance. Thin: the services decide and say why not."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabinet.accounts.permissions import role_required

from . import selectors, services
from .manage_views import detail_page
from .models import InvoicePayment
from .views import customer_login, order_page

PAYMENT_STAFF_ROLES = ("owner", "manager")
payment_staff = role_required(*PAYMENT_STAFF_ROLES)


def _say(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _by_field(error: ValidationError) -> dict[str, list[str]]:
    """A refusal's messages by the form's field they are about; "form" for those about no field."""
    found = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    return {"form" if field == NON_FIELD_ERRORS else field: problems for field, problems in found.items()}


@require_POST
@customer_login
def pay(request, pk):
    """method: "balance", "card" or "both" (the balance first, the card for the rest)."""
    invoice = selectors.customer_invoice(request.user, pk)
    if invoice is None:
        raise Http404
    back = reverse("orders:detail", args=[invoice.order_id])
    method = request.POST.get("method", "balance")
    amount = request.POST.get("amount", "")
    try:
        if method == "balance":
            services.pay_from_balance(invoice=invoice, customer=request.user, amount=amount)
        elif method in ("card", "both"):
            payment = services.start_card_payment(invoice=invoice, customer=request.user, amount=amount,
                                                  use_balance=method == "both", return_url=back)
            if payment is not None:
                return redirect("billing:card", payment_id=payment.pk)
        else:
            raise ValidationError(_("Choose how to pay."))
    except ValidationError as error:
        # The page again, the refusal beside the field it is about and the typed values kept (nothing changed).
        order = selectors.customer_order(request.user, invoice.order_id)
        return order_page(request, order, status=400, pay_errors=_by_field(error), pay_data=request.POST)
    messages.success(request, _("Thank you: the payment is recorded."))
    return redirect(back)


@require_POST
@payment_staff
def record_transfer(request, pk):
    invoice = selectors.invoice_for_staff(pk)
    if invoice is None:
        raise Http404
    try:
        services.record_bank_transfer(invoice=invoice, amount=request.POST.get("amount", ""),
                                      reference=request.POST.get("reference", ""),
                                      paid_on=request.POST.get("paid_on", ""), by=request.user)
    except ValidationError as error:
        order = selectors.staff_order(invoice.order_id)
        errors = _by_field(error)
        return detail_page(request, order, status=400, transfer_errors=errors, transfer_data=request.POST,
                           transfer_focus=next(iter(errors)))
    messages.success(request, _("The bank transfer is recorded."))
    return redirect("orders-manage:detail", pk=invoice.order_id)


@require_POST
@payment_staff
def refund(request, pk):
    payment = InvoicePayment.objects.filter(pk=pk).select_related("invoice").first()
    if payment is None:
        raise Http404
    try:
        services.refund_to_balance(payment=payment, by=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("The payment is refunded to the customer's balance."))
    return redirect("orders-manage:detail", pk=payment.invoice.order_id)
