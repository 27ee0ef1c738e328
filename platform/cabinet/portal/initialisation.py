"""First use of a schema's portal: the branding row and module switches copied from the tenant's vertical.
The reads (`selectors.portal_state`) call it for a schema made before the portal existed, so it sits below both
reads and writes and imports neither."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

import verticals
from cabinet import registry
from cabinet.tenancy import current_tenant

from .models import Branding, ModuleSwitch
from .state import forget_portal_state


def ensure_portal_initialised() -> Branding:
    """The branding row of the current schema, made from the tenant's vertical on first use
    (signup does it eagerly; this covers schemas made before the portal existed)."""
    branding = Branding.objects.filter(pk=1).first()
    if branding is not None:
        return branding
    tenant = current_tenant()
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
        _copy_vertical_switches(vertical)
    forget_portal_state()
    return branding


def _copy_vertical_switches(vertical: verticals.Vertical | None) -> None:
    """Every module on exactly when the vertical lists it, with the vertical's settings over its own."""
    defaults = set(vertical.default_modules) if vertical else set()
    vertical_settings = vertical.default_settings if vertical else {}
    now = timezone.now()
    for key, module in registry.modules().items():
        switch, _created = ModuleSwitch.objects.get_or_create(key=key)
        switch.enabled = key in defaults
        if key in defaults:
            switch.settings = {**module.default_settings(), **switch.settings, **vertical_settings.get(key, {})}
        switch.updated_at = now
        switch.save()
