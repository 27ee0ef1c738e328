"""Writes of support requests: open, reply, change status, close, auto-close, anonymise."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Request, RequestMessage, StatusChange
from .signals import support_event

SUBJECT_MAX = cast(int, Request._meta.get_field("subject").max_length)
TEXT_MAX = 5000
NAME_MAX = cast(int, Request._meta.get_field("contact_name").max_length)
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()\-]{5,30}$")


def _announce(event: str, support_request: Request) -> None:
    """Tells subscribers (notifications) once the change is committed."""
    transaction.on_commit(lambda: support_event.send(
        sender=Request, event=event, request=support_request, customer=support_request.customer))


def _check_text(errors: dict, field: str, value: str, limit: int, empty_message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [empty_message]
    elif len(value) > limit:
        errors[field] = [_("Keep it under %(max)s characters (now %(length)s).") % {"max": limit, "length": len(value)}]
    return value


@transaction.atomic
def create_request(*, customer, topic: str, topics: list[str], subject: str, message: str,
                   contact_name: str, contact_phone: str = "", contact_email: str = "") -> Request:
    """A customer's new request. `topics` are the ones the business offers now (module setting)."""
    errors: dict[str, list[str]] = {}
    if topic not in topics:
        errors["topic"] = [_("Choose one of the offered topics.")]
    subject = _check_text(errors, "subject", subject, SUBJECT_MAX, _("Say in a few words what it is about."))
    message = _check_text(errors, "message", message, TEXT_MAX, _("Describe your question."))
    contact_name = _check_text(errors, "contact_name", contact_name, NAME_MAX, _("Tell us how to address you."))
    contact_phone = (contact_phone or "").strip()
    contact_email = (contact_email or "").strip()
    if contact_phone and not PHONE_PATTERN.match(contact_phone):
        errors["contact_phone"] = [_("Enter a phone number, e.g. +380501234567.")]
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            errors["contact_email"] = [_("Enter a valid e-mail address.")]
    if not contact_phone and not contact_email and "contact_phone" not in errors:
        errors["contact_email"] = [_("Leave a phone or an e-mail so we can reach you.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    return Request.objects.create(
        customer=customer, topic=topic, subject=subject, message=message, contact_name=contact_name,
        contact_phone=contact_phone, contact_email=contact_email.lower(), created_at=now, updated_at=now)


def _set_status(support_request: Request, status: str, by) -> None:
    previous = support_request.status
    now = timezone.now()
    support_request.status = status
    support_request.updated_at = now
    if status == Request.Status.RESOLVED:
        support_request.resolved_at = now
    elif status != Request.Status.CLOSED:
        support_request.resolved_at = None
    support_request.save(update_fields=["status", "updated_at", "resolved_at"])
    StatusChange.objects.create(request=support_request, from_status=previous, to_status=status,
                                changed_by=by, changed_at=now)
    _announce("support.status", support_request)


@transaction.atomic
def add_reply(support_request: Request, *, author, body: str) -> RequestMessage:
    """A message in the request's thread. Staff answering a new request take it into work; a customer
    writing on a waiting or resolved request brings it back into work. A closed request takes no replies."""
    support_request = Request.objects.select_for_update().get(pk=support_request.pk)
    errors: dict[str, list[str]] = {}
    body = _check_text(errors, "body", body, TEXT_MAX, _("Write a message."))
    if support_request.status == Request.Status.CLOSED:
        errors.setdefault("body", []).append(_("This request is closed. Open a new one, please."))
    if errors:
        raise ValidationError(errors)
    from_staff = author.pk != support_request.customer_id
    message = RequestMessage.objects.create(request=support_request, author=author, from_staff=from_staff,
                                            body=body)
    if from_staff and support_request.status == Request.Status.NEW:
        _set_status(support_request, Request.Status.IN_PROGRESS, author)
    elif not from_staff and support_request.status in (Request.Status.WAITING, Request.Status.RESOLVED):
        _set_status(support_request, Request.Status.IN_PROGRESS, author)
    else:
        Request.objects.filter(pk=support_request.pk).update(updated_at=message.created_at)
    if from_staff:
        _announce("support.reply", support_request)
    return message


@transaction.atomic
def change_status(support_request: Request, status: str, *, by) -> Request:
    """Staff move a request to another status; the change is recorded with who and when."""
    support_request = Request.objects.select_for_update().get(pk=support_request.pk)
    if status not in Request.Status.values:
        raise ValidationError({"status": [_("Choose one of the offered statuses.")]})
    if status == support_request.status:
        raise ValidationError({"status": [_("The request already has this status.")]})
    _set_status(support_request, status, by)
    return support_request


@transaction.atomic
def close_by_customer(support_request: Request, customer) -> Request:
    support_request = Request.objects.select_for_update().get(pk=support_request.pk)
    if support_request.customer_id != customer.pk:
        raise ValidationError(_("Only the customer who opened the request can close it here."))
    if support_request.status == Request.Status.CLOSED:
        raise ValidationError(_("This request is already closed."))
    _set_status(support_request, Request.Status.CLOSED, customer)
    return support_request


def auto_close_resolved(days: int) -> int:
    """Closes requests resolved more than `days` days ago; returns how many."""
    cutoff = timezone.now() - timedelta(days=max(int(days), 1))
    closed = 0
    stale = Request.objects.filter(status=Request.Status.RESOLVED, resolved_at__lt=cutoff).values_list("pk", flat=True)
    for pk in list(stale):
        with transaction.atomic():
            support_request = Request.objects.select_for_update().get(pk=pk)
            if support_request.status == Request.Status.RESOLVED:  # a reply may have reopened it meanwhile
                _set_status(support_request, Request.Status.CLOSED, None)
                closed += 1
    return closed


def erase_personal_data(user) -> None:
    """The requests stay (the business's records) but no longer say who wrote them or how to reach them."""
    Request.objects.filter(customer=user).update(contact_name="", contact_phone="", contact_email="")


def notify_customer(*, event: str, request: Request, customer, **_signal) -> None:
    """Listener of `support_event`: tells the customer on the channels they chose for the event."""
    from django.db import connection

    from cabinet.notifications.services import notify
    from cabinet.tenancy import tenant_url

    if customer is None or not customer.is_active:
        return
    path = f"/support/{request.pk}/"
    last = request.messages.filter(from_staff=True).order_by("-created_at", "-pk").first()
    notify(customer, event, {"request": request, "customer": customer, "reply": last.body if last else "",
                             "link": tenant_url(connection.tenant).rstrip("/") + path},  # type: ignore[attr-defined]
           url=path)
