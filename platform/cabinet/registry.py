"""The module registry: every capability a tenant can switch on declares itself once, in its app's
`module.py` (a `MODULE = Module(...)` there). Nothing else keeps a list of modules.

The registry reads declarations only; whether a module is on for a tenant is data in that tenant's
schema (`cabinet.portal.models.ModuleSwitch`), read through `cabinet.portal.selectors`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string, module_has_submodule

from cabinet.declarations import (  # noqa: F401 - modules import their declarations from the registry
    MANAGE_GROUPS,
    STAFF_ROLES,
    ChecklistItem,
    CheckoutDeduction,
    CustomerCardSection,
    DashboardCard,
    DeductionQuote,
    ManageCard,
    ManageEntry,
    ModuleSetting,
    NavBadge,
    NavEntry,
    PaymentPurpose,
    PeriodicTask,
    PricingCondition,
    SupportPriority,
    SupportTier,
    Text,
    TimelineEntry,
    TimelineSource,
)


class UnknownModule(LookupError):
    """A module key nobody declared: asking whether it is on is a mistake, never a quiet False."""


@dataclass(frozen=True)
class Module:
    key: str
    title: Text
    description: Text = ""
    icon: str = ""
    # Dotted paths, imported lazily so module.py never imports views or models at registry time.
    portal_urls: str = ""  # urlpatterns mounted at /<key>/, namespace <key>
    manage_urls: str = ""  # urlpatterns mounted at /manage/<key>/, namespace <key>-manage
    api_urls: str = ""  # urlpatterns (e.g. a DRF router's) mounted at /api/v1/<key>/, namespace <key>-api
    dashboard_card: str = ""  # callable(request) -> DashboardCard | None
    nav: tuple[NavEntry, ...] = ()
    manage_nav: tuple[ManageEntry, ...] = ()
    depends_on: tuple[str, ...] = ()
    settings: tuple[ModuleSetting, ...] = ()
    # (event key, label) pairs a customer can choose channels for in "My settings".
    notification_events: tuple[tuple[str, Text], ...] = ()
    # (event key, label) pairs that tell a member of staff about their own work (a request given to them);
    # staff choose channels for them in "My settings", customers never see them.
    staff_notification_events: tuple[tuple[str, Text], ...] = ()
    # callable(user) -> dict: the customer's data this module holds, for "Export my data".
    personal_data: str = ""
    # callable(user) -> iterable of (name, FieldFile): the files the module keeps of the customer (their
    # attachments, their documents), put into "Export my data" as files/<module key>/<name>. Only the
    # customer's own: the callable selects by the user it is given, nothing else.
    personal_files: str = ""
    # callable(user) -> None: anonymises that data when the customer deletes the account, keeping the
    # business's records (orders, requests) consistent.
    erase_personal_data: str = ""
    # callable(vertical) -> None: demo content of a demo tenant (runs in its schema, after demo customers).
    demo_content: str = ""
    # The module's card on the owner's overview, and its steps of the setup checklist.
    manage_card: ManageCard | None = None
    checklist: tuple[ChecklistItem, ...] = ()
    # Work done regularly in every business where the module is on (see PeriodicTask).
    periodic_tasks: tuple[PeriodicTask, ...] = ()
    # Dotted path of the TimelineSource of what the module adds to the customer's timeline ("My events").
    timeline: str = ""
    # callable(request, customer) -> CustomerCardSection | None: the module's section of the customer card.
    customer_card: str = ""
    # What the module takes card payments for, and its handlers (see PaymentPurpose).
    payment_purposes: tuple[PaymentPurpose, ...] = ()
    # Conditions discount rules can ask of a customer (see PricingCondition).
    pricing_conditions: tuple[PricingCondition, ...] = ()
    # What ranks a customer's support requests higher in the staff queue (see SupportPriority).
    support_priorities: tuple[SupportPriority, ...] = ()
    # What the module takes off what a customer owes for an order (see CheckoutDeduction).
    checkout_deductions: tuple[CheckoutDeduction, ...] = ()
    # A template included at the end of every portal page while the module is on (the chat button); it
    # decides itself whom it shows anything to, and costs no query.
    page_widget: str = ""
    order: int = 100

    @property
    def namespaces(self) -> tuple[str, str, str]:
        return (self.key, f"{self.key}-manage", f"{self.key}-api")

    def default_settings(self) -> dict[str, Any]:
        return {s.key: s.default for s in self.settings}

    def card_maker(self) -> Callable[..., DashboardCard | None] | None:
        return import_string(self.dashboard_card) if self.dashboard_card else None

    def manage_url(self, url_name: str) -> str:
        """The full URL name of one of the module's manage pages."""
        return f"{self.key}-manage:{url_name}"

    def manage_roles(self, url_name: str) -> tuple[str, ...]:
        """The staff roles of one of the module's manage entries: its views take them from here
        (`role_required(*MODULE.manage_roles("queue"))`), so the navigation and the views never disagree."""
        for entry in self.manage_nav:
            if entry.url_name == url_name:
                return entry.roles
        raise ImproperlyConfigured(f"Module {self.key!r} has no manage entry {url_name!r}")


