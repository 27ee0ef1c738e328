"""Schemas: clone, spare pool, stale spares, a missing template, login tokens, schema-name safety."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context
from hypothesis import given
from hypothesis import strategies as st

from cabinet.accounts.models import LoginToken
from cabinet.accounts.services import issue_login_token, redeem_login_token
from conftest import host_client
from tenants import services
from tenants.models import SpareSchema, Tenant


def make(slug, **kwargs):
    return services.create_tenant(slug=slug, name=slug.title(), vertical="resort",
                                  owner_email=f"o@{slug}.example", owner_password="Solid-Pass-2026", **kwargs)


def test_fast_path_renames_a_spare_schema(db):
    spare = SpareSchema.objects.first()
    assert spare is not None, "setup_platform keeps spares ready"
    created = make("from-spare")
    assert created.fast_path
    assert not schema_exists(spare.schema_name) and schema_exists("t_from_spare")
    assert not SpareSchema.objects.filter(pk=spare.pk).exists()


def test_clone_when_no_spare_is_ready(db):
    SpareSchema.objects.all().delete()  # rows only; the rollback restores them
    created = make("from-clone")
    assert not created.fast_path and schema_exists("t_from_clone")


def test_stale_spare_is_never_handed_out(db):
    SpareSchema.objects.update(migration_fingerprint="made-before-a-migration")
    created = make("not-stale")
    assert not created.fast_path
    assert SpareSchema.objects.count() >= 1  # stale ones are left for the refill to drop


def test_refill_drops_stale_spares_and_tops_up(db):
    stale = list(SpareSchema.objects.values_list("schema_name", flat=True))
    SpareSchema.objects.update(migration_fingerprint="old")
    made = services.refill_spare_schemas(target=1)
    assert made == 1
    assert not any(schema_exists(name) for name in stale)
    assert SpareSchema.objects.get().migration_fingerprint == services.template_fingerprint()


def test_cloned_schema_has_all_tables_and_no_template_users(db):
    created = make("tables")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", ["t_tables"])
        tables = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
                       [settings.TENANT_BASE_SCHEMA])
        assert tables == cursor.fetchone()[0] > 10
    with tenant_context(created.tenant):
        assert list(get_user_model().objects.values_list("email", flat=True)) == ["o@tables.example"]


def test_missing_template_fails_loudly_and_creates_nothing(db):
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SCHEMA {settings.TENANT_BASE_SCHEMA} RENAME TO template_away")
    before = Tenant.objects.count()
    with pytest.raises(services.ProvisioningError, match="setup_platform"):
        make("no-template", use_spare=False)
    assert Tenant.objects.count() == before
    assert not schema_exists("t_no_template")


def test_service_refuses_bad_input_without_side_effects(db):
    before = Tenant.objects.count()
    with pytest.raises(ValidationError) as info:
        services.create_tenant(slug="www", name="", vertical="x", owner_email="bad", owner_password="1")
    assert set(info.value.message_dict) == {"slug", "name", "vertical", "owner_email", "password"}
    assert Tenant.objects.count() == before


def well_formed(slug: str) -> bool:
    return services.SLUG_MIN <= len(slug) <= services.SLUG_MAX and bool(services.SLUG_PATTERN.fullmatch(slug))


@given(st.one_of(st.text(max_size=40), st.from_regex(services.SLUG_PATTERN, fullmatch=True)))
def test_schema_names_are_safe_and_never_collide(slug):
    if not well_formed(slug):
        return
    schema = services.schema_name_for(slug)
    # Only [a-z0-9_] reaches SQL, and the mapping is reversible, so two slugs never share a schema.
    assert re.fullmatch(r"t_[a-z][a-z0-9_]{2,29}", schema)
    assert schema[2:].replace("_", "-") == slug


@pytest.mark.parametrize("slug", ['a"; drop schema public cascade; --', "a b", "ab\x00", "a'b", "таблица"])
def test_hostile_slugs_never_reach_sql(db, slug):
    with pytest.raises(ValidationError):
        services.validate_slug(slug)


def test_login_token_is_single_use_and_expires(alpha):
    with tenant_context(alpha):
        owner = get_user_model().objects.get(email="owner@alpha.test")
        raw = issue_login_token(owner)
        assert LoginToken.objects.get().token_hash != raw  # only the hash is stored
        assert redeem_login_token(raw) == owner
        assert redeem_login_token(raw) is None
        old = issue_login_token(owner, lifetime=timedelta(seconds=-1))
        assert redeem_login_token(old) is None
        assert redeem_login_token("forged") is None


def test_token_of_one_tenant_does_not_work_on_another(alpha, beta):
    with tenant_context(alpha):
        raw = issue_login_token(get_user_model().objects.get(email="owner@alpha.test"))
    response = host_client("bravo.localhost").get(f"/manage/enter/{raw}/")
    assert response["Location"] == "/manage/login/"


def test_concurrent_clones_take_turns_instead_of_failing(django_db_setup, django_db_blocker):
    """A signup that clones keeps its transaction open afterwards (owner, password hash) while a second
    clone starts on another connection, as a refill task or another signup would. Without the lock the
    second failed on django-tenants' helper type when neither had been created yet (a fresh database)."""
    import threading
    import time

    from django.db import connections, transaction

    names = ["t_overlap_first", "t_overlap_second"]
    failures = []

    def clone(name, start_after, hold):
        time.sleep(start_after)
        try:
            with transaction.atomic():
                services.clone_template(name)
                time.sleep(hold)
        except Exception as exc:  # noqa: BLE001 - the assertion below reports it
            failures.append(f"{name}: {exc!r}")
        finally:
            connections.close_all()

    with django_db_blocker.unblock():
        with connection.cursor() as cursor:  # back to a database that has never cloned
            cursor.execute("DROP TYPE IF EXISTS public.cloneparms CASCADE")
        threads = [threading.Thread(target=clone, args=(names[0], 0, 1.5)),
                   threading.Thread(target=clone, args=(names[1], 0.3, 0))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        try:
            assert failures == []
            assert all(schema_exists(name) for name in names)
        finally:
            for name in names:
                services.drop_schema(name)
