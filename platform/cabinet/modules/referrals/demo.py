"""Demo content of the referral programme: the second demo customer brought the first, whose demo order
counts as a purchase with its commission pending, so a demo portal shows both sides of the programme."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cabinet.modules.orders import selectors as orders

from . import services
from .models import Referral


@transaction.atomic
def seed_demo_content(vertical) -> None:
    if Referral.objects.exists() or len(vertical.demo_customers) < 2:
        return
    User = get_user_model()
    friend = User.objects.filter(email__iexact=vertical.demo_customers[0][1]).first()
    referrer = User.objects.filter(email__iexact=vertical.demo_customers[1][1]).first()
    if friend is None or referrer is None:
        return
    services.code_for(friend)
    code = services.code_for(referrer).code
    joined = min(friend.date_joined, timezone.now()) - timedelta(minutes=1)
    services.attribute(friend=friend, code=code, now=joined)
    Referral.objects.filter(friend=friend).update(created_at=joined)
    for order in orders.customer_orders(friend)[:3]:
        services.record_purchase(order)
