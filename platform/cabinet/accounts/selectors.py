"""Reads about accounts other modules may use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from cabinet import registry

from .identifiers import stored_phone_spellings
from .models import AccountEvent, AccountNumber, DeliveryAddress, NotificationPreference, SignInAttempt, User

# Events of the account itself; every module adds its own through `Module.notification_events`.
CORE_NOTIFICATION_EVENTS: tuple[tuple[str, str | Promise], ...] = (
    ("account.security", _("Security: sign-in, password and e-mail changes")),
    ("account.news", _("News and offers from the business")),
)
CHANNELS: tuple[tuple[str, str | Promise], ...] = tuple(NotificationPreference.Channel.choices)
# What a customer gets before choosing anything: e-mail on, SMS and push off.
CHANNEL_DEFAULTS = {"email": True, "sms": False, "push": False}


def contact_prefill(user) -> dict[str, Any]:
    """What every later form (orders, bookings, requests) pre-fills from the customer's profile:
    full_name, email, phone and the default delivery address as one line ("" where unknown)."""
    if not user.is_authenticated:
        return {"full_name": "", "email": "", "phone": "", "address": ""}
    address = default_address(user)
    return {"full_name": user.full_name, "email": user.email or "", "phone": user.phone or "",
            "address": address.one_line if address else ""}


def default_address(user) -> DeliveryAddress | None:
    return DeliveryAddress.objects.filter(user=user, is_default=True).first()


def addresses_of(user) -> list[DeliveryAddress]:
    return list(DeliveryAddress.objects.filter(user=user))


def users_for_identifier(identifier: str) -> list[User]:
    """The people one typed identifier may mean, most specific first: the e-mail owner, the holder of the
    account number, the phone's owner. Usually one; several only if, say, a number looks like a phone."""
    text = identifier.strip()
    if not text:
        return []
    found: list[User] = []
    if "@" in text:
        found += User.objects.filter(email__iexact=text)
    else:
        number = AccountNumber.objects.select_related("user").filter(number__iexact=text).first()
        if number is not None:
            found.append(number.user)
        spellings = stored_phone_spellings(text)
        if spellings:
            found += [u for u in User.objects.filter(phone__in=spellings) if u not in found]
    return found


def find_customer(identifier: str) -> User | None:
    """The active customer an e-mail, phone (any spelling) or contract/account number points to, or None.
    Used wherever staff pick a customer by what they know of them."""
    return next((u for u in users_for_identifier(identifier or "")
                 if u.role == User.Role.CUSTOMER and u.is_active), None)


def customer_group_keys(user) -> frozenset[str]:
    """The keys of the customer groups `user` belongs to (the discount engine matches rules on them)."""
    if user is None or not getattr(user, "pk", None):
        return frozenset()
    return frozenset(user.customer_groups.values_list("key", flat=True))


def customer_group_choices() -> list[tuple[str, str]]:
    """(key, name) of the business's customer groups, for forms that pick one."""
    from .models import CustomerGroup

    return list(CustomerGroup.objects.order_by("name").values_list("key", "name"))


def email_taken(address: str, exclude_user: User | None = None) -> bool:
    users = User.objects.filter(email__iexact=address.strip())
    if exclude_user is not None:
        users = users.exclude(pk=exclude_user.pk)
    return users.exists()


def phone_taken(phone: str, exclude_user: User | None = None) -> bool:
    users = User.objects.filter(phone=phone)
    if exclude_user is not None:
        users = users.exclude(pk=exclude_user.pk)
    return users.exists()


def notification_events(enabled_modules: frozenset[str] | None = None, *,
                        staff: bool = True) -> list[tuple[str, str | Promise]]:
    """(event key, label) of the account and of every module (only the enabled ones if given); the events that
    tell staff about their own work too unless `staff` is False (a customer's choices)."""
    events = list(CORE_NOTIFICATION_EVENTS)
    for module in registry.modules().values():
        if enabled_modules is None or module.key in enabled_modules:
            events += list(module.notification_events)
            if staff:
                events += list(module.staff_notification_events)
    return events


@dataclass(frozen=True)
class PreferenceRow:
    event: str
    label: str | Promise
    channels: dict[str, bool]
    # The business made this event one customers cannot switch off: every channel shows as on.
    locked: bool = False


def locked_notification_events() -> frozenset[str]:
    from cabinet.notifications.selectors import locked_events

    return locked_events()


