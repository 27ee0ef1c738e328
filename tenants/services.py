"""Creating, provisioning and switching tenants. See docs/provisioning.md for why schemas are cloned."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context, schema_exists, tenant_context

import verticals
from cabinet.tenancy import (  # noqa: F401  (the platform's callers keep their names)
    base_url,
    current_schema,
    domain_for,
    platform_url,
    port_of,
    queue_in_every_business,
    site_url,
    tenant_url,
)

from .models import Domain, SpareSchema, Tenant, TenantStatusChange

logger = logging.getLogger(__name__)

SLUG_MIN, SLUG_MAX = 3, 30
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# Sub-domains the platform keeps for itself or that would confuse customers.
RESERVED_SLUGS = frozenset({
    "www", "api", "admin", "console", "static", "media", "app", "apps", "mail", "smtp", "imap", "pop",
    "ftp", "ns", "ns1", "ns2", "dns", "mx", "cdn", "assets", "files", "help", "support", "status", "docs",
    "blog", "dev", "staging", "test", "demo", "beta", "dashboard", "manage", "portal", "signup", "login",
    "logout", "auth", "account", "accounts", "billing", "pay", "payments", "webhooks", "ws", "socket",
    "public", "template", "root", "system", "kabinet", "platform", "healthz", "metrics", "internal",
    "localhost", "info", "about", "security", "abuse", "postmaster", "hostmaster", "webmaster",
})
SCHEMA_PREFIX = "t_"
OPERATOR_LINK_LIFETIME = timedelta(hours=72)
SPARE_PREFIX = "spare_"


OWNER_EMAIL_TAKEN = gettext_lazy("This e-mail already owns a business on the platform. "
                                 "Sign in to it, or use another address.")


class ProvisioningError(RuntimeError):
    """The platform cannot make schemas (e.g. the template schema was never migrated)."""


def use_public_schema() -> None:
    connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants' backend method


def validate_slug(slug: str) -> None:
    if not SLUG_MIN <= len(slug) <= SLUG_MAX:
        raise ValidationError(
            _("Use %(min)d to %(max)d characters.") % {"min": SLUG_MIN, "max": SLUG_MAX}, code="length")
    if not SLUG_PATTERN.fullmatch(slug):
        raise ValidationError(
            _("Use lowercase Latin letters, digits and single hyphens; start with a letter, "
              "do not end with a hyphen."), code="invalid")
    if slug in RESERVED_SLUGS or slug.startswith("xn-"):
        raise ValidationError(_("“%(slug)s” is reserved. Please choose another address.") % {"slug": slug},
                              code="reserved")
    if Tenant.objects.filter(slug=slug).exists() or schema_exists(schema_name_for(slug)):
        raise ValidationError(_("“%(slug)s” is already taken.") % {"slug": slug}, code="taken")


def schema_name_for(slug: str) -> str:
    # Slugs have no underscores, so replacing hyphens cannot make two slugs share a schema.
    return SCHEMA_PREFIX + slug.replace("-", "_")


def owner_email_taken(email: str) -> bool:
    return Tenant.objects.filter(kind=Tenant.Kind.BUSINESS, owner_email__iexact=email).exists()


# --- schemas ---------------------------------------------------------------------------------------

def ensure_platform_tenant() -> Tenant:
    """The public schema's tenant row and the platform's own domain."""
    tenant, _created = Tenant.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME,
        defaults={"slug": "platform", "name": "Kabinet", "kind": Tenant.Kind.PLATFORM},
    )
    Domain.objects.get_or_create(domain=settings.PLATFORM_DOMAIN, defaults={"tenant": tenant, "is_primary": True})
    return tenant


def ensure_template() -> Tenant:
    """The template schema that new tenants are cloned from. It is a tenant row, so every
    `migrate_schemas` keeps it current; it has no domain and holds no users or secrets."""
    template = Tenant.objects.filter(schema_name=settings.TENANT_BASE_SCHEMA).first()
    if template is None:
        template = Tenant.objects.create(
            schema_name=settings.TENANT_BASE_SCHEMA, slug="tenant-template", name="Template",
            kind=Tenant.Kind.TEMPLATE,
        )
    if not schema_exists(template.schema_name):
        # No template to clone from yet: this is the one schema ever made by running migrations.
        template.create_schema(check_if_exists=True, verbosity=0)
    return template


def template_fingerprint() -> str:
    """A digest of the migrations applied in the template schema."""
    if not schema_exists(settings.TENANT_BASE_SCHEMA):
        raise ProvisioningError(
            f"The template schema “{settings.TENANT_BASE_SCHEMA}” does not exist; "
            "run `python manage.py setup_platform` before creating tenants.")
    return _migrations_digest(settings.TENANT_BASE_SCHEMA)


def _migrations_digest(schema_name: str) -> str:
    with connection.cursor() as cursor:
        table = f"{connection.ops.quote_name(schema_name)}.django_migrations"
        # A quoted identifier is the only thing formatted into this query.
        query = f"SELECT md5(coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name), '')) FROM {table}"  # noqa: S608
        cursor.execute(query)
        return cursor.fetchone()[0]


# Any constant works; it only has to be the same for every process of the platform.
CLONE_LOCK_KEY = 0x4B61_6269  # "Kabi"


def clone_template(schema_name: str) -> None:
    """Copies the template schema. Must run inside a transaction (create_tenant and make_spare_schema are)."""
    template_fingerprint()  # fails loudly when the template is missing; never falls back to migrations
    with connection.cursor() as cursor:
        # django-tenants re-creates its clone helpers in `public` on every call, and two clones at once
        # collide on them (measured: duplicate key in pg_type); clones therefore take turns.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLONE_LOCK_KEY])
    CloneSchema().clone_schema(settings.TENANT_BASE_SCHEMA, schema_name, "DATA")


def claim_spare_schema(schema_name: str) -> bool:
    """Renames a ready spare schema to `schema_name`. False when none is ready (the caller clones)."""
    fingerprint = template_fingerprint()
    spare = (SpareSchema.objects.select_for_update(skip_locked=True)
             .filter(migration_fingerprint=fingerprint).order_by("created_at").first())
    if spare is None:
        return False
    with connection.cursor() as cursor:
        quote = connection.ops.quote_name
        cursor.execute(f"ALTER SCHEMA {quote(spare.schema_name)} RENAME TO {quote(schema_name)}")
    spare.delete()
    return True


def make_spare_schema() -> SpareSchema:
    name = SPARE_PREFIX + secrets.token_hex(8)
    with transaction.atomic():
        fingerprint = template_fingerprint()
        clone_template(name)
        return SpareSchema.objects.create(schema_name=name, migration_fingerprint=fingerprint)


def drop_schema(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(schema_name)} CASCADE")


def refill_spare_schemas(target: int | None = None,
                         progress: Callable[[int, int], None] | None = None) -> int:
    """Drops spares made before the template's last migration and tops the pool up to `target`.
    Returns how many were made; `progress(made, wanted)` is called after each one (setup_platform's counter)."""
    target = settings.TENANT_SPARE_SCHEMAS if target is None else target
    use_public_schema()
    fingerprint = template_fingerprint()
    for stale in SpareSchema.objects.exclude(migration_fingerprint=fingerprint):
        with transaction.atomic():
            drop_schema(stale.schema_name)
            stale.delete()
    made, wanted = 0, max(target - SpareSchema.objects.count(), 0)
    while SpareSchema.objects.count() < target:
        make_spare_schema()
        made += 1
        if progress is not None:
            progress(made, max(wanted, made))
        # Clones get slower on a long-lived connection (measured: 0.5 s → 5 s by the 30th); start afresh
        # unless a caller's transaction is still open on it.
        if not connection.in_atomic_block:
            connection.close()
    return made


# --- tenants ---------------------------------------------------------------------------------------

@dataclass
class NewTenant:
    tenant: Tenant
    owner: object
    fast_path: bool


OWNER_NAME_MAX = 150


def validate_new_tenant(*, slug: str, name: str, vertical: str, owner_email: str,
                        owner_password: str | None, owner_name: str = "",
                        owner_language: str = "") -> dict[str, list[str]]:
    """All problems with a signup, by field; empty when it can go ahead."""
    errors: dict[str, list[str]] = {}

    def check(field, func):
        try:
            func()
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)

    check("slug", lambda: validate_slug(slug))
    if not name.strip():
        errors["name"] = [_("Enter the company name.")]
    elif len(name) > 120:
        errors["name"] = [_("Use at most 120 characters.")]
    if vertical not in verticals.VERTICALS:
        errors["vertical"] = [_("Choose one of the templates.")]
    check("owner_email", lambda: validate_email(owner_email))
    if "owner_email" not in errors and owner_email_taken(owner_email):
        errors["owner_email"] = [str(OWNER_EMAIL_TAKEN)]
    if len(owner_name) > OWNER_NAME_MAX:
        errors["owner_name"] = [_("Use at most %(max)d characters.") % {"max": OWNER_NAME_MAX}]
    if owner_language and owner_language not in dict(settings.LANGUAGES):
        errors["owner_language"] = [_("Choose one of the languages.")]
    if owner_password is not None:
        user = get_user_model()(email=owner_email, full_name=owner_name or name)
        check("password", lambda: validate_password(owner_password, user))
    return errors


