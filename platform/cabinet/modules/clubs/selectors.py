"""Reads of clubs: what a customer sees (clubs, their board, their offers), what staff moderate, and what
other modules ask through the registry (the pricing condition, the support queue's tiers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal
from django.db.models import Count, Prefetch, Q, QuerySet

from cabinet.modules.orders import services as orders_services
from cabinet.money import babel_locale, format_money
from cabinet.registry import SupportTier

from .models import Club, Comment, Membership, Post, Report

CONDITION_KEY = "clubs.member"


def member_club_ids(customer) -> set[int]:
    """Ids of the active clubs the customer is a member of (one query)."""
    if customer is None or not getattr(customer, "pk", None):
        return set()
    return set(Membership.objects.filter(customer=customer, status=Membership.Status.ACTIVE, club__active=True)
               .values_list("club_id", flat=True))


def condition_values(customer) -> set[str]:
    """The pricing condition "member of club X": the ids of the customer's clubs, as text."""
    return {str(pk) for pk in member_club_ids(customer)}


def condition_choices() -> list[tuple[str, str]]:
    """The clubs the discount rule editor offers."""
    return [(str(pk), name) for pk, name in Club.objects.filter(active=True).values_list("pk", "name")]


def support_tiers() -> list[SupportTier]:
    """Members of clubs whose perks include support first: one tier per club (a subquery each)."""
    tiers = []
    for club in Club.objects.filter(active=True, support_first=True).only("pk", "name"):
        ids = Membership.objects.filter(club=club, status=Membership.Status.ACTIVE).values("customer_id")
        tiers.append(SupportTier(rank=1, badge=club.name, customer_ids=ids))
    return tiers


# --- The customer's view ---------------------------------------------------------------------------------------

def clubs_for(customer) -> list[tuple[Club, str]]:
    """The active clubs with the customer's standing in each ("active", "pending" or "")."""
    standing = {}
    if customer is not None and getattr(customer, "pk", None):
        standing = dict(Membership.objects.filter(customer=customer).values_list("club_id", "status"))
    clubs = Club.objects.filter(active=True).annotate(
        member_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)))
    return [(club, standing.get(club.pk, "")) for club in clubs]


def club_by_slug(slug: str) -> Club | None:
    return Club.objects.filter(slug=slug, active=True).first()


def standing(club: Club, customer) -> str:
    if customer is None or not getattr(customer, "pk", None):
        return ""
    return Membership.objects.filter(club=club, customer=customer).values_list("status", flat=True).first() or ""


def board(club: Club, *, staff: bool = False) -> QuerySet[Post]:
    """The club's posts, newest first, with their comments: members see what is not hidden, staff all."""
    posts = Post.objects.filter(club=club).select_related("author")
    comments = Comment.objects.select_related("author")
    if not staff:
        posts = posts.filter(hidden=False)
        comments = comments.filter(hidden=False)
    return posts.prefetch_related(Prefetch("comments", queryset=comments))


def visible_post(club: Club, pk: int) -> Post | None:
    return Post.objects.filter(club=club, pk=pk, hidden=False).first()


@dataclass(frozen=True)
class ClubOffer:
    title: str
    text: str


def club_offers(club: Club) -> list[ClubOffer]:
    """The discounts the pricing engine gives the club's members (the business's active rules on the
    condition "member of this club"), as the customer reads them."""
    condition = f"{CONDITION_KEY}:{club.pk}"
    offers = []
    for rule in orders_services.active_rules():
        if rule.condition == condition:
            value = (f"−{format_decimal(rule.value, locale=babel_locale())} %" if rule.value_type == "percent"
                     else format_money(-rule.value, rule.currency or "RUB"))
            offers.append(ClubOffer(title=rule.title, text=value))
    return offers


# --- Staff ------------------------------------------------------------------------------------------------------

def staff_clubs() -> QuerySet[Club]:
    return Club.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE), distinct=True),
        pending_count=Count("memberships", filter=Q(memberships__status=Membership.Status.PENDING), distinct=True))


def staff_club(pk: int) -> Club | None:
    return Club.objects.filter(pk=pk).first()


def members(club: Club, status: str = Membership.Status.ACTIVE) -> QuerySet[Membership]:
    return Membership.objects.filter(club=club, status=status).select_related("customer")


def pending_requests() -> QuerySet[Membership]:
    return (Membership.objects.filter(status=Membership.Status.PENDING).select_related("club", "customer")
            .order_by("requested_at", "id"))


def reported_posts() -> QuerySet[Post]:
    """Posts with open reports, the most reported first."""
    return (Post.objects.filter(reports__resolved_at__isnull=True)
            .annotate(report_count=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
            .select_related("club", "author").prefetch_related(
                Prefetch("reports", queryset=Report.objects.filter(resolved_at__isnull=True).select_related("reporter")))
            .order_by("-report_count", "created_at", "id").distinct())


def staff_figures() -> dict[str, int]:
    return {"clubs": Club.objects.filter(active=True).count(),
            "pending": Membership.objects.filter(status=Membership.Status.PENDING).count(),
            "reported": Post.objects.filter(reports__resolved_at__isnull=True).distinct().count()}


def personal_data(user) -> dict[str, Any]:
    return {
        "clubs": [{"club": m.club.name, "status": m.status, "joined_at": m.joined_at.isoformat() if m.joined_at else None}
                  for m in Membership.objects.filter(customer=user).select_related("club")],
        "posts": [{"club": p.club.name, "text": p.body, "at": p.created_at.isoformat()}
                  for p in Post.objects.filter(author=user).select_related("club")],
        "comments": [{"text": c.body, "at": c.created_at.isoformat()} for c in Comment.objects.filter(author=user)],
    }
