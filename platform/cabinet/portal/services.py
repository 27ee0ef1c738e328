"""Writes of the portal's state: initial copy of a vertical, module switches and their settings."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tenants.utils import get_tenant_model

import verticals
from cabinet import registry
from cabinet.tenancy import current_schema

from .initialisation import _copy_vertical_switches, ensure_portal_initialised, initialise_portal  # noqa: F401
from .models import Branding, ModuleSwitch, StaffInvite
from .state import forget_portal_state


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
        _copy_vertical_switches(vertical)
    tenant_model = get_tenant_model()
    tenant_model.objects.filter(schema_name=current_schema()).update(vertical=vertical_key)  # for the console
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, tenant_model):
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


def enable_with_dependencies(key: str) -> list[str]:
    """Switches `key` on together with every module it needs, dependencies first; returns the keys
    switched on."""
    module = registry.get_module(key)
    if module is None:
        raise ValidationError(_("There is no module “%(key)s”.") % {"key": key})
    switched: list[str] = []
    for dependency in module.depends_on:
        switched += [k for k in enable_with_dependencies(dependency) if k not in switched]
    set_module_enabled(key, True)
    return [*switched, key]


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
            cleaned[setting.key] = import_string(setting.stored_as)(text) if setting.stored_as else text
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


# --- Staff: invitations, roles, deactivation ---------------------------------------------------------

INVITE_LIFETIME = timedelta(days=7)
STAFF_ROLES_OWNER_MAY_GIVE = ("owner", "manager", "operator", "editor")


def _user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


def _account_with_email(email: str):
    return _user_model().objects.filter(email__iexact=email).first()


def _send_invite_link(invite: StaffInvite, accept_url: Callable[[str], str], now=None) -> str:
    """Gives `invite` a new secret (an earlier link of it stops working) valid for INVITE_LIFETIME from `now`,
    and mails the link once the transaction commits. Returns the link."""
    raw = secrets.token_urlsafe(32)
    now = now or timezone.now()
    invite.token_hash, invite.expires_at = StaffInvite.hash(raw), now + INVITE_LIFETIME
    invite.save(update_fields=["token_hash", "expires_at"])
    link = accept_url(raw)
    portal_name = ensure_portal_initialised().portal_name
    inviter = invite.invited_by.display_name if invite.invited_by else portal_name
    from cabinet.notifications.services import notify

    # To an address, not yet a person of the portal: e-mail only, written in the caller's transaction.
    notify(invite.email, "portal.staff_invite", {"inviter": inviter, "role": invite.get_role_display(), "link": link},
           channels=["email"], mandatory=True, in_portal=False, event_id=f"portal.staff_invite:{invite.token_hash}")
    return link


def invite_staff(*, email: str, role: str, invited_by, accept_url: Callable[[str], str]) -> tuple[StaffInvite, str]:
    """Invites a future staff member by e-mail. `accept_url(raw_token)` makes the absolute link on this
    tenant's host. A pending invitation of the same address is replaced (its link stops working). Returns the
    invitation and its link, which the owner may copy once (only the secret's hash is kept)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("Enter a valid e-mail address.")]}) from None
    if role not in StaffInvite.Role.values:
        raise ValidationError({"role": [_("Choose one of the offered roles.")]})
    existing = _account_with_email(email)
    if existing is not None:
        if existing.is_business_staff:
            message = _("%(email)s already works here. Change the role in the staff list instead.")
        else:
            message = _("%(email)s is registered as a customer of this portal. Staff need their own "
                        "address: invite another e-mail.")
        raise ValidationError({"email": [message % {"email": email}]})
    now = timezone.now()
    with transaction.atomic():
        StaffInvite.objects.filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
                                   ).update(revoked_at=now)
        invite = StaffInvite.objects.create(email=email, role=role, invited_by=invited_by, created_at=now,
                                            token_hash=StaffInvite.hash(secrets.token_urlsafe(32)),
                                            expires_at=now + INVITE_LIFETIME)
        link = _send_invite_link(invite, accept_url, now)
    return invite, link


