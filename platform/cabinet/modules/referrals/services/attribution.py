"""Each customer's code, and attributing a new customer to the one who brought them: once, never oneself, never
a person whose e-mail or phone is the referrer's or was already brought under another account."""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet import events
from cabinet.modules.orders import selectors as orders
from cabinet.portal.selectors import portal_state

from .. import contacts
from ..models import Referral, ReferralCode, ReferredContact
from ..selectors import masked_name

logger = logging.getLogger(__name__)

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed without mistakes
CODE_LENGTH = 8
SESSION_KEY = "referrals.code"
COOKIE = "referral"
COOKIE_DAYS = 30


class AttributionRefused(ValidationError):
    """The code cannot attribute this customer (the message says why); nothing was written."""


def normal_code(raw: str | None) -> str:
    """The code as stored: capitals, without the spaces and dashes people type; "" for anything else."""
    value = re.sub(r"[\s-]", "", raw or "").upper()
    return value if 4 <= len(value) <= 12 and all(ch in ALPHABET for ch in value) else ""


def code_for(customer) -> ReferralCode:
    """The customer's personal code, made on first use."""
    found = ReferralCode.objects.filter(customer=customer).first()
    if found is not None:
        return found
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return ReferralCode.objects.create(
                    customer=customer, code="".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))
        except IntegrityError:
            found = ReferralCode.objects.filter(customer=customer).first()
            if found is not None:  # made by another request meanwhile
                return found
    raise RuntimeError("no free referral code after 10 attempts")


def _refuse(message: str, code: str) -> AttributionRefused:
    return AttributionRefused(message, code=code)


def _is_customer(user) -> bool:
    return user.is_active and user.role == get_user_model().Role.CUSTOMER


def attribute(*, friend, code: str, via: str = Referral.Via.LINK, now=None) -> Referral:
    """Attributes the new customer `friend` to the owner of `code`. Raises AttributionRefused (with the reason
    in the active language) for an unknown code, oneself, a customer already attributed, the referrer's own
    e-mail or phone, contacts of an account attributed before, and (for a code entered by hand) a customer past
    the business's days or with an order already."""
    now = now or timezone.now()
    value = normal_code(code)
    User = get_user_model()
    with transaction.atomic():
        owner = (ReferralCode.objects.select_related("customer").filter(code=value).first() if value else None)
        if owner is None or not _is_customer(owner.customer):
            raise _refuse(_("No customer has this code. Check it and try again."), "unknown")
        referrer = owner.customer
        if referrer.pk == friend.pk:
            raise _refuse(_("This is your own code: share it with friends instead."), "self")
        friend = User.objects.select_for_update().get(pk=friend.pk)  # two attributions of one friend queue here
        if not _is_customer(friend):
            raise _refuse(_("Only customers can be brought by a friend."), "not_customer")
        if Referral.objects.filter(friend=friend).exists():
            raise _refuse(_("You were already brought by a friend: a customer is attributed once."), "twice")
        if Referral.objects.filter(friend=referrer, referrer=friend).exists():
            raise _refuse(_("This friend joined through your invitation: you cannot be brought back by them."),
                          "circle")
        mine = contacts.normal_contacts(friend)
        if mine & contacts.normal_contacts(referrer):
            raise _refuse(_("This code belongs to an account with your e-mail or phone: it cannot be used for "
                            "yourself."), "same_contact")
        digests = {contacts.digest(contact) for contact in mine}
        if ReferredContact.objects.filter(digest__in=digests).exists():
            raise _refuse(_("Someone with your e-mail or phone was already brought by a friend."), "contact_used")
        if via == Referral.Via.CODE:
            days = int(portal_state().setting("referrals", "code_days") or 0)
            if friend.date_joined < now - timedelta(days=days):
                raise _refuse(_("A code can be entered within %(days)s days after registering.") % {"days": days},
                              "too_late")
            if orders.customer_orders(friend).exists():
                raise _refuse(_("A code can be entered only before your first order."), "has_orders")
        try:
            with transaction.atomic():
                referral = Referral.objects.create(referrer=referrer, friend=friend, via=via, created_at=now)
                ReferredContact.objects.bulk_create([ReferredContact(referral=referral, digest=d) for d in digests])
        except IntegrityError as error:  # the same contacts attributed at the same moment by another request
            raise _refuse(_("Someone with your e-mail or phone was already brought by a friend."),
                          "contact_used") from error
        events.announce(referrer, events.REFERRED, friend=friend)
        _notify_joined(referral)
    return referral


def _notify_joined(referral: Referral) -> None:
    from cabinet.notifications.services import notify
    from cabinet.tenancy import tenant_url

    referrer = referral.referrer
    if not referrer.is_active:
        return
    path = "/referrals/"
    notify(referrer, "referrals.joined",
           {"customer": referrer, "friend": masked_name(referral.friend),
            "link": tenant_url(connection.tenant).rstrip("/") + path},  # type: ignore[attr-defined]
           url=path, event_id=f"referrals.joined:{referral.pk}")


def attribute_from_request(*, friend, request) -> Referral | None:
    """After sign-up: the code the referral link left in the visitor's session (or cookie), if any."""
    if request is None:
        return None
    session = getattr(request, "session", None)
    code = (session.pop(SESSION_KEY, "") if session is not None else "") or request.get_signed_cookie(
        COOKIE, default="", salt=f"referrals:{connection.schema_name}", max_age=COOKIE_DAYS * 86400)
    if not code:
        return None
    try:
        return attribute(friend=friend, code=code, via=Referral.Via.LINK)
    except AttributionRefused as refused:
        logger.info("referral link of %s not attributed to customer %s: %s", code, friend.pk, refused.code)
        return None


def erase_personal_data(user) -> None:
    """The customer's link stops working; who brought whom stays (the business's records), and the hashes of
    attributed contacts stay so the same person cannot be brought again under a new account."""
    ReferralCode.objects.filter(customer=user).delete()