def notification_grid(user, enabled_modules: frozenset[str] | None = None) -> list[PreferenceRow]:
    """One row per event with the customer's choice for every channel (defaults where none saved)."""
    saved = {(p.event, p.channel): p.enabled for p in NotificationPreference.objects.filter(user=user)}
    locked = locked_notification_events()
    return [
        PreferenceRow(event=key, label=label, locked=key in locked,
                      channels={ch: key in locked or saved.get((key, ch), CHANNEL_DEFAULTS[ch])
                                for ch, _label in CHANNELS})
        for key, label in notification_events(enabled_modules, staff=user.role != user.Role.CUSTOMER)
    ]


def wants_notification(user, event: str, channel: str) -> bool:
    """For the notifications module: does `user` want `event` on `channel`?"""
    saved = (NotificationPreference.objects.filter(user=user, event=event, channel=channel)
             .values_list("enabled", flat=True).first())
    return CHANNEL_DEFAULTS.get(channel, False) if saved is None else saved


def terms_text() -> str:
    """The business's terms of use ("" if it has none): the portal's branding holds them."""
    from cabinet.portal.selectors import terms_text as branding_terms

    return branding_terms()


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def personal_data(user: User) -> dict[str, Any]:
    """Everything the portal keeps about `user`, for "Export my data": the profile, addresses, notification
    choices, account numbers, sign-in dates, and each module's data under the module's key."""
    data: dict[str, Any] = {
        "profile": {
            "full_name": user.full_name,
            "email": user.email,
            "email_verified_at": _iso(user.email_verified_at),
            "pending_email": user.pending_email,
            "phone": user.phone,
            "language": user.language,
            "birth_date": user.birth_date.isoformat() if user.birth_date else None,
            "role": user.role,
            "terms_accepted_at": _iso(user.terms_accepted_at),
        },
        "account": {"date_joined": _iso(user.date_joined), "last_login": _iso(user.last_login)},
        "addresses": [
            {"label": a.label, "recipient": a.recipient, "line1": a.line1, "line2": a.line2, "city": a.city,
             "postcode": a.postcode, "country": a.country, "phone": a.phone, "is_default": a.is_default}
            for a in addresses_of(user)
        ],
        "notification_preferences": [
            {"event": row.event, **row.channels} for row in notification_grid(user)
        ],
        "account_numbers": [
            {"number": n.number, "kind": n.kind, "created_at": _iso(n.created_at)}
            for n in AccountNumber.objects.filter(user=user)
        ],
        "sign_ins": _sign_ins(user),
        "account_history": [{"at": _iso(e.at), "event": e.kind, "by": e.actor_name} for e in account_history(user)],
        "modules": {},
    }
    for key, module in registry.modules().items():
        if module.personal_data:
            data["modules"][key] = import_string(module.personal_data)(user)
    return data


def personal_files(user: User) -> list[tuple[str, Any]]:
    """(name in the export, file) of every file the modules keep of `user`: files/<module key>/<name>."""
    found = []
    for key, module in registry.modules().items():
        if module.personal_files:
            for name, stored in import_string(module.personal_files)(user):
                found.append((f"files/{key}/{name}", stored))
    return found


def _sign_ins(user: User) -> list[dict[str, Any]]:
    """The account's last sign-ins with a password, failed ones included (time, address, browser)."""
    return [{"at": _iso(a.at), "ip_address": a.ip_address, "user_agent": a.user_agent, "succeeded": a.succeeded}
            for a in sign_in_history(user, limit=50)]


def sign_in_history(user: User, *, limit: int = 20) -> list[SignInAttempt]:
    """The account's latest sign-in attempts, newest first (kept for SIGN_IN_HISTORY_DAYS)."""
    return list(SignInAttempt.objects.filter(user=user).order_by("-at", "-id")[:limit])


def account_history(user: User, *, limit: int = 50) -> list[AccountEvent]:
    """What happened to the account's access, newest first: staff's reset links and temporary passwords
    (with who), password changes."""
    return list(AccountEvent.objects.filter(user=user).order_by("-at", "-id")[:limit])


def customer_for_staff(customer_id: int) -> User | None:
    """A customer of this business (any state) with their numbers and groups, for the manage area."""
    return (User.objects.filter(pk=customer_id, role=User.Role.CUSTOMER)
            .prefetch_related("account_numbers", "customer_groups").first())


def customer_groups():
    """The business's customer groups with their number of members, by name."""
    from django.db.models import Count

    from .models import CustomerGroup

    return CustomerGroup.objects.annotate(member_count=Count("members")).order_by("name")


def customer_group_members(group):
    return group.members.order_by("full_name", "email", "id")


# The kinds of customers' numbers, for forms of other apps (which never import accounts.models).
AccountNumberKind = AccountNumber.Kind
