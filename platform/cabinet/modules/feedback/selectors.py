"""Reads of ratings. Requests come from support (a declared dependency) through its selectors only."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from cabinet.modules.support import selectors as support_selectors

from .models import Rating


def customer_rating_counts(user) -> tuple[int, int]:
    """(finished requests, of them rated) for the customer, in one query."""
    figures = support_selectors.finished_requests(user).aggregate(total=Count("id"), rated=Count("rating"))
    return figures["total"], figures["rated"]


def finished_requests_with_ratings(user):
    return support_selectors.finished_requests(user).select_related("rating").order_by("-updated_at", "-id")


def rating_of(support_request) -> Rating | None:
    return Rating.objects.filter(request=support_request).first()


def overview() -> dict[str, Any]:
    """How many ratings there are, their average (one decimal) and how many of each score: one query."""
    figures = Rating.objects.aggregate(
        count=Count("id"), average=Avg("score"),
        **{f"score_{n}": Count("id", filter=Q(score=n)) for n in range(1, 6)})
    average = figures["average"]
    return {
        "count": figures["count"],
        "average": Decimal(str(average)).quantize(Decimal("0.1"), ROUND_HALF_UP) if average is not None else None,
        "by_score": [(n, figures[f"score_{n}"]) for n in range(5, 0, -1)],
    }


def has_ratings() -> bool:
    return Rating.objects.exists()


def staff_ratings(score: str = "") -> QuerySet[Rating]:
    ratings = Rating.objects.select_related("request", "customer")
    if score in {"1", "2", "3", "4", "5"}:
        ratings = ratings.filter(score=int(score))
    return ratings


def personal_data(user) -> dict[str, Any]:
    return {
        "ratings": [
            {"request_id": r.request_id, "score": r.score, "comment": r.comment, "created_at": r.created_at.isoformat()}
            for r in Rating.objects.filter(customer=user).order_by("created_at", "id")
        ],
    }