@transaction.atomic
def create_tenant(*, slug: str, name: str, vertical: str, owner_email: str, owner_password: str | None = None,
                  owner_name: str = "", owner_language: str = "", is_demo: bool = False,
                  use_spare: bool = True) -> NewTenant:
    """Creates a business: its row, domain and schema (a spare renamed, else a clone of the template),
    its owner (with a name, and the language the manage area opens in when given). All or nothing. Raises
    ValidationError with a dict by field. A demo tenant's content is seeded by the caller once this has
    committed (`verticals.seed_demo_content` inside the tenant's context), so the seeders' after-commit work
    runs in the tenant's schema."""
    slug, owner_email = slug.strip().lower(), owner_email.strip().lower()
    owner_name, owner_language = " ".join(owner_name.split()), owner_language.strip()
    errors = validate_new_tenant(slug=slug, name=name, vertical=vertical, owner_email=owner_email,
                                 owner_password=owner_password, owner_name=owner_name,
                                 owner_language=owner_language)
    if errors:
        raise ValidationError(errors)
    use_public_schema()
    try:
        with transaction.atomic():
            tenant = Tenant.objects.create(
                schema_name=schema_name_for(slug), slug=slug, name=name.strip(), vertical=vertical,
                owner_email=owner_email, is_demo=is_demo, kind=Tenant.Kind.BUSINESS,
            )
            Domain.objects.create(domain=domain_for(slug), tenant=tenant, is_primary=True)
    except IntegrityError as exc:
        # Another signup took the same address or e-mail between validation and insert.
        if owner_email_taken(owner_email):
            raise ValidationError({"owner_email": [str(OWNER_EMAIL_TAKEN)]}) from exc
        raise ValidationError({"slug": [_("“%(slug)s” is already taken.") % {"slug": slug}]}) from exc
    fast_path = use_spare and claim_spare_schema(tenant.schema_name)
    if not fast_path:
        clone_template(tenant.schema_name)
    with tenant_context(tenant):
        owner = get_user_model().objects.create_user(
            owner_email, owner_password, full_name=owner_name, language=owner_language, role="owner",
            is_staff=True)
        from cabinet.portal.services import initialise_portal

        initialise_portal(portal_name=tenant.name, vertical_key=vertical)
    use_public_schema()
    if use_spare:
        from .tasks import refill_spare_schemas as refill_task

        refill_task.delay_on_commit()
    return NewTenant(tenant=tenant, owner=owner, fast_path=fast_path)


