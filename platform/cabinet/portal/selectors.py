"""Reads of the portal's state: which modules are on, their settings, the branding, headline figures."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from cabinet import registry
from cabinet.tenancy import current_schema

from .initialisation import ensure_portal_initialised
from .models import Branding, ModuleSwitch
from .state import STATE_CACHE_KEY, STATE_CACHE_SECONDS, forget_portal_state  # noqa: F401  (callers' names)


@dataclass(frozen=True)
class PortalState:
    """Everything a page needs to know about the tenant's choices, read in one cache hit."""

    enabled: frozenset[str]
    module_settings: dict[str, dict[str, Any]]
    branding: dict[str, Any] = field(default_factory=dict)
    # Made anew each time the state is read from the schema (after every switch, setting or branding change):
    # entries cached from this state carry it in their keys (the dashboard's cards, the header's badges).
    version: str = ""

    def is_enabled(self, key: str) -> bool:
        """Whether module `key` is on. An undeclared key raises registry.UnknownModule: a typo never reads as off."""
        registry.require_module(key)
        return key in self.enabled

    def setting(self, module_key: str, name: str) -> Any:
        return self.module_settings.get(module_key, {}).get(name)

    @property
    def vertical(self) -> str:
        return self.branding.get("vertical", "")


def portal_state() -> PortalState:
    """The current tenant's state, from the cache or (once after a change) from its schema."""
    state = cache.get(STATE_CACHE_KEY)
    if state is None:
        state = _load_state()
        cache.set(STATE_CACHE_KEY, state, STATE_CACHE_SECONDS)
    return state


def _load_state() -> PortalState:
    branding = ensure_portal_initialised()
    switches = {s.key: s for s in ModuleSwitch.objects.all()}
    enabled, module_settings = set(), {}
    for key, module in registry.modules().items():
        switch = switches.get(key)
        if switch and switch.enabled:
            enabled.add(key)
        module_settings[key] = {**module.default_settings(), **(switch.settings if switch else {})}
    return PortalState(enabled=frozenset(enabled), module_settings=module_settings, branding=_branding_dict(branding),
                       version=secrets.token_hex(6))


def _branding_dict(branding: Branding) -> dict[str, Any]:
    lines = lambda text: [line.strip() for line in text.splitlines() if line.strip()]  # noqa: E731
    return {
        "portal_name": branding.portal_name,
        "vertical": branding.vertical,
        "logo_url": branding.logo.url if branding.logo else "",
        "favicon_url": branding.favicon.url if branding.favicon else "",
        "primary_color": branding.primary_color,
        "accent_color": branding.accent_color,
        "welcome_text": branding.welcome_text,
        "has_terms": bool(branding.terms_text.strip()),
        "addresses": lines(branding.contact_addresses),
        "phones": lines(branding.contact_phones),
        "working_hours": branding.working_hours,
        "messenger_links": lines(branding.messenger_links),
        "country": branding.country,
        "time_zone": branding.time_zone,
        "updated": branding.updated_at.timestamp(),
    }


def business_time_zone() -> ZoneInfo:
    """Where the business is (its branding's time zone; UTC when unknown or unreadable)."""
    name = portal_state().branding.get("time_zone") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_module_enabled(key: str) -> bool:
    """For code outside a request (Celery tasks, commands): is `key` on in the current schema?"""

    registry.require_module(key)
    if current_schema() == settings.PUBLIC_SCHEMA_NAME:
        return False
    return portal_state().is_enabled(key)


def customer_card_sections(request, customer) -> list[tuple[str, registry.CustomerCardSection]]:
    """The sections modules add to the customer card (`Module.customer_card`), of the modules switched on here,
    each as the module made it for this staff member (a module may show nothing to a role), with its key."""
    from django.utils.module_loading import import_string

    state = portal_state()
    found = []
    for position, module in enumerate(registry.modules().values()):
        if module.customer_card and state.is_enabled(module.key):
            section = import_string(module.customer_card)(request, customer)
            if section is not None:
                found.append((section.order, position, module.key, section))
    return [(key, section) for _order, _position, key, section in sorted(found, key=lambda item: item[:2])]