def resend_invite(invite_id: int, *, accept_url: Callable[[str], str]) -> tuple[StaffInvite, str]:
    """Mails an invitation again with a new link valid for 7 more days (the old link stops working); an
    expired invitation comes back to life this way. Accepted and withdrawn ones cannot be resent."""
    with transaction.atomic():
        invite = StaffInvite.objects.select_for_update().filter(pk=invite_id).first()
        if invite is None or invite.accepted_at is not None or invite.revoked_at is not None:
            raise ValidationError(_("This invitation was accepted or withdrawn; send a new one instead."))
        if _account_with_email(invite.email) is not None:
            raise ValidationError(_("An account with %(email)s exists here now; no invitation is needed.")
                                  % {"email": invite.email})
        link = _send_invite_link(invite, accept_url)
    return invite, link


def accept_invite(raw: str, *, full_name: str, password: str) -> Any:
    """Creates the staff account of an invitation, once. ValidationError when the link cannot be used
    (any more) or the e-mail became taken in the meantime."""
    with transaction.atomic():
        invite = StaffInvite.objects.select_for_update().filter(token_hash=StaffInvite.hash(raw)).first()
        if invite is None or not invite.is_pending:
            raise ValidationError(_("This invitation link is no longer valid. Ask the owner for a new one."))
        if _account_with_email(invite.email) is not None:
            raise ValidationError(_("An account with %(email)s already exists here. Sign in instead.")
                                  % {"email": invite.email})
        user = _user_model().objects.create_user(invite.email, password, full_name=full_name.strip()[:150],
                                                 role=invite.role, is_staff=True,
                                                 email_verified_at=timezone.now())
        invite.accepted_at = timezone.now()
        invite.accepted_user = user
        invite.save(update_fields=["accepted_at", "accepted_user"])
    return user


def revoke_invite(invite_id: int) -> StaffInvite:
    """Withdraws an invitation that was not accepted (pending or expired): its link says so from now on."""
    invite = StaffInvite.objects.filter(pk=invite_id).first()
    if invite is None or invite.accepted_at is not None or invite.revoked_at is not None:
        raise ValidationError(_("This invitation is no longer pending."))
    invite.revoked_at = timezone.now()
    invite.save(update_fields=["revoked_at"])
    return invite


def _other_active_owners(user) -> bool:
    User = _user_model()
    return User.objects.filter(role=User.Role.OWNER, is_active=True).exclude(pk=user.pk).exists()


@transaction.atomic
def change_staff_role(*, member_id: int, role: str, changed_by) -> Any:
    """Gives a staff member another role. The owner cannot change their own role (someone must stay
    able to manage staff); a business always keeps at least one owner."""
    User = _user_model()
    if role not in STAFF_ROLES_OWNER_MAY_GIVE:
        raise ValidationError(_("Choose one of the offered roles."))
    member = User.objects.select_for_update().filter(pk=member_id).exclude(role=User.Role.CUSTOMER).first()
    if member is None:
        raise ValidationError(_("There is no such staff member."))
    if member.pk == changed_by.pk:
        raise ValidationError(_("You cannot change your own role."))
    if member.role == User.Role.OWNER and role != User.Role.OWNER and not _other_active_owners(member):
        raise ValidationError(_("The business needs at least one owner."))
    member.role = role
    member.save(update_fields=["role"])
    return member


@transaction.atomic
def set_staff_active(*, member_id: int, active: bool, changed_by) -> Any:
    """Deactivates (the person can no longer sign in; their records stay) or reactivates a staff member.
    Never yourself, never the last owner."""
    User = _user_model()
    member = User.objects.select_for_update().filter(pk=member_id).exclude(role=User.Role.CUSTOMER).first()
    if member is None:
        raise ValidationError(_("There is no such staff member."))
    if not active:
        if member.pk == changed_by.pk:
            raise ValidationError(_("You cannot deactivate your own account."))
        if member.role == User.Role.OWNER and not _other_active_owners(member):
            raise ValidationError(_("The business needs at least one active owner."))
    member.is_active = active
    member.save(update_fields=["is_active"])
    return member


# --- Branding ----------------------------------------------------------------------------------------

@transaction.atomic
def save_branding(branding: Branding, *, replaced_files: Iterable[str] = ()) -> Branding:
    """Stores the branding a validated form produced; the portal shows it on the next request. Files the
    new logo or favicon replaced are deleted once the change is committed."""
    branding.updated_at = timezone.now()
    branding.save()
    forget_portal_state()
    in_use = {branding.logo.name, branding.favicon.name}
    for name in replaced_files:
        if name and name not in in_use:
            transaction.on_commit(functools.partial(branding.logo.storage.delete, name))
    return branding
