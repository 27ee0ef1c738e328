"""Birthdays: the hourly task announces each customer's birthday once a year, on the day in the business's time
zone (29 February on the 28th in a common year), to customers only and in their own business; bonus points
follow through the loyalty module's birthday rule; the migration adds the columns without rewriting the table."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import tenant_context

from cabinet import events
from cabinet.accounts import services
from cabinet.accounts.tasks import announce_birthdays
from cabinet.modules.loyalty.models import EarningRule, Lot, RuleKind
from cabinet.portal.models import Branding
from cabinet.portal.services import set_module_enabled, update_module_settings
from tenants.services import clone_template, drop_schema

from .conftest import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """The birthdays announced, as (customer's e-mail, year)."""
    got: list[tuple[str, int]] = []

    def listen(sender, customer, event, details, **kwargs):
        if event == events.BIRTHDAY:
            got.append((customer.email, details["year"]))

    events.customer_event.connect(listen)
    yield got
    events.customer_event.disconnect(listen)


def zone(tenant, name):
    with tenant_context(tenant):
        Branding.objects.update(time_zone=name)


def run(tenant, capture):
    with tenant_context(tenant), capture(execute=True):
        return announce_birthdays()


def test_a_birthday_is_announced_once_a_year_on_the_day_in_the_business_time_zone(alpha, heard,
                                                                                 django_capture_on_commit_callbacks):
    zone(alpha, "Asia/Tokyo")
    make_customer(alpha, email="ann@alpha.test", birth_date=datetime.date(1990, 6, 15))
    make_customer(alpha, email="bob@alpha.test", birth_date=datetime.date(1985, 6, 16))
    make_customer(alpha, email="nobody@alpha.test")
    make_customer(alpha, email="gone@alpha.test", birth_date=datetime.date(1990, 6, 15), is_active=False)
    make_customer(alpha, email="staff@alpha.test", birth_date=datetime.date(1990, 6, 15), role="manager")
    # 14 June 16:00 UTC is already 15 June 01:00 in Tokyo: Ann's birthday there, not yet in London
    with time_machine.travel("2026-06-14T16:00Z", tick=False):
        assert run(alpha, django_capture_on_commit_callbacks) == 1
        assert run(alpha, django_capture_on_commit_callbacks) == 0  # the next hour's run greets nobody twice
    with time_machine.travel("2026-06-15T20:00Z", tick=False):  # 16 June in Tokyo: Bob's
        assert run(alpha, django_capture_on_commit_callbacks) == 1
    with time_machine.travel("2027-06-15T00:00Z", tick=False):  # a year later Ann again
        assert run(alpha, django_capture_on_commit_callbacks) == 1
    assert heard == [("ann@alpha.test", 2026), ("bob@alpha.test", 2026), ("ann@alpha.test", 2027)]


def test_the_29th_of_february_is_celebrated_on_the_28th_in_a_common_year(alpha, heard,
                                                                       django_capture_on_commit_callbacks):
    make_customer(alpha, email="leap@alpha.test", birth_date=datetime.date(2000, 2, 29))
    with time_machine.travel("2027-02-28T12:00Z", tick=False):
        assert run(alpha, django_capture_on_commit_callbacks) == 1
    with time_machine.travel("2028-02-28T12:00Z", tick=False):  # a leap year: the 29th itself
        assert run(alpha, django_capture_on_commit_callbacks) == 0
    with time_machine.travel("2028-02-29T12:00Z", tick=False):
        assert run(alpha, django_capture_on_commit_callbacks) == 1
    assert heard == [("leap@alpha.test", 2027), ("leap@alpha.test", 2028)]


def test_each_business_greets_only_its_own_customers(alpha, beta, heard, django_capture_on_commit_callbacks):
    make_customer(alpha, email="ann@alpha.test", birth_date=datetime.date(1990, 6, 15))
    make_customer(beta, email="ann@bravo.test", birth_date=datetime.date(1991, 6, 15))
    with time_machine.travel("2026-06-15T12:00Z", tick=False):
        assert run(alpha, django_capture_on_commit_callbacks) == 1
    assert heard == [("ann@alpha.test", 2026)]
    with tenant_context(beta):
        assert get_user_model().objects.get(email="ann@bravo.test").birthday_announced_year is None


def test_the_birthday_rule_gives_its_points_once(alpha, django_capture_on_commit_callbacks):
    with tenant_context(alpha):
        for key in ("catalog", "orders", "loyalty"):
            set_module_enabled(key, True)
        update_module_settings("loyalty", {"point_value": 100, "max_share": 30, "return_days": 14,
                                           "expiry_months": 0, "reminder_days": 14})
        EarningRule.objects.create(kind=RuleKind.BIRTHDAY, points=300)
    ann = make_customer(alpha, email="ann@alpha.test", birth_date=datetime.date(1990, 6, 15))
    with time_machine.travel("2026-06-15T09:00Z", tick=False):
        for _hour in range(3):
            run(alpha, django_capture_on_commit_callbacks)
    with tenant_context(alpha):
        lots = list(Lot.objects.filter(source=RuleKind.BIRTHDAY).values_list("customer_id", "points"))
    assert lots == [(ann.pk, 300)]


def test_a_future_or_ancient_date_of_birth_is_refused_by_the_service(alpha):
    ann = make_customer(alpha, email="ann@alpha.test")
    with tenant_context(alpha):
        for wrong in (datetime.date(2999, 1, 1), datetime.date(1800, 1, 1)):
            with pytest.raises(ValidationError, match="birth"):
                services.update_profile(ann, full_name="Ann", phone=None, language="", birth_date=wrong)
        ann.refresh_from_db()
        assert ann.birth_date is None


def test_the_migration_keeps_customers_and_rewrites_nothing():
    schema = "t_birthday_migration"
    clone_template(schema)
    connection.set_schema(schema)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([("accounts", "0008_sms_reset_codes")])
        old = executor.loader.project_state([("accounts", "0008_sms_reset_codes")]).apps.get_model("accounts", "User")
        old.objects.create(email="old@migration.test", full_name="Old Customer", password="!")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_filenode('accounts_user')")
            before = cursor.fetchone()[0]
        MigrationExecutor(connection).migrate([("accounts", "0009_user_birth_date")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_filenode('accounts_user'), full_name, birth_date, "
                           "birthday_announced_year FROM accounts_user WHERE email = 'old@migration.test'")
            after, name, birth_date, announced = cursor.fetchone()
        assert (after, name, birth_date, announced) == (before, "Old Customer", None, None)
    finally:
        connection.set_schema_to_public()
        drop_schema(schema)
