"""Writes of the wallet: the staff's adjustment of a customer's balance (against the business's "adjustments"
account, with a required note, naming the actor and telling the customer) and the credit limit."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cabinet.ledger import services as ledger
from cabinet.ledger.models import Account, Kind, Transaction

ADJUSTMENTS = "adjustments"
MAX_NOTE = 200


def adjust_balance(*, customer, amount: Decimal, currency: str, note: str, actor) -> Transaction:
    """Credits (amount > 0) or debits (amount < 0) the customer's money account. Raises ValidationError for a
    missing note or a zero amount, and InsufficientFunds when the debit passes the balance and credit limit;
    nothing is written then."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the balance changes: the customer reads it.")}, code="required")
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": _("The reason is at most %(count)s characters.") % {"count": MAX_NOTE}})
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount == 0:
        raise ValidationError({"amount": _("Enter an amount other than zero.")}, code="invalid")
    with transaction.atomic():  # a refusal leaves no account made on the way either
        try:
            account = ledger.customer_account(customer=customer, kind=Kind.MONEY, currency=currency)
            business = ledger.business_account(name=ADJUSTMENTS, kind=Kind.MONEY, currency=currency)
        except ValueError as error:
            raise ValidationError({"currency": _("This currency is not supported.")}, code="invalid") from error
        try:
            record = ledger.post_transaction(lines=[(business, -amount), (account, amount)], reason="adjustment",
                                             params={"note": note}, actor=actor)
        except ValueError as error:
            raise ValidationError({"amount": _("Enter an amount with at most two decimals.")},
                                  code="invalid") from error
        _notify(customer=customer, record=record, account=account, amount=amount, note=note)
    return record


def _notify(*, customer, record: Transaction, account: Account, amount: Decimal, note: str) -> None:
    from django.db import connection

    from cabinet.notifications.services import notify
    from cabinet.tenancy import tenant_url

    if not customer.is_active:
        return
    path = "/wallet/"
    notify(customer, "wallet.adjustment",
           {"customer": customer, "amount": amount, "currency": account.currency, "note": note,
            "balance": account.balance, "link": tenant_url(connection.tenant).rstrip("/") + path},  # type: ignore[attr-defined]
           url=path, event_id=f"wallet.adjustment:{record.pk}")


def set_credit_limit(*, customer, currency: str, limit: Decimal, actor) -> Account:
    """How far below zero the customer's money account in `currency` may go (ValidationError when refused)."""
    with transaction.atomic():
        try:
            account = ledger.customer_account(customer=customer, kind=Kind.MONEY, currency=currency)
        except ValueError as error:
            raise ValidationError({"currency": _("This currency is not supported.")}, code="invalid") from error
        return ledger.set_credit_limit(account=account, limit=limit, actor=actor)
