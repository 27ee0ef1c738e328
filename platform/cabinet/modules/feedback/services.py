"""Writes of ratings: a customer rates a finished request once; erasing keeps the score, drops the words."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cabinet import events

from .models import Rating

COMMENT_MAX = 2000
FINISHED = ("resolved", "closed")


def rate_request(support_request, *, customer, score, comment: str = "") -> Rating:
    """`support_request` must be the customer's own finished request (see support's `finished_request`)."""
    errors: dict[str, list[str]] = {}
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        errors["score"] = [_("Choose from 1 to 5 stars.")]
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [_("Keep the comment under %(max)s characters.") % {"max": COMMENT_MAX}]
    if support_request.customer_id != customer.pk or support_request.status not in FINISHED:
        errors["__all__"] = [_("Only your resolved or closed requests can be rated.")]
    elif Rating.objects.filter(request=support_request).exists():
        errors["__all__"] = [_("You have already rated this request.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(request=support_request, customer=customer, score=score,
                                           comment=comment)
    except IntegrityError as race:  # the same request rated twice at once
        raise ValidationError({"__all__": [_("You have already rated this request.")]}) from race
    events.announce(customer, events.RATED, rating=rating)
    return rating


def erase_personal_data(user) -> None:
    """Scores stay in the business's statistics; the customer's own words go."""
    Rating.objects.filter(customer=user).update(comment="")