def customer_figures(*, since) -> dict[str, int]:
    """Active customers of the business, and how many of them joined since `since`: one query."""
    from django.db.models import Count, Q

    User = get_user_model()
    return get_user_model().objects.filter(is_active=True, role=User.Role.CUSTOMER).aggregate(
        total=Count("id"), new=Count("id", filter=Q(date_joined__gte=since)))


# --- The overview's setup checklist: is each core step done? One cheap query each. ---------------------

def is_branded() -> bool:
    """The business has put its own look on the portal: a logo, a favicon or its own primary colour."""
    default_colour = Branding._meta.get_field("primary_color").default
    return Branding.objects.exclude(logo="", favicon="", primary_color=default_colour).exists()


def has_customers() -> bool:
    User = get_user_model()
    return User.objects.filter(role=User.Role.CUSTOMER).exists()


def customer_has_signed_in() -> bool:
    User = get_user_model()
    return User.objects.filter(role=User.Role.CUSTOMER, last_login__isnull=False).exists()


def has_invited_staff() -> bool:
    """Someone besides the owners works here, or an invitation was sent."""
    from .models import StaffInvite

    User = get_user_model()
    return (User.objects.exclude(role__in=(User.Role.CUSTOMER, User.Role.OWNER)).exists()
            or StaffInvite.objects.exists())


def invite_for_link(raw: str):
    """The invitation a link carries in the current schema (in any state), or None."""
    from .models import StaffInvite

    if not raw or len(raw) > 100:
        return None
    return StaffInvite.objects.filter(token_hash=StaffInvite.hash(raw)).first()


def staff_members():
    """Staff of the business: owners first, then by name."""
    from django.db.models import Case, IntegerField, Value, When

    User = get_user_model()
    order = Case(*[When(role=role, then=Value(i)) for i, role in enumerate(("owner", "manager", "operator", "editor"))],
                 output_field=IntegerField())
    return (User.objects.exclude(role=User.Role.CUSTOMER)
            .annotate(role_order=order).order_by("-is_active", "role_order", "full_name", "email"))


def open_invites():
    """Invitations neither accepted nor withdrawn, newest first: pending ones and, marked by `is_pending`,
    expired ones of the last 30 days (the owner may resend or withdraw them)."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import StaffInvite

    return (StaffInvite.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                       expires_at__gt=timezone.now() - timedelta(days=30))
            .select_related("invited_by").order_by("-created_at"))


def search_customers(query: str = ""):
    """Customers with their numbers, optionally matching `query` in name, e-mail, phone or a number."""
    from django.db.models import Q

    User = get_user_model()
    people = User.objects.filter(role=User.Role.CUSTOMER).prefetch_related("account_numbers")
    query = (query or "").strip()
    if query:
        digits = "".join(ch for ch in query if ch.isdigit() or ch == "+")
        match = (Q(full_name__icontains=query) | Q(email__icontains=query)
                 | Q(account_numbers__number__icontains=query))
        if len(digits) >= 3:
            match |= Q(phone__contains=digits)
        ids = User.objects.filter(role=User.Role.CUSTOMER).filter(match).values("pk")
        people = people.filter(pk__in=ids)
    return people.order_by("full_name", "email", "pk")


def contrast_report(colour: str) -> dict[str, Any]:
    """How a brand colour reads as text on white and as a background: the ratio, whether it passes, a
    suggestion when it does not, and the text colour the header would use on it."""
    from . import colours

    ratio = colours.contrast(colour, colours.WHITE)
    ok = ratio >= colours.MIN_TEXT_CONTRAST
    return {
        "colour": colour.lower(),
        "ratio": ratio,
        "ratio_text": f"{ratio:.1f}:1",
        "ok": ok,
        "needed": f"{colours.MIN_TEXT_CONTRAST:g}:1",
        "suggestion": "" if ok else colours.darken_until_readable(colour),
        "text_on": colours.text_colour_on(colour),
        "on_ratio_text": f"{colours.best_contrast(colour):.1f}:1",
    }


def terms_text() -> str:
    """The business's terms of use ("" if it has none)."""
    return Branding.objects.filter(pk=1).values_list("terms_text", flat=True).first() or ""


def legal_details() -> dict[str, str]:
    """The business's legal details for invoices and pages: legal name, tax number, address, bank, account and
    bank code ("" where not set)."""
    from .legal import read_legal_details

    return read_legal_details()
