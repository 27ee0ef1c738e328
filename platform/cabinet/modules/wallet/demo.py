"""Demo content of the wallet: a few top-ups and payments for each demo customer, through the ledger; a staff
adjustment with its reason for the first one, who (at a wholesale business) also buys on credit."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from cabinet.ledger import services as ledger
from cabinet.ledger.models import Kind, Transaction

from . import services

# (reason, params, amount) in the order they happen; payments take from the customer.
DEMO_MOVES = (
    ("topup", {"amount": "15000.00", "currency": "RUB"}, Decimal("15000.00")),
    ("payment", {"reference": "#1001"}, Decimal("-4200.00")),
    ("bank_transfer", {"reference": "PP-2041"}, Decimal("8000.00")),
    ("payment", {"reference": "#1002"}, Decimal("-6350.00")),
)
ADJUSTMENT = (Decimal("500.00"), "Compensation for a late delivery")
WHOLESALE_CREDIT_LIMIT = Decimal("50000.00")


@transaction.atomic
def seed_demo_content(vertical) -> None:
    User = get_user_model()
    card = ledger.business_account(name="card", kind=Kind.MONEY, currency="RUB")
    revenue = ledger.business_account(name="revenue", kind=Kind.MONEY, currency="RUB")
    for _name, email in vertical.demo_customers:
        customer = User.objects.filter(email__iexact=email).first()
        if customer is None:
            continue
        account = ledger.customer_account(customer=customer, kind=Kind.MONEY, currency="RUB")
        for number, (reason, params, amount) in enumerate(DEMO_MOVES):
            other = card if amount > 0 else revenue
            ledger.post_transaction(lines=[(other, -amount), (account, amount)], reason=reason, params=params,
                                    idempotency_key=f"wallet-demo:{customer.pk}:{number}")
    first = (User.objects.filter(email__iexact=vertical.demo_customers[0][1]).first()
             if vertical.demo_customers else None)
    owner = User.objects.filter(role="owner").order_by("pk").first()
    if first is None:
        return
    if not Transaction.objects.filter(reason="adjustment", entries__account__owner=first).exists():
        services.adjust_balance(customer=first, amount=ADJUSTMENT[0], currency="RUB", note=ADJUSTMENT[1], actor=owner)
    if vertical.key == "wholesale":
        currency = next((p[4] for p in vertical.demo_products), "RUB")
        account = ledger.customer_account(customer=first, kind=Kind.MONEY, currency=currency)
        if not account.credit_limit:
            services.set_credit_limit(customer=first, currency=currency, limit=WHOLESALE_CREDIT_LIMIT, actor=owner)
