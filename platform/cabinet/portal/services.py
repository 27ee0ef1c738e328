"""Writes of the portal's state: initial copy of a vertical, module switches and their settings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import verticals
from cabinet import registry
from tenants.models import Tenant
from tenants.services import current_schema

from .models import Branding, ModuleSwitch
from .selectors import forget_portal_state


def ensure_portal_initialised() -> Branding:
    """The branding row of the current schema, made from the tenant's vertical on first use
    (signup does it eagerly; this covers schemas made before the portal existed)."""
    branding = Branding.objects.filter(pk=1).first()
    if branding is not None:
        return branding
    tenant = Tenant.objects.get(schema_name=current_schema())
    return initialise_portal(portal_name=tenant.name, vertical_key=tenant.vertical)


@transaction.atomic
def initialise_portal(*, portal_name: str, vertical_key: str) -> Branding:
    """Copies the vertical's defaults into the current schema: module switches, their settings and
    the welcome text. Runs once per tenant, at signup."""
    vertical = verticals.get_vertical(vertical_key)
    branding, created = Branding.objects.get_or_create(pk=1, defaults={
        "portal_name": portal_name[:80], "vertical": vertical_key,
        "welcome_text": str(vertical.welcome_text) if vertical else "",
    })
    if created:
        _copy_vertical_switches(vertical, reset=True)
    forget_portal_state()
    return branding


def _copy_vertical_switches(vertical: verticals.Vertical | None, *, reset: bool) -> None:
    defaults = set(vertical.default_modules) if vertical else set()
    vertical_settings = vertical.default_settings if vertical else {}
    now = timezone.now()
    for key, module in registry.modules().items():
        switch, _created = ModuleSwitch.objects.get_or_create(key=key)
        if reset or _created:
            switch.enabled = key in defaults
        if key in defaults:
            switch.settings = {**module.default_settings(), **switch.settings, **vertical_settings.get(key, {})}
        switch.updated_at = now
        switch.save()


@transaction.atomic
def change_vertical(vertical_key: str, *, apply_default_modules: bool) -> Branding:
    """Switches the tenant to another industry template: its wording at once and, if asked, its set of
    modules. Nothing is deleted: a module switched off keeps its data for when it comes back."""
    vertical = verticals.get_vertical(vertical_key)
    if vertical is None:
        raise ValidationError({"vertical": [_("Choose one of the offered industry templates.")]})
    branding = ensure_portal_initialised()
    branding.vertical = vertical_key
    branding.updated_at = timezone.now()
    branding.save(update_fields=["vertical", "updated_at"])
    if apply_default_modules:
        _copy_vertical_switches(vertical, reset=True)
    Tenant.objects.filter(schema_name=current_schema()).update(vertical=vertical_key)  # for the console
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Tenant):
        tenant.vertical = vertical_key
    forget_portal_state()
    return branding


@transaction.atomic
def set_module_enabled(key: str, enabled: bool) -> ModuleSwitch:
    """Switches one module. Refused, with the reason, when a module it needs is off (switching on)
    or when a switched-on module needs it (switching off)."""
    module = registry.get_module(key)
    if module is None:
        raise ValidationError(_("There is no module “%(key)s”.") % {"key": key})
    switches = {s.key: s for s in ModuleSwitch.objects.select_for_update()}
    is_on = lambda k: bool(switches.get(k) and switches[k].enabled)  # noqa: E731
    if enabled:
        missing = [registry.get_module(d) for d in module.depends_on if not is_on(d)]
        if missing:
            raise ValidationError(_("“%(module)s” needs %(needed)s. Switch that on first.") % {
                "module": module.title, "needed": ", ".join(f"“{m.title}”" for m in missing if m)})
    else:
        blocking = [m for m in registry.dependents_of(key) if is_on(m.key)]
        if blocking:
            raise ValidationError(_("“%(module)s” is needed by %(users)s. Switch that off first.") % {
                "module": module.title, "users": ", ".join(f"“{m.title}”" for m in blocking)})
    switch = switches.get(key) or ModuleSwitch(key=key, settings=module.default_settings())
    switch.enabled = enabled
    switch.updated_at = timezone.now()
    switch.save()
    forget_portal_state()
    return switch


def clean_module_settings(key: str, data: dict[str, Any]) -> dict[str, Any]:
    """Validated settings of a module from submitted values; ValidationError by field otherwise."""
    module = registry.get_module(key)
    if module is None:
        raise ValidationError(_("There is no module “%(key)s”.") % {"key": key})
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for setting in module.settings:
        raw = data.get(setting.key)
        if setting.kind == "bool":
            cleaned[setting.key] = raw in (True, "on", "true", "1", 1)
        elif setting.kind == "int":
            try:
                value = int(str(raw).strip())
            except (TypeError, ValueError):
                errors[setting.key] = [_("Enter a whole number.")]
                continue
            if setting.min_value is not None and value < setting.min_value or (
                    setting.max_value is not None and value > setting.max_value):
                errors[setting.key] = [_("Enter a number from %(min)s to %(max)s.") % {
                    "min": setting.min_value, "max": setting.max_value}]
                continue
            cleaned[setting.key] = value
        elif setting.kind == "choice":
            if raw not in {value for value, _label in setting.choices}:
                errors[setting.key] = [_("Choose one of the offered values.")]
                continue
            cleaned[setting.key] = raw
        else:
            text = str(raw or "").strip()
            if len(text) > 2000:
                errors[setting.key] = [_("Keep it under 2000 characters.")]
                continue
            cleaned[setting.key] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def update_module_settings(key: str, data: dict[str, Any]) -> ModuleSwitch:
    cleaned = clean_module_settings(key, data)
    switch, _created = ModuleSwitch.objects.select_for_update().get_or_create(key=key)
    switch.settings = {**switch.settings, **cleaned}
    switch.updated_at = timezone.now()
    switch.save()
    forget_portal_state()
    return switch
