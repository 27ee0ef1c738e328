"""Writes of support requests: open, reply, change status, close, auto-close, anonymise; the stages of a topic
and moving a request through them; the assignee; attachments."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet import uploads

from . import stages
from .models import AssigneeChange, Attachment, Request, RequestMessage, Stage, StageMove, StatusChange
from .signals import support_event

SUBJECT_MAX = cast(int, Request._meta.get_field("subject").max_length)
TEXT_MAX = 5000
NAME_MAX = cast(int, Request._meta.get_field("contact_name").max_length)
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()\-]{5,30}$")


MAX_FILES = 5  # per request or reply


def _announce(event: str, support_request: Request, event_id: str = "") -> None:
    """Tells subscribers (notifications) once the change is committed: the customer hears of it."""
    transaction.on_commit(lambda: support_event.send(
        sender=Request, event=event, request=support_request, customer=support_request.customer,
        event_id=event_id))


def _announce_to_assignee(event: str, support_request: Request, assignee, event_id: str,
                          message: RequestMessage | None = None) -> None:
    """Tells subscribers once the change is committed: the member of staff the request is given to hears of it
    (with the customer's `message` that caused it, if one did)."""
    transaction.on_commit(lambda: support_event.send(
        sender=Request, event=event, request=support_request, assignee=assignee, event_id=event_id,
        message=message))


def _check_files(errors: dict, files) -> list[tuple[object, str]]:
    """(upload, content type) of each file, or the reasons they are refused under errors["files"]."""
    files = [upload for upload in (files or []) if upload is not None]
    checked: list[tuple[object, str]] = []
    if len(files) > MAX_FILES:
        errors["files"] = [_("Attach at most %(max)s files at once.") % {"max": MAX_FILES}]
        return checked
    for upload in files:
        try:
            checked.append((upload, uploads.check_upload(upload, max_bytes=settings.SUPPORT_ATTACHMENT_MAX_BYTES)))
        except ValidationError as error:
            errors.setdefault("files", []).extend(f"{uploads.original_name(upload)}: {text}"
                                                  for text in error.messages)
    return checked


def _store_files(support_request: Request, message: RequestMessage | None, checked, by) -> None:
    for upload, content_type in checked:
        attachment = Attachment(request=support_request, message=message, original_name=uploads.original_name(upload),
                                content_type=content_type, size=upload.size, uploaded_by=by)
        attachment.file.save(upload.name, upload, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise


def _check_text(errors: dict, field: str, value: str, limit: int, empty_message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [empty_message]
    elif len(value) > limit:
        errors[field] = [_("Keep it under %(max)s characters (now %(length)s).") % {"max": limit, "length": len(value)}]
    return value


@transaction.atomic
def create_request(*, customer, topic: str, topics: list[str], subject: str, message: str,
                   contact_name: str, contact_phone: str = "", contact_email: str = "", files=()) -> Request:
    """A customer's new request, with its files. `topics` are the ones the business offers now (module
    setting). When the topic has stages, the request starts at the first one."""
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
    checked = _check_files(errors, files)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    first = Stage.objects.filter(topic=topic, archived=False).order_by("position", "id").first()
    created = Request.objects.create(
        customer=customer, topic=topic, subject=subject, message=message, contact_name=contact_name,
        contact_phone=contact_phone, contact_email=contact_email.lower(), created_at=now, updated_at=now,
        stage=first)
    if first is not None:
        StageMove.objects.create(request=created, number=1, from_stage=None, to_stage=first, moved_by=None,
                                 moved_at=now)
    _store_files(created, None, checked, customer)
    return created


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
def add_reply(support_request: Request, *, author, body: str, files=()) -> RequestMessage:
    """A message in the request's thread. Staff answering a new request take it into work; a customer
    writing on a waiting or resolved request brings it back into work. A closed request takes no replies."""
    support_request = Request.objects.select_for_update().get(pk=support_request.pk)
    errors: dict[str, list[str]] = {}
    body = _check_text(errors, "body", body, TEXT_MAX, _("Write a message."))
    if support_request.status == Request.Status.CLOSED:
        errors.setdefault("body", []).append(_("This request is closed. Open a new one, please."))
    checked = _check_files(errors, files)
    if errors:
        raise ValidationError(errors)
    from_staff = author.pk != support_request.customer_id
    message = RequestMessage.objects.create(request=support_request, author=author, from_staff=from_staff,
                                            body=body)
    _store_files(support_request, message, checked, author)
    if from_staff and support_request.status == Request.Status.NEW:
        _set_status(support_request, Request.Status.IN_PROGRESS, author)
    elif not from_staff and support_request.status in (Request.Status.WAITING, Request.Status.RESOLVED):
        _set_status(support_request, Request.Status.IN_PROGRESS, author)
    else:
        Request.objects.filter(pk=support_request.pk).update(updated_at=message.created_at)
    if from_staff:
        _announce("support.reply", support_request)
    elif support_request.assignee_id is not None:
        _announce_to_assignee("support.customer_reply", support_request, support_request.assignee,
                              event_id=f"support.customer_reply:{message.pk}", message=message)
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


# --- stages ---------------------------------------------------------------------------------------------

@transaction.atomic
def save_topic_stages(*, topic: str, text: str, topics: list[str]) -> list[Stage]:
    """The business's stages of `topic`, one per line of `text`, in order. A stage kept keeps its identity
    (the history of requests points at it); a removed one that some request reached is archived, an unused
    one deleted. Empty text: the topic has no stages (requests of it show no progress)."""
    errors: dict[str, list[str]] = {}
    if topic not in topics:
        errors["topic"] = [_("Choose one of the offered topics.")]
    raw = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if any(len(line) > stages.MAX_LENGTH for line in raw):
        errors["stages"] = [_("Keep each stage under %(max)s characters.") % {"max": stages.MAX_LENGTH}]
    names = stages.from_editing(text)
    if len(names) > stages.MAX_STAGES:
        errors["stages"] = [_("A topic may have at most %(max)s stages.") % {"max": stages.MAX_STAGES}]
    if errors:
        raise ValidationError(errors)
    existing = {stage.name: stage for stage in Stage.objects.select_for_update().filter(topic=topic)}
    kept = []
    for position, name in enumerate(names):
        stage = existing.pop(name, None) or Stage(topic=topic, name=name)
        stage.position, stage.archived = position, False
        stage.save()
        kept.append(stage)
    for stage in existing.values():
        used = (Request.objects.filter(stage=stage).exists()
                or StageMove.objects.filter(to_stage=stage).exists() or StageMove.objects.filter(from_stage=stage).exists())
        if used:
            Stage.objects.filter(pk=stage.pk).update(archived=True)
        else:
            stage.delete()
    return kept


@transaction.atomic
def move_stage(*, support_request: Request, stage_id: int | None, expected_stage_id: int | None, by,
               quiet: bool = False) -> StageMove:
    """Staff move a request to any stage of its topic (forward, back or past some), recorded with who and when,
    and the customer is told. `expected_stage_id` is the stage the mover saw: when someone moved the request
    meanwhile, the move is refused (the request is locked while this runs, so two moves never interleave).
    `quiet`: nobody is told (demo content)."""
    support_request = Request.objects.select_for_update().get(pk=support_request.pk)
    stage = Stage.objects.filter(pk=stage_id, topic=support_request.topic, archived=False).first() \
        if stage_id is not None else None
    if stage is None:
        raise ValidationError({"stage": [_("Choose one of the stages of this request's topic.")]})
    if support_request.stage_id != expected_stage_id:
        current = support_request.stage.label if support_request.stage else _("no stage")
        raise ValidationError({"stage": [_("Someone has just moved this request (it is now at “%(stage)s”). "
                                           "Look again and choose.") % {"stage": current}]})
    if stage.pk == support_request.stage_id:
        raise ValidationError({"stage": [_("The request is already at this stage.")]})
    if support_request.status == Request.Status.CLOSED:
        raise ValidationError({"stage": [_("This request is closed.")]})
    now = timezone.now()
    number = (support_request.stage_moves.aggregate(last=Max("number"))["last"] or 0) + 1
    try:
        with transaction.atomic():
            move = StageMove.objects.create(request=support_request, number=number,
                                            from_stage_id=support_request.stage_id, to_stage=stage, moved_by=by,
                                            moved_at=now)
    except IntegrityError:  # the lock makes this unreachable; the constraint is the last word all the same
        raise ValidationError({"stage": [_("Someone has just moved this request. Look again and choose.")]}) from None
    support_request.stage, support_request.updated_at = stage, now
    support_request.save(update_fields=["stage", "updated_at"])
    if not quiet:
        _announce("support.stage", support_request, event_id=f"support.stage:{move.pk}")
    return move


# --- assignee -------------------------------------------------------------------------------------------

@transaction.atomic
def assign(*, support_request: Request, assignee, by, staff_roles: tuple[str, ...]) -> Request:
    """Gives the request to a staff member of `staff_roles` (None: to nobody); logged with who and when."""
    support_request = Request.objects.select_for_update().get(pk=support_request.pk)
    if assignee is not None and (not assignee.is_active or assignee.role not in staff_roles):
        raise ValidationError({"assignee": [_("Choose a member of staff who handles requests.")]})
    if (assignee.pk if assignee else None) == support_request.assignee_id:
        raise ValidationError({"assignee": [_("The request is already given to this person.")]})
    now = timezone.now()
    support_request.assignee, support_request.updated_at = assignee, now
    support_request.save(update_fields=["assignee", "updated_at"])
    change = AssigneeChange.objects.create(request=support_request, assignee=assignee, changed_by=by, changed_at=now)
    if assignee is not None and assignee.pk != getattr(by, "pk", None):  # who takes a request knows it
        _announce_to_assignee("support.assigned", support_request, assignee, event_id=f"support.assigned:{change.pk}")
    return support_request


def erase_personal_data(user) -> None:
    """The requests stay (the business's records) but no longer say who wrote them or how to reach them."""
    Request.objects.filter(customer=user).update(contact_name="", contact_phone="", contact_email="")


def notify_customer(*, event: str, request: Request, customer=None, event_id: str = "", **_signal) -> None:
    """Listener of `support_event`: tells the customer on the channels they chose for the event."""
    from django.db import connection

    from cabinet.notifications.services import notify
    from cabinet.tenancy import tenant_url

    if customer is None or not customer.is_active:
        return
    path = f"/support/{request.pk}/"
    last = request.messages.filter(from_staff=True).order_by("-created_at", "-pk").first()
    notify(customer, event, {"request": request, "customer": customer, "reply": last.body if last else "",
                             "stage": request.stage,
                             "link": tenant_url(connection.tenant).rstrip("/") + path},  # type: ignore[attr-defined]
           url=path, event_id=event_id)


def notify_assignee(*, event: str, request: Request, assignee=None, event_id: str = "",
                    message: RequestMessage | None = None, **_signal) -> None:
    """Listener of `support_event`: tells the member of staff a request is given to (when it is given to them,
    when its customer answers) on the channels they chose; nobody when they left or no longer handle requests."""
    from django.db import connection

    from cabinet.notifications.services import notify
    from cabinet.tenancy import tenant_url

    if assignee is None or not assignee.is_active or assignee.role == assignee.Role.CUSTOMER:
        return
    path = f"/manage/support/{request.pk}/"
    notify(assignee, event, {"request": request, "assignee": assignee, "customer_name": request.contact_name,
                             "reply": message.body if message is not None else request.message,
                             "link": tenant_url(connection.tenant).rstrip("/") + path},  # type: ignore[attr-defined]
           url=path, event_id=event_id)