def set_status(tenant: Tenant, status: str, *, changed_by: str = "", reason: str = "") -> Tenant:
    """Suspends or resumes a business. Data is never touched, only whether its portal answers."""
    if tenant.kind != Tenant.Kind.BUSINESS:
        raise ValidationError(_("Only businesses can be suspended or resumed."))
    if status not in Tenant.Status.values:
        raise ValidationError(_("Unknown status."))
    reason = " ".join(reason.split())
    if status == Tenant.Status.SUSPENDED and not reason:
        raise ValidationError(_("Give the reason for the suspension."), code="reason")
    if tenant.status == status:
        return tenant
    with transaction.atomic():
        tenant.status = status
        tenant.status_changed_at = timezone.now()
        tenant.save(update_fields=["status", "status_changed_at"])
        TenantStatusChange.objects.create(tenant=tenant, status=status, changed_by=changed_by, reason=reason[:300])
    return tenant


def delete_tenant(tenant: Tenant) -> None:
    """Drops a business and its schema (used by operators and the benchmark; there is no UI for it)."""
    if tenant.kind != Tenant.Kind.BUSINESS:
        raise ValidationError(_("Only businesses can be deleted."))
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        tenant.delete(force_drop=True)


# --- "Find my portal" --------------------------------------------------------------------------------

FIND_PORTAL_PER_EMAIL = 3  # requests per address and per IP address in FIND_PORTAL_WINDOW
FIND_PORTAL_PER_IP = 10
FIND_PORTAL_WINDOW = 3600  # seconds


def _count_attempt(key: str, limit: int) -> bool:
    """Adds one to a counter that lives FIND_PORTAL_WINDOW seconds; False once it is past `limit`."""
    from django.core.cache import cache

    cache.add(key, 0, FIND_PORTAL_WINDOW)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, FIND_PORTAL_WINDOW)
        return True


def allow_portal_lookup(*, email: str, ip: str | None) -> bool:
    """Whether another "find my portal" e-mail may go out for this address from this client. Both counters
    always count, so trying many addresses from one IP, or one address from many IPs, is held back."""
    import hashlib

    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    by_email = _count_attempt(f"find-portal:email:{digest}", FIND_PORTAL_PER_EMAIL)
    by_ip = _count_attempt(f"find-portal:ip:{ip or 'unknown'}", FIND_PORTAL_PER_IP)
    return by_email and by_ip


def send_portal_list(*, email: str, language: str) -> int:
    """E-mails `email` the sign-in addresses of every business where it belongs to staff; sends nothing when
    there is none (the page says the same either way). Returns how many portals were listed."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    from . import selectors

    use_public_schema()
    memberships = selectors.staff_memberships(email)
    if not memberships:
        return 0
    roles = dict(get_user_model().Role.choices)
    with translation.override(language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE):
        portals = [{"name": tenant.name, "role": str(roles.get(role, role)), "suspended": tenant.is_suspended,
                    "url": f"{tenant_url(tenant)}/manage/", "reset_url": f"{tenant_url(tenant)}/password-reset/"}
                   for tenant, role in memberships]
        context = {"portals": portals, "email": email, "platform_url": platform_url()}
        subject = " ".join(render_to_string("tenants/email/portals_subject.txt", context).split())
        body = render_to_string("tenants/email/portals.txt", context)
    send_mail(subject, body, None, [email])
    return len(portals)