@functools.cache
def _collect() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "module"):
            continue
        declared = getattr(import_module(f"{config.name}.module"), "MODULE", None)
        if not isinstance(declared, Module):
            raise ImproperlyConfigured(f"{config.name}.module must define MODULE = Module(...)")
        if declared.key in found:
            raise ImproperlyConfigured(f"Module key {declared.key!r} is declared twice")
        found[declared.key] = declared
    _check_dependencies(found)
    for module in found.values():
        check_declarations(module)
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


def _check_dependencies(found: dict[str, Module]) -> None:
    for module in found.values():
        for dependency in module.depends_on:
            if dependency not in found:
                raise ImproperlyConfigured(f"Module {module.key!r} depends on unknown module {dependency!r}")

    def visit(key: str, path: tuple[str, ...]) -> None:
        if key in path:
            raise ImproperlyConfigured(f"Modules depend on each other in a circle: {' → '.join((*path, key))}")
        for dependency in found[key].depends_on:
            visit(dependency, (*path, key))

    for key in found:
        visit(key, ())


def check_manage_entries(entries: tuple[ManageEntry, ...], owner: str) -> None:
    """Each entry names a known area of the navigation and known staff roles."""
    for entry in entries:
        if entry.group not in MANAGE_GROUPS:
            raise ImproperlyConfigured(
                f"Manage entry {entry.url_name!r} of {owner} has group {entry.group!r}; "
                f"declare one of {', '.join(MANAGE_GROUPS)}")
        _check_roles(entry.roles, f"manage entry {entry.url_name!r} of {owner}")


def check_checklist(items: tuple[ChecklistItem, ...], owner: str) -> None:
    keys = [item.key for item in items]
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured(f"Checklist items of {owner} repeat a key: {keys}")
    for item in items:
        _check_roles(item.roles, f"checklist item {item.key!r} of {owner}")
        _check_callable(item.done, f"checklist item {item.key!r} of {owner}")


def check_manage_card(card: ManageCard, owner: str) -> None:
    _check_roles(card.roles, f"the overview card of {owner}")
    _check_callable(card.maker, f"the overview card of {owner}")


