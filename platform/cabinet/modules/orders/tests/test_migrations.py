"""The migration that brings kinds, order numbers, tracking and discount facts, run on a schema holding orders
made before it: every order keeps its number, old explanations still show, the sequence goes on above the
existing numbers, and it rewrites no rows (the new columns come with constant defaults)."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from tenants.services import clone_template, drop_schema

pytestmark = pytest.mark.django_db
SCHEMA = "t_migration_check"
BEFORE = [("orders", "0002_invoices_recurring_channel"), ("catalog", "0001_initial")]
AFTER = [("orders", "0003_kinds_numbers_tracking_discount_facts"), ("catalog", "0002_product_kind")]


def migrate(targets):
    with connection.cursor() as cursor:
        # Rows written in this test's transaction leave deferred foreign-key checks pending, and PostgreSQL
        # refuses ALTER TABLE on such a table until they have run.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def old_schema():
    """A fresh tenant schema (a clone of the template), moved back to before the migration."""
    clone_template(SCHEMA)
    connection.set_schema(SCHEMA)
    try:
        yield migrate(BEFORE)
    finally:
        connection.set_schema_to_public()
        drop_schema(SCHEMA)


def fill(apps):
    """Two orders as the old code wrote them: ids 7 and 12, English explanations, one pickup."""
    from django.contrib.auth import get_user_model

    # accounts is not moved back: its table is today's
    User = get_user_model()
    Product = apps.get_model("catalog", "Product")
    Warehouse = apps.get_model("catalog", "Warehouse")
    Order = apps.get_model("orders", "Order")
    OrderLine = apps.get_model("orders", "OrderLine")
    customer = User.objects.create_user("old@migration.test", "Old-Pass-4242")
    product = Product.objects.create(name="Sencha", slug="sencha", price="10.00", currency="EUR")
    point = Warehouse.objects.create(name="Podil", is_pickup_point=True)
    first = Order.objects.create(id=7, customer_id=customer.pk, currency="EUR", subtotal="50.00", discount="5.00",
                                 total="45.00", recipient_name="Ann", phone="1", address="Kyiv",
                                 status="shipped", cart_discount_explanation="")
    OrderLine.objects.create(order=first, product=product, name="Sencha", quantity=5, unit_price="10.00",
                             discount="5.00", total="45.00", explanation="−10 %: 5 or more of this item (−€5.00)")
    second = Order.objects.create(id=12, customer_id=customer.pk, currency="EUR", subtotal="10.00", total="10.00",
                                  recipient_name="Ann", phone="1", delivery_method="pickup", pickup_warehouse=point,
                                  status="packed", cart_discount_explanation="−3 %: your first order (−€0.30)")
    OrderLine.objects.create(order=second, product=product, name="Sencha", quantity=1, unit_price="10.00",
                             total="10.00")
    return customer, product


def test_existing_orders_keep_their_numbers_texts_and_flow(old_schema):
    fill(old_schema)
    apps = migrate(AFTER)
    Order, Product, OrderCounter = (apps.get_model("orders", "Order"), apps.get_model("catalog", "Product"),
                                    apps.get_model("orders", "OrderCounter"))
    assert list(Order.objects.order_by("id").values_list("id", "sequence_number", "flow", "status")) == [
        (7, None, "delivery", "shipped"), (12, None, "delivery", "packed")]
    assert OrderCounter.objects.get(pk=1).last_number == 12
    assert list(Product.objects.values_list("kind", flat=True)) == ["goods"]

    # With today's code: numbers are the ids; explanations are the texts they were placed with.
    from cabinet.modules.orders.models import Order as CurrentOrder

    with translation.override("uk"):
        old = CurrentOrder.objects.get(pk=7)
        assert old.number == 7 and old.lines.get().explanations == ["−10 %: 5 or more of this item (−€5.00)"]
        assert CurrentOrder.objects.get(pk=12).explanations == ["−3 %: your first order (−€0.30)"]
    # a legacy pickup order keeps the steps it was on (packed → shipped → delivered)
    assert CurrentOrder.objects.get(pk=12).next_statuses == ("shipped",)


def test_new_orders_continue_above_the_existing_numbers(old_schema):
    customer, product = fill(old_schema)
    migrate(AFTER)
    # The code below is today's: the schema goes on to every later migration first.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    from cabinet.modules.catalog import services as catalog_services
    from cabinet.modules.catalog.models import Product as CurrentProduct
    from cabinet.modules.catalog.models import Warehouse
    from cabinet.modules.orders import services
    from cabinet.portal.services import initialise_portal, set_module_enabled

    initialise_portal(portal_name="Old shop", vertical_key="wholesale")  # the schema has no tenant row
    set_module_enabled("catalog", True)
    set_module_enabled("orders", True)
    sencha = CurrentProduct.objects.get(pk=product.pk)
    catalog_services.set_stock(sencha, Warehouse.objects.get(name="Podil"), 5)
    from django.contrib.auth import get_user_model

    buyer = get_user_model().objects.get(pk=customer.pk)
    order = services.place_order(buyer, services.lines_from_items([(sencha.pk, 1)]), {
        "recipient_name": "Ann", "phone": "1", "delivery_method": "delivery", "address": "Kyiv"})
    assert order.number == 13 and order.pk != 7 and order.pk != 12


def test_a_new_business_starts_at_one_and_the_migration_goes_back(old_schema):
    migrate(AFTER)
    from cabinet.modules.orders.models import OrderCounter

    assert not OrderCounter.objects.exists()  # no orders: the first one will be #1
    migrate(BEFORE)  # and back, leaving the old tables as they were
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
                       "AND table_name = 'orders_order'", [SCHEMA])
        columns = {row[0] for row in cursor.fetchall()}
    assert "sequence_number" not in columns and "cart_discount_explanation" in columns


@pytest.mark.parametrize(("app", "name"), AFTER)
def test_the_migrations_rewrite_no_rows(alpha, app, name):
    """Adding a column with a constant default (or none) is a catalogue change in PostgreSQL 11+, so the SQL
    holds no UPDATE; the only data step is one aggregate over the primary key and the counter's one row."""
    import io

    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    out = io.StringIO()
    with tenant_context(alpha):
        call_command("sqlmigrate", app, name, stdout=out)
    sql = out.getvalue()
    assert "UPDATE" not in sql.upper().replace("ON UPDATE", "")
    for statement in re.findall(r"ADD COLUMN [^;]+", sql):
        assert "DEFAULT" in statement or " NULL" in statement.replace("NOT NULL", ""), statement
