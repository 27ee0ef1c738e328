"""Demo content of clubs: an open club with members and posts, a club by approval with a request waiting,
and a club by spend."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Club, Comment, Membership, Post


@transaction.atomic
def seed_demo_content(vertical) -> None:
    User = get_user_model()
    customers = [c for c in (User.objects.filter(email__iexact=email).first() for _n, email in vertical.demo_customers)
                 if c is not None]
    staff = User.objects.filter(role="owner").first()
    open_club, _created = Club.objects.get_or_create(slug="young-mothers", defaults={
        "name": "Young mothers", "description": "Meet other parents, swap tips and get our family offers."})
    vip, _created = Club.objects.get_or_create(slug="vip-guests", defaults={
        "name": "VIP guests", "access": Club.Access.APPROVAL,
        "description": "Personal service and early access to new offers, by invitation."})
    Club.objects.get_or_create(slug="big-spenders", defaults={
        "name": "Gold circle", "access": Club.Access.SPEND, "spend_threshold": Decimal("10000.00"),
        "spend_currency": "RUB", "description": "Spent at least 10 000 ₽ last month? You are in, automatically."})
    for customer in customers[:2]:
        Membership.objects.get_or_create(club=open_club, customer=customer,
                                         defaults={"status": Membership.Status.ACTIVE, "joined_at": open_club.created_at})
    if len(customers) > 2:
        Membership.objects.get_or_create(club=vip, customer=customers[2],
                                         defaults={"status": Membership.Status.PENDING})
    if not Post.objects.filter(club=open_club).exists():
        if staff is not None:
            Post.objects.create(club=open_club, author=staff, is_news=True,
                                body="Family weekend: children under 7 stay free this month.")
        if customers:
            first = Post.objects.create(club=open_club, author=customers[0],
                                        body="Does anyone know a good babysitter nearby?")
            if len(customers) > 1:
                Comment.objects.create(post=first, author=customers[1], body="Ask at the front desk, they helped us.")