def check_declarations(module: Module) -> None:
    """The extension points of one module resolve: groups and roles are known, dotted paths import."""
    check_manage_entries(module.manage_nav, f"module {module.key!r}")
    check_checklist(module.checklist, f"module {module.key!r}")
    if module.manage_card is not None:
        check_manage_card(module.manage_card, f"module {module.key!r}")
    for entry in module.nav:
        if entry.badge:
            _check_callable(entry.badge, f"the badge of {entry.url_name!r} of module {module.key!r}")
    if module.timeline:
        timeline_source(module.timeline, f"module {module.key!r}")
    if module.customer_card:
        _check_callable(module.customer_card, f"the customer card section of module {module.key!r}")
    if module.personal_files:
        _check_callable(module.personal_files, f"the personal files of module {module.key!r}")
    for purpose in module.payment_purposes:
        for handler in (purpose.succeeded, purpose.refunded):
            if handler:
                _check_callable(handler, f"payment purpose {purpose.key!r} of module {module.key!r}")
    for condition in module.pricing_conditions:
        if ":" in condition.key or not condition.key:
            raise ImproperlyConfigured(f"Pricing condition key {condition.key!r} of module {module.key!r} "
                                       "must be non-empty and have no colon")
        for path in (condition.values, condition.choices):
            _check_callable(path, f"pricing condition {condition.key!r} of module {module.key!r}")
    for priority in module.support_priorities:
        _check_callable(priority.tiers, f"support priority {priority.key!r} of module {module.key!r}")
    for deduction in module.checkout_deductions:
        for path in (deduction.quote, deduction.apply, deduction.explain):
            _check_callable(path, f"checkout deduction {deduction.key!r} of module {module.key!r}")
    if module.page_widget and not module.page_widget.endswith(".html"):
        raise ImproperlyConfigured(f"The page widget of module {module.key!r} must name a template (.html), "
                                   f"not {module.page_widget!r}")


def timeline_source(path: str, owner: str) -> TimelineSource:
    """The TimelineSource at `path`, checked: it imports, its entries are callable, its kinds are sound."""
    try:
        source = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"The timeline of {owner}: {path!r} cannot be imported ({error})") from error
    if not isinstance(source, TimelineSource) or not callable(source.entries):
        raise ImproperlyConfigured(f"The timeline of {owner}: {path!r} is not a TimelineSource")
    kinds = [kind for kind, _label in source.kinds]
    if not kinds or len(set(kinds)) != len(kinds):
        raise ImproperlyConfigured(f"The timeline of {owner} declares no kinds or repeats one: {kinds}")
    if not set(source.staff_kinds) <= set(kinds):
        raise ImproperlyConfigured(f"The timeline of {owner} has staff kinds it does not declare: "
                                   f"{sorted(set(source.staff_kinds) - set(kinds))}")
    return source


def _check_roles(roles: tuple[str, ...], what: str) -> None:
    unknown = set(roles) - set(STAFF_ROLES)
    if unknown or not roles:
        raise ImproperlyConfigured(f"{what} names unknown staff roles {sorted(unknown)} (or none)")


def _check_callable(path: str, what: str) -> None:
    try:
        found = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"{what}: {path!r} cannot be imported ({error})") from error
    if not callable(found):
        raise ImproperlyConfigured(f"{what}: {path!r} is not callable")


def modules() -> dict[str, Module]:
    """All declared modules by key, in navigation order."""
    return _collect()


def get_module(key: str) -> Module | None:
    return _collect().get(key)


def require_module(key: str) -> Module:
    """The module declared as `key`; an unknown key raises UnknownModule (a typo must not read as "off")."""
    try:
        return modules()[key]
    except KeyError:
        raise UnknownModule(f"No module is declared with the key {key!r}") from None


@functools.cache
def periodic_tasks() -> tuple[PeriodicTask, ...]:
    """Every periodic task: the modules' (gated by their switch) and the core apps' (`periodic_tasks` on their
    AppConfig, run in every business)."""
    found: list[PeriodicTask] = []
    for module in _collect().values():
        found += [replace(task, module=module.key) for task in module.periodic_tasks]
    for config in apps.get_app_configs():
        found += [replace(task, module="") for task in getattr(config, "periodic_tasks", ())]
    names = [task.task for task in found]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured(f"A periodic task is declared twice: {sorted(names)}")
    for task in found:
        if task.every < 60:
            raise ImproperlyConfigured(f"Periodic task {task.task!r} runs every {task.every} s; at least 60")
    return tuple(found)


