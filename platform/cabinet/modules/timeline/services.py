"""Writes of the timeline: staff log a call, a meeting or a note with a customer."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet.accounts.permissions import has_role

from .models import Interaction

# Staff who may write notes and log calls and meetings (the owner always may).
WRITER_ROLES = ("owner", "manager", "operator")
MAX_TEXT = 2000


@transaction.atomic
def log_interaction(*, customer, author, kind: str, text: str, happened_at: datetime | None = None) -> Interaction:
    """Logs a call or meeting (the customer sees it with its note) or a staff note (the customer never does)."""
    errors: dict[str, list[str]] = {}
    if not has_role(author, WRITER_ROLES):
        raise ValidationError(_("Your role may not write on a customer's timeline."))
    if customer is None or getattr(customer, "role", "") != "customer":
        raise ValidationError(_("This is not a customer of the business."))
    if kind not in Interaction.Kind.values:
        errors["kind"] = [_("Choose a call, a meeting or a note.")]
    text = (text or "").strip()
    if not text:
        errors["text"] = [_("Write what was said or agreed.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [_("Keep it under %(count)s characters.") % {"count": MAX_TEXT}]
    now = timezone.now()
    if happened_at is None:
        happened_at = now
    elif happened_at > now + timedelta(minutes=5):
        errors["happened_at"] = [_("A call or meeting to log has already taken place: the time cannot be in "
                                   "the future.")]
    if errors:
        raise ValidationError(errors)
    return Interaction.objects.create(customer=customer, author=author, kind=kind, text=text,
                                      happened_at=happened_at)
