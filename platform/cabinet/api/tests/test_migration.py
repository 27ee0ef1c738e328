"""Moving IdempotencyRecord from the portal to the API core, run on a cloned schema holding records: every row
stays (same ids, answers and key constraint), and nothing is copied (the table is renamed)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tenants.services import clone_template, drop_schema

pytestmark = pytest.mark.django_db
SCHEMA = "t_idempotency_move"
BEFORE = [("api", None), ("portal", "0004_branding_country")]
AFTER = [("api", "0001_initial"), ("portal", "0005_idempotency_record_to_api")]


def migrate(targets):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # rows of this transaction must not block ALTER TABLE
    MigrationExecutor(connection).migrate(targets)
    known = [target for target in targets if target[1] is not None]  # ("api", None): before its first one
    return MigrationExecutor(connection).loader.project_state(known).apps


def tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE %s",
                       [SCHEMA, "%idempotencyrecord"])
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def old_schema():
    clone_template(SCHEMA)
    connection.set_schema(SCHEMA)
    try:
        yield migrate(BEFORE)
    finally:
        connection.set_schema_to_public()
        drop_schema(SCHEMA)


def test_records_move_with_their_table(old_schema):
    from django.contrib.auth import get_user_model

    assert tables() == {"portal_idempotencyrecord"}
    customer = get_user_model().objects.create_user("old@migration.test", "Old-Pass-4242")
    Old = old_schema.get_model("portal", "IdempotencyRecord")
    kept = Old.objects.create(user_id=customer.pk, key="k-1", fingerprint="f" * 64, response_status=201,
                              response_body={"id": 7})
    second = Old.objects.create(user_id=customer.pk, key="k-2", fingerprint="e" * 64)

    apps = migrate(AFTER)
    assert tables() == {"api_idempotencyrecord"}
    New = apps.get_model("api", "IdempotencyRecord")
    assert list(New.objects.order_by("id").values_list("id", "key", "response_status", "response_body")) == [
        (kept.pk, "k-1", 201, {"id": 7}), (second.pk, "k-2", None, None)]

    # today's code reads them, and the key is still claimed once per customer
    from cabinet.api import services
    from cabinet.api.models import IdempotencyRecord

    record, first = services.start_idempotent_request(customer, "k-1", "f" * 64)
    assert (record.pk, first) == (kept.pk, False)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyRecord.objects.create(user=customer, key="k-2", fingerprint="x")
    fresh = IdempotencyRecord.objects.create(user=customer, key="k-3", fingerprint="x")
    assert fresh.pk > second.pk  # the id sequence went along with the table