@functools.cache
def timeline_sources() -> tuple[TimelineSource, ...]:
    """Every source of the customer's timeline: the modules' (gated by their switch) and the core apps'
    (`timeline` on their AppConfig). A kind is declared by one source only."""
    found: list[TimelineSource] = []
    for module in _collect().values():
        if module.timeline:
            found.append(replace(timeline_source(module.timeline, f"module {module.key!r}"), module=module.key))
    for config in apps.get_app_configs():
        path = getattr(config, "timeline", "")
        if path:
            found.append(replace(timeline_source(path, f"app {config.label!r}"), module=""))
    kinds = [kind for source in found for kind, _label in source.kinds]
    if len(set(kinds)) != len(kinds):
        raise ImproperlyConfigured(f"A timeline kind is declared twice: {sorted(kinds)}")
    return tuple(found)


@functools.cache
def payment_purposes() -> dict[str, PaymentPurpose]:
    """Every declared payment purpose by key, each with the module that declared it."""
    found: dict[str, PaymentPurpose] = {}
    for module in _collect().values():
        for purpose in module.payment_purposes:
            if purpose.key in found:
                raise ImproperlyConfigured(f"Payment purpose {purpose.key!r} is declared twice")
            found[purpose.key] = replace(purpose, module=module.key)
    return found


def require_payment_purpose(key: str) -> PaymentPurpose:
    """The purpose declared as `key`; an unknown one raises LookupError (a payment nobody can settle)."""
    try:
        return payment_purposes()[key]
    except KeyError:
        raise LookupError(f"No module declares the payment purpose {key!r}") from None


@functools.cache
def pricing_conditions() -> dict[str, PricingCondition]:
    """Every declared pricing condition by key, each with the module that declared it."""
    found: dict[str, PricingCondition] = {}
    for module in _collect().values():
        for condition in module.pricing_conditions:
            if condition.key in found:
                raise ImproperlyConfigured(f"Pricing condition {condition.key!r} is declared twice")
            found[condition.key] = replace(condition, module=module.key)
    return found


@functools.cache
def support_priorities() -> tuple[SupportPriority, ...]:
    """Every declared support priority, each with the module that declared it."""
    found = [replace(p, module=m.key) for m in _collect().values() for p in m.support_priorities]
    keys = [p.key for p in found]
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured(f"A support priority is declared twice: {sorted(keys)}")
    return tuple(found)


@functools.cache
def checkout_deductions() -> tuple[CheckoutDeduction, ...]:
    """Every declared checkout deduction, each with the module that declared it, in module order."""
    found = [replace(d, module=m.key) for m in _collect().values() for d in m.checkout_deductions]
    keys = [d.key for d in found]
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured(f"A checkout deduction is declared twice: {sorted(keys)}")
    return tuple(found)


def module_for_namespace(namespace: str) -> Module | None:
    return _namespace_index().get(namespace)


@functools.cache
def _namespace_index() -> dict[str, Module]:
    return {ns: module for module in _collect().values() for ns in module.namespaces}


def dependents_of(key: str) -> list[Module]:
    """Modules that need `key` switched on."""
    return [m for m in _collect().values() if key in m.depends_on]


@dataclass
class _Mounts:
    portal: list = field(default_factory=list)
    manage: list = field(default_factory=list)
    api: list = field(default_factory=list)


def url_mounts() -> _Mounts:
    """URL patterns of every module, each under its own namespace, which the module gate checks."""
    from django.urls import include, path

    mounts = _Mounts()
    for module in _collect().values():
        if module.portal_urls:
            mounts.portal.append(path(f"{module.key}/", include((module.portal_urls, module.key))))
        if module.manage_urls:
            ns = f"{module.key}-manage"
            mounts.manage.append(path(f"manage/{module.key}/", include((module.manage_urls, ns))))
        if module.api_urls:
            ns = f"{module.key}-api"
            mounts.api.append(path(f"api/v1/{module.key}/", include((module.api_urls, ns))))
    return mounts
