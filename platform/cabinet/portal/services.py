"""Writes of the portal's state: initial copy of a vertical, module switches and their settings."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

import verticals
from cabinet import csv_io, registry
from cabinet.accounts.identifiers import canonical_identifier
from cabinet.accounts.selectors import find_customer
from cabinet.slugs import unique_slug
from tenants.models import Tenant
from tenants.services import current_schema

from .models import Branding, IdempotencyRecord, ModuleSwitch, StaffInvite
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


# --- Contract and personal-account numbers of customers ----------------------------------------------

NUMBER_MAX_LENGTH = 40


def _kind_value(raw: str) -> str | None:
    from cabinet.accounts.models import AccountNumber

    text = (raw or "").strip().lower()
    if not text:
        return AccountNumber.Kind.CONTRACT
    for value, label in AccountNumber.Kind.choices:
        if text in (value, str(label).lower()):
            return value
    return None


def _number_problem(number: str) -> str | None:
    if not number:
        return _("The number is empty.")
    if len(number) > NUMBER_MAX_LENGTH:
        return _("The number is longer than %(max)s characters.") % {"max": NUMBER_MAX_LENGTH}
    if any(ch.isspace() for ch in number):
        return _("The number must not contain spaces.")
    return None


@transaction.atomic
def attach_account_number(*, contact: str, number: str, kind: str) -> Any:
    """Attaches a contract or personal-account number to the customer with this e-mail or phone.
    ValidationError by field for an unknown customer, a bad number or one taken by someone else."""
    from cabinet.accounts.models import AccountNumber

    number = (number or "").strip()
    errors: dict[str, list[str]] = {}
    customer = find_customer(contact)
    if customer is None:
        errors["contact"] = [_("No customer has this e-mail or phone.")]
    problem = _number_problem(number)
    if problem:
        errors["number"] = [problem]
    kind_value = _kind_value(kind)
    if kind_value is None:
        errors["kind"] = [_("Choose contract or personal account.")]
    if not errors:
        holder = AccountNumber.objects.select_related("user").filter(number__iexact=number).first()
        if holder is not None and customer is not None and holder.user_id != customer.pk:
            errors["number"] = [_("This number already belongs to another customer (%(name)s).")
                                % {"name": holder.user.display_name}]
        elif holder is not None:
            errors["number"] = [_("This customer already has this number.")]
    if errors or kind_value is None or customer is None:
        raise ValidationError(errors)
    return AccountNumber.objects.create(user=customer, number=number, kind=kind_value)


def remove_account_number(number_id: int) -> None:
    from cabinet.accounts.models import AccountNumber

    deleted, _rows = AccountNumber.objects.filter(pk=number_id).delete()
    if not deleted:
        raise ValidationError(_("This number was already removed."))


# --- Customer groups ---------------------------------------------------------------------------------------

def _group_name(name: Any, exclude_pk: int | None = None) -> str:
    from cabinet.accounts.models import CustomerGroup

    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": [_("Name the group.")]})
    if len(name) > 60:
        raise ValidationError({"name": [_("Keep the name under 60 characters.")]})
    same_name = CustomerGroup.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        same_name = same_name.exclude(pk=exclude_pk)
    if same_name.exists():
        raise ValidationError({"name": [_("Another group already has this name.")]})
    return name


def create_customer_group(name: Any) -> Any:
    from cabinet.accounts.models import CustomerGroup

    name = _group_name(name)
    try:
        with transaction.atomic():
            key = unique_slug(name, CustomerGroup.objects.all(), field="key", max_length=70, fallback="group")
            return CustomerGroup.objects.create(name=name, key=key)
    except IntegrityError:  # created by someone else a moment ago
        raise ValidationError({"name": [_("Another group already has this name.")]}) from None


def rename_customer_group(group: Any, name: Any) -> Any:
    group.name = _group_name(name, exclude_pk=group.pk)
    group.save(update_fields=["name"])
    return group


def delete_customer_group(group: Any) -> None:
    """Deletes the group and its memberships; rules that named it simply stop applying to anyone."""
    group.delete()


def add_to_customer_group(group: Any, identifier: Any) -> Any:
    """Adds the customer with this e-mail, phone or contract number; returns the customer."""
    customer = find_customer(str(identifier or "").strip()[:200])
    if customer is None:
        raise ValidationError({"customer": [_("No customer has this e-mail, phone or number.")]})
    if group.members.filter(pk=customer.pk).exists():
        raise ValidationError({"customer": [_("%(name)s is already in this group.") % {
            "name": customer.display_name}]})
    group.members.add(customer)
    return customer


def remove_from_customer_group(group: Any, customer_id: Any) -> None:
    try:
        customer_id = int(customer_id)
    except (TypeError, ValueError):
        customer_id = 0
    if not group.members.filter(pk=customer_id).exists():
        raise ValidationError(_("This customer is not in the group."))
    group.members.remove(customer_id)


@dataclass
class ImportReport(csv_io.CsvReport):
    """What an import of numbers found and did."""

    attached: int = 0
    unchanged: int = 0  # the customer already had that number


_COLUMN_NAMES = {"email": "email", "e-mail": "email", "mail": "email", "phone": "phone", "telephone": "phone",
                 "number": "number", "kind": "kind", "type": "kind"}


def import_account_numbers(file: Any, *, apply_valid_rows: bool = False) -> ImportReport:
    """Attaches numbers to customers from a CSV file (columns: email or phone, number, kind optional).
    Every row is checked first. A file with any bad row changes nothing unless `apply_valid_rows` is
    given; then the good rows are attached and the bad ones reported. A row whose customer already has
    the number counts as unchanged."""
    from cabinet.accounts.models import AccountNumber

    report = ImportReport()
    rows = csv_io.read_rows(file, report, columns=_COLUMN_NAMES, required=["number"],
                            required_any=[("email", "phone")])
    if rows is None:
        return report
    report.rows = len(rows)
    numbers_in_file = {row.get("number", "").lower() for _line, row in rows if row.get("number")}
    holders = {n.number.lower(): n.user_id for n in AccountNumber.objects.annotate(
        lower_number=Lower("number")).filter(lower_number__in=numbers_in_file)}
    customers = _customers_by_contact([r.get("email") or r.get("phone") or "" for _line, r in rows])
    first_row_of: dict[str, int] = {}
    to_attach: list[tuple[Any, str, str]] = []
    for line, row in rows:
        contact = row.get("email") or row.get("phone") or ""
        number = row.get("number", "")
        value = f"{contact} → {number}" if contact or number else ""
        kind = _kind_value(row.get("kind", ""))
        customer = customers.get(_contact_key(contact)) if contact else None
        number_problem = _number_problem(number)
        problems = [
            _("No e-mail or phone in this row.") if not contact else None,
            _("No customer has this e-mail or phone.") if contact and customer is None else None,
            number_problem,
            _("Unknown kind “%(kind)s”: use “contract” or “account”.") % {"kind": row.get("kind", "")}
            if kind is None else None,
        ]
        if not number_problem and number.lower() in first_row_of:
            problems.append(_("The number is already in row %(row)s of this file.") % {
                "row": first_row_of[number.lower()]})
        elif not number_problem and customer is not None and holders.get(number.lower()) not in (None, customer.pk):
            problems.append(_("The number already belongs to another customer."))
        if not report.check_row(line, value, problems):
            continue
        assert customer is not None and kind is not None  # check_row found no problem
        first_row_of.setdefault(number.lower(), line)  # a later row with the same number is the duplicate
        if holders.get(number.lower()) == customer.pk:
            report.unchanged += 1
        else:
            to_attach.append((customer, number, kind))
    if report.row_errors and not apply_valid_rows:
        return report
    with transaction.atomic():
        AccountNumber.objects.bulk_create([AccountNumber(user=c, number=n, kind=k) for c, n, k in to_attach])
    report.attached = len(to_attach)
    report.applied = True
    return report


def _contact_key(contact: str) -> str:
    contact = (contact or "").strip()
    return canonical_identifier(contact)


def _customers_by_contact(contacts: list[str]) -> dict[str, Any]:
    User = _user_model()
    keys = {_contact_key(c) for c in contacts if c and c.strip()}
    emails = [k for k in keys if "@" in k]
    phones = [k for k in keys if "@" not in k]
    found: dict[str, Any] = {}
    people = (User.objects.filter(role=User.Role.CUSTOMER).annotate(lower_email=Lower("email"))
              .filter(Q(lower_email__in=emails) | Q(phone__in=phones)))
    for person in people:
        if person.email and person.email.lower() in keys:
            found[person.email.lower()] = person
        if person.phone and person.phone in keys:
            found[person.phone] = person
    return found


# --- Idempotency ---------------------------------------------------------------------------------------------
# The stored answers behind `cabinet.idempotency.idempotent`: claimed per customer and key, kept for a day.

IDEMPOTENCY_RETENTION = timedelta(hours=24)


def start_idempotent_request(user: Any, key: str, fingerprint: str) -> tuple[IdempotencyRecord, bool]:
    """Claims `key` of `user` for this request. Returns (record, True) when this request is the first with the
    key; otherwise (the earlier record, False). A parallel first request holding the key makes this one wait
    on the unique index until it commits or rolls back."""
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(user=user, key=key, fingerprint=fingerprint), True
    except IntegrityError:
        return IdempotencyRecord.objects.get(user=user, key=key), False


def finish_idempotent_request(record: IdempotencyRecord, status: int, body: Any) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).update(response_status=status, response_body=body)


def release_idempotent_request(record: IdempotencyRecord) -> None:
    """Frees the key when the request wrote nothing (an error), so the client may retry with it."""
    IdempotencyRecord.objects.filter(pk=record.pk, response_status__isnull=True).delete()


def delete_old_idempotency_records() -> int:
    deleted, _by_model = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - IDEMPOTENCY_RETENTION).delete()
    return deleted
