"""Demo content of bonus points: the rules of a typical programme (5 % of purchases in the demo products'
currency, bonuses for signing up, the first order, birthdays, ratings and friends) and a welcome bonus and a
birthday gift for the demo customers, through the same services as real awards."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import services
from .models import EarningRule, RuleKind

FIXED = ((RuleKind.SIGN_UP, 100), (RuleKind.FIRST_ORDER, 200), (RuleKind.BIRTHDAY, 300), (RuleKind.REVIEW, 50),
         (RuleKind.REFERRAL, 150))


@transaction.atomic
def seed_demo_content(vertical) -> None:
    currencies = sorted({product[4] for product in vertical.demo_products}) or ["EUR"]
    for currency in currencies:
        if not EarningRule.objects.filter(kind=RuleKind.PURCHASE, currency=currency).exists():
            EarningRule.objects.create(kind=RuleKind.PURCHASE, currency=currency, percent=Decimal("5"))
    for kind, points in FIXED:
        if not EarningRule.objects.filter(kind=kind).exists():
            EarningRule.objects.create(kind=kind, points=points)
    User = get_user_model()
    for number, (_name, email) in enumerate(vertical.demo_customers):
        customer = User.objects.filter(email__iexact=email).first()
        if customer is None:
            continue
        services.award_event(customer=customer, kind=RuleKind.SIGN_UP, cause=("accounts.user", customer.pk))
        if number == 0:
            year = timezone.localdate().year
            services.award_event(customer=customer, kind=RuleKind.BIRTHDAY, cause=("birthday", year),
                                 facts={"year": year})
