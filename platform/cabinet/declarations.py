"""What a module declares besides its key and title: its navigation entries, settings, cards, checklist steps,
periodic work, timeline entries, customer-card section and payment purposes. `Module` (cabinet.registry)
holds them; modules import them from there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

Text = str | Promise  # plain or lazily translated

STAFF_ROLES = ("owner", "manager", "operator", "editor")

# Areas of the manage area's navigation, in their order there. A manage entry names its area; an unknown
# one is refused at start, so a new module cannot invent a group the navigation does not show.
MANAGE_GROUPS: dict[str, Text] = {
    "customers": _("Customers"),
    "sales": _("Sales"),
    "service": pgettext_lazy("area of the manage area", "Service"),
    "content": _("Content"),
    "settings": _("Settings"),
}


@dataclass(frozen=True)
class NavEntry:
    """A link in the customer portal's navigation. `url_name` is reversed inside the module's namespace."""

    label: Text
    url_name: str
    icon: str = ""
    login_required: bool = True
    # Other pages of the module that count as this entry in the header ("*": every page no entry names).
    # A module with one entry owns all its pages.
    current_for: tuple[str, ...] = ()
    # Dotted path of callable(request) -> NavBadge | None: a count shown beside the link (the cart's items).
    # It runs on every portal page, so it must cost at most one query.
    badge: str = ""
    # Only for customers: staff looking at the portal do not get a link to a page that is not theirs (API keys).
    customers_only: bool = False


@dataclass(frozen=True)
class NavBadge:
    """A short count beside a navigation link, with the words a screen reader says instead."""

    value: str
    label: Text


@dataclass(frozen=True)
class ManageEntry:
    """A section of the manage area and the staff roles that see it (the owner sees everything)."""

    label: Text
    url_name: str
    roles: tuple[str, ...] = ("owner", "manager")
    icon: str = ""
    # The area of the navigation it sits in: a key of MANAGE_GROUPS.
    group: str = ""


@dataclass(frozen=True)
class ModuleSetting:
    """A setting the business can change for a module, with its default."""

    key: str
    label: Text
    kind: str = "bool"  # bool | int | text | choice
    default: Any = None
    help_text: Text = ""
    choices: tuple[tuple[str, Text], ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    # A text setting whose stored form differs from what its editor reads (e.g. default lines kept in English
    # and shown in the editor's language): dotted paths of callable(text) -> text, stored → shown in the
    # settings form, and submitted → stored.
    shown_as: str = ""
    stored_as: str = ""


@dataclass(frozen=True)
class DashboardCard:
    """One card of the customer's dashboard, made by a module for the signed-in customer."""

    title: Text
    value: str
    detail: Text = ""
    url: str = ""
    icon: str = ""


@dataclass(frozen=True)
class ManageCard:
    """A module's card on the owner's overview: `maker` is the dotted path of callable(request) ->
    DashboardCard | None (one or two queries), shown only to the staff `roles` (the owner sees every card)."""

    maker: str
    roles: tuple[str, ...] = ("owner", "manager")


@dataclass(frozen=True)
class ChecklistItem:
    """A step of the overview's setup checklist. `done` is the dotted path of callable() -> bool, asked in the
    current schema (one cheap query), so the item ticks itself. `url_name` is reversed inside the module's
    manage namespace (the core's items give a full name)."""

    key: str
    label: Text
    url_name: str
    done: str
    roles: tuple[str, ...] = ("owner", "manager")
    help_text: Text = ""


@dataclass(frozen=True)
class PeriodicTask:
    """Background work a module (or a core app, in its AppConfig's `periodic_tasks`) needs done regularly in
    every business: `task` is the explicit Celery name of a per-tenant task, queued every `every` seconds in
    each active business's schema where the module is on. One beat entry (`cabinet.portal.tasks.
    run_periodic_work`) does the fanning out for all of them; `also_public` runs it in the public schema too."""

    task: str
    every: float
    also_public: bool = False
    # Filled in by the registry: the module whose switch gates the task ("" for a core app's).
    module: str = ""


@dataclass(frozen=True)
class TimelineEntry:
    """One interaction between a customer and the business on the customer's timeline ("My events").

    `key` is unique across the timeline ("support.reply:12") and settles the order of entries made at the same
    instant; `url` is where the customer opens the object, `manage_url` where staff do. A `staff_only` entry
    (a staff note) is given only to staff. `language` is set when the title is in a language of its own (a
    message as it was sent, in the recipient's language then), so the page marks it with `lang`."""

    at: datetime
    kind: str
    key: str
    title: Text
    detail: Text = ""
    url: str = ""
    manage_url: str = ""
    staff_only: bool = False
    language: str = ""


