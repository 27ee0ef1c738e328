"""Top-ups by card and the staff's refunds: the wallet's payment purpose `wallet.topup`.

The customer names an amount (within the business's minimum and maximum), billing starts a PaymentIntent and
shows its card page; when Stripe says the intent succeeded (the webhook, or the return page asking Stripe,
whichever comes first) billing calls `credit_topup` once, and the ledger posts the credit under the idempotency
key of the PaymentIntent's id, so no order or repetition of Stripe's events credits twice. A staff refund to the
card asks Stripe through billing; `debit_refund` takes the money back from the balance once, when Stripe
confirms the refund. A refund to the balance is a ledger credit with the reason the staff gives."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from billing import selectors as billing_selectors
from billing import services as billing
from cabinet.ledger import selectors as ledger_selectors
from cabinet.ledger import services as ledger
from cabinet.ledger.models import Kind, Transaction
from cabinet.money import CURRENCIES, format_money

PURPOSE = "wallet.topup"
CARD = "card"  # the business's account the card money arrives in
REFUNDS = "refunds"  # the business's account refunds to the balance come from
MAX_NOTE = 200
DEFAULT_MIN, DEFAULT_MAX, DEFAULT_CURRENCY = 100, 100000, "RUB"


def limits() -> tuple[Decimal, Decimal, str]:
    """(minimum, maximum, currency) of one top-up, from the wallet's settings."""
    from cabinet.portal.selectors import portal_state

    state = portal_state()
    low = state.setting("wallet", "topup_min")
    high = state.setting("wallet", "topup_max")
    currency = state.setting("wallet", "topup_currency") or DEFAULT_CURRENCY
    low = Decimal(low if isinstance(low, int) and low > 0 else DEFAULT_MIN)
    high = Decimal(high if isinstance(high, int) and high > 0 else DEFAULT_MAX)
    return low, max(low, high), currency if currency in CURRENCIES else DEFAULT_CURRENCY


def available() -> bool:
    """Whether customers can top up by card here (the business connected Stripe)."""
    return billing_selectors.takes_card_payments()


def start_topup(*, customer, amount, return_url: str = "/wallet/"):
    """A card payment of `amount` in the top-up currency (billing's Payment; the customer pays on its card page).
    ValidationError {"amount": ...} outside the limits; nothing is made then."""
    low, high, currency = limits()
    try:
        value = Decimal(str(amount).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({"amount": _("Enter an amount, for example 500.")}, code="invalid") from error
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("Enter an amount with at most two decimals.")}, code="invalid")
    if value < low or value > high:
        raise ValidationError({"amount": _("A top-up is from %(min)s to %(max)s.") % {
            "min": format_money(low, currency), "max": format_money(high, currency)}}, code="limits")
    if not available():
        raise ValidationError(_("Card payments are not set up here yet."), code="unavailable")
    return billing.start_card_payment(
        purpose=PURPOSE, object_ref=f"customer:{customer.pk}", customer=customer, amount=value, currency=currency,
        description=_("Top-up of the balance, %(amount)s") % {"amount": format_money(value, currency)},
        return_url=return_url)


# --- the purpose's handlers (billing calls each once per payment, inside its transaction) ---------------------

def _customer(payment):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=payment.customer_id)


def credit_topup(*, payment) -> None:
    """Stripe says the top-up is paid: the customer's balance is credited (once: the PaymentIntent's id is the
    ledger's idempotency key)."""
    customer = _customer(payment)
    account = ledger.customer_account(customer=customer, kind=Kind.MONEY, currency=payment.currency)
    card = ledger.business_account(name=CARD, kind=Kind.MONEY, currency=payment.currency)
    ledger.post_transaction(lines=[(card, -payment.amount), (account, payment.amount)], reason="topup",
                            params={"amount": str(payment.amount), "currency": payment.currency},
                            cause=("billing.payment", payment.id), idempotency_key=payment.payment_intent_id)


def debit_refund(*, payment) -> None:
    """Stripe confirms the refund to the card: the money leaves the balance (once). Stripe has already paid it
    back, so a customer who spent it meanwhile owes it: the credit limit is raised to what is owed."""
    customer = _customer(payment)
    account = ledger.customer_account(customer=customer, kind=Kind.MONEY, currency=payment.currency)
    card = ledger.business_account(name=CARD, kind=Kind.MONEY, currency=payment.currency)
    key = f"{payment.payment_intent_id}:refund"
    if Transaction.objects.filter(idempotency_key=key).exists():
        return
    account.refresh_from_db()
    owed = payment.amount - account.balance
    if owed > account.credit_limit:
        ledger.set_credit_limit(account=account, limit=owed)
    ledger.post_transaction(lines=[(account, -payment.amount), (card, payment.amount)], reason="topup_refund",
                            params={"amount": str(payment.amount), "currency": payment.currency},
                            cause=("billing.payment", payment.id), idempotency_key=key)


# --- the staff's refunds -----------------------------------------------------------------------------------

def card_topups(*, customer) -> list:
    """The customer's card top-ups, newest first (billing's Payment rows)."""
    return list(billing_selectors.customer_payments(customer).filter(purpose=PURPOSE)[:50])


def refund_to_card(*, customer, payment_id: int):
    """Asks Stripe to refund a paid top-up to the card; the balance is debited when Stripe confirms. Refused
    (ValidationError) when the top-up is not this customer's, not paid, or already spent."""
    payment = billing_selectors.customer_payment(customer=customer, payment_id=payment_id)
    if payment is None or payment.purpose != PURPOSE:
        raise ValidationError(_("This is not a card top-up of this customer."), code="not_found")
    balance = ledger_selectors.balance(customer=customer, kind=Kind.MONEY, currency=payment.currency)
    if balance < payment.amount:
        raise ValidationError(_("The balance (%(balance)s) is below the top-up: the customer has spent part of it. "
                                "Refund the rest to the balance or adjust it first.") % {
                                    "balance": format_money(balance, payment.currency)}, code="spent")
    return billing.refund_card_payment(payment=payment)


def refund_to_balance(*, customer, amount: Decimal, currency: str, note: str, actor) -> Transaction:
    """A refund credited to the customer's balance (not to a card), with the reason the customer reads."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what is refunded: the customer reads it.")}, code="required")
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": _("The reason is at most %(count)s characters.") % {"count": MAX_NOTE}})
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")}, code="invalid")
    if currency not in CURRENCIES:
        raise ValidationError({"currency": _("This currency is not supported.")}, code="invalid")
    with transaction.atomic():
        account = ledger.customer_account(customer=customer, kind=Kind.MONEY, currency=currency)
        source = ledger.business_account(name=REFUNDS, kind=Kind.MONEY, currency=currency)
        try:
            return ledger.post_transaction(lines=[(source, -amount), (account, amount)], reason="refund",
                                           params={"reference": note}, actor=actor)
        except ValueError as error:
            raise ValidationError({"amount": _("Enter an amount with at most two decimals.")},
                                  code="invalid") from error