@dataclass(frozen=True)
class TimelineSource:
    """What a module (or a core app) adds to the customer's timeline. `Module.timeline` (and a core app's
    AppConfig `timeline`) is the dotted path of one, kept beside its code in the app's `timeline.py`.

    `entries` is callable(*, customer, kinds, since, until, limit, staff) -> list of TimelineEntry: the
    customer's entries of the given `kinds` (a subset of its own) made at `since` <= at <= `until` (either
    may be None), newest first, at most `limit`; staff-only entries only when `staff` is True. `kinds` are the
    (kind, label) pairs it contributes, each kind declared by one source only; `staff_kinds` those only staff
    see."""

    entries: Callable[..., list[TimelineEntry]]
    kinds: tuple[tuple[str, Text], ...]
    staff_kinds: tuple[str, ...] = ()
    # Filled in by the registry: the module whose switch gates the source ("" for a core app's).
    module: str = ""


@dataclass(frozen=True)
class CustomerCardSection:
    """A module's section of the customer card in the manage area: a title, the template that draws it and
    that template's context. `customer_card` on Module is the dotted path of callable(request, customer) ->
    CustomerCardSection | None (None: nothing to show this staff member)."""

    title: Text
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # Sections are shown by this number, then by module order.
    order: int = 100


@dataclass(frozen=True)
class PaymentPurpose:
    """What a module takes card payments for (a balance top-up). `billing` starts a payment under a purpose's
    `key` and, once Stripe says so, calls the module's handlers, each once per payment: `succeeded` and
    `refunded` are dotted paths of callable(*, payment: PaymentInfo) -> None (billing.services.PaymentInfo),
    run inside the transaction that records the payment's new state. Keys are unique over all modules."""

    key: str
    label: Text
    succeeded: str
    refunded: str = ""
    # Filled in by the registry: the module that declared it.
    module: str = ""


@dataclass(frozen=True)
class SupportTier:
    """Customers whose requests come first: `customer_ids` is a queryset of customer ids (a subquery, never
    read into Python), `rank` above 0 (higher first), `badge` the short text staff see beside the request."""

    rank: int
    badge: str
    customer_ids: Any


@dataclass(frozen=True)
class PricingCondition:
    """A condition a discount rule can ask of the customer, kept by a module the orders module does not know
    ("member of club X"). A rule names it as "<key>:<value>". `values` is the dotted path of
    callable(customer) -> set of str: the values the customer meets now (one or two queries); `choices` the
    dotted path of callable() -> list of (value, label): what the rule editor offers. Keys are unique over all
    modules; a condition of a switched-off module is met by nobody."""

    key: str
    label: Text
    values: str
    choices: str
    # Filled in by the registry: the module that declared it.
    module: str = ""


@dataclass(frozen=True)
class SupportPriority:
    """What puts a customer's support requests higher in the staff queue, kept by a module support does not
    know (club members first). `tiers` is the dotted path of callable() -> list of SupportTier (one cheap
    query): the queue sorts by them in SQL, so the order holds across its pages."""

    key: str
    tiers: str
    # Filled in by the registry: the module that declared it.
    module: str = ""


@dataclass(frozen=True)
class DeductionQuote:
    """What a checkout deduction takes off an order now: `amount` of money in the order's currency (more than 0,
    never more than asked), `facts` the JSON record kept on the order and explained when read (`explain`),
    `text` the explanation in the active language ("−300,00 ₽: 300 points")."""

    key: str
    amount: Decimal
    facts: dict[str, Any]
    text: str


@dataclass(frozen=True)
class CheckoutDeduction:
    """Something a module takes off what the customer owes for an order, kept by a module the orders module does
    not know (bonus points). The order keeps its goods' prices and discounts; the deduction lowers what is owed.

    `quote` is the dotted path of callable(*, customer, currency, amount, channel, requested) -> DeductionQuote |
    None: what it would take off `amount` (the order's total after discounts) now. `channel` is how the order is
    placed ("portal", "api", "recurring"); `requested` what the customer asked for through the API (a string,
    None when they did not say: the module uses what the customer chose in the cart or for recurring orders).
    A bad `requested` raises ValidationError with a clear message.
    `apply` is the dotted path of callable(*, customer, order, quote) -> None, run inside the transaction that
    places the order (it may raise ValidationError: the order is not placed). Undoing it when the order is
    cancelled or refunded is the module's own work (it listens to the order's events).
    `explain` is the dotted path of callable(facts) -> str: a stored record in the active language.
    Keys are unique over all modules; a deduction of a switched-off module takes nothing."""

    key: str
    label: Text
    quote: str
    apply: str
    explain: str
    # A template included in the cart under the totals (the customer's choice), given `deduction` (the quote or
    # None) and `owed`; "" for none.
    cart_template: str = ""
    # Filled in by the registry: the module that declared it.
    module: str = ""
