import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from cabinet.modules.catalog import selectors, services
from cabinet.modules.catalog.models import Category, Favourite, Product, Reservation, StockLevel, Warehouse
from cabinet.modules.catalog.tasks import expire_reservations
from cabinet.portal.services import set_module_enabled

from .conftest import make_product, make_warehouse, user


@pytest.mark.django_db
class TestAvailability:
    def test_stock_minus_active_reservations_per_warehouse_and_in_total(self, alpha):
        with tenant_context(alpha):
            central, shop = make_warehouse("Central"), make_warehouse("Shop", is_pickup_point=True)
            tea = make_product(stock={central: 10, shop: 3})
            services.reserve([(tea.pk, 4)], "order:1")
            services.reserve([(tea.pk, 2)], "order:2")
            services.release("order:2")
            assert selectors.available(tea) == 9
            places = {p.warehouse.name: (p.stock, p.reserved, p.available)
                      for p in selectors.availability_by_warehouse(tea)}
            assert places == {"Central": (10, 4, 6), "Shop": (3, 0, 3)}

    def test_closed_warehouse_does_not_count(self, alpha):
        with tenant_context(alpha):
            central, old = make_warehouse("Central"), make_warehouse("Old")
            tea = make_product(stock={central: 2, old: 7})
            services.save_warehouse(old, name="Old", is_active=False)
            assert selectors.available(tea) == 2
            assert [p.warehouse.name for p in selectors.availability_by_warehouse(tea)] == ["Central"]

    def test_list_is_annotated_in_one_query(self, alpha, django_assert_num_queries):
        with tenant_context(alpha):
            central = make_warehouse()
            for n in range(5):
                make_product(f"Tea {n}", stock={central: n})
            services.reserve([(Product.objects.get(name="Tea 4").pk, 1)], "order:9")
            with django_assert_num_queries(1):
                found = {p.name: p.available for p in selectors.search_products(selectors.ProductFilters())}
            assert found == {"Tea 0": 0, "Tea 1": 1, "Tea 2": 2, "Tea 3": 3, "Tea 4": 3}
            in_stock = selectors.search_products(selectors.ProductFilters(in_stock=True))
            assert {p.name for p in in_stock} == {"Tea 1", "Tea 2", "Tea 3", "Tea 4"}


@pytest.mark.django_db
class TestReserve:
    def test_prefers_one_warehouse_and_splits_only_when_needed(self, alpha):
        with tenant_context(alpha):
            central, shop = make_warehouse("Central"), make_warehouse("Shop")
            tea = make_product(stock={central: 5, shop: 4})
            one = services.reserve([(tea.pk, 4)], "order:1")
            assert [(r.warehouse.name, r.quantity) for r in one] == [("Central", 4)]
            split = services.reserve([(tea.pk, 5)], "order:2")
            assert sorted((r.warehouse.name, r.quantity) for r in split) == [("Central", 1), ("Shop", 4)]
            assert selectors.available(tea) == 0

    def test_all_or_nothing_with_a_message_per_short_line(self, alpha):
        with tenant_context(alpha):
            central = make_warehouse()
            tea = make_product("Green tea", stock={central: 10})
            cups = make_product("Cups", stock={central: 2})
            gone = make_product("Old mug", stock={central: 5}, is_active=False)
            with pytest.raises(services.NotEnoughStock) as caught:
                services.reserve([(tea.pk, 3), (cups.pk, 5), (gone.pk, 1)], "order:7")
            assert Reservation.objects.count() == 0
            assert caught.value.messages == ["“Cups”: you asked for 5, 2 available.", "“Old mug” is no longer sold."]
            assert [(line["product_id"], line["available"]) for line in caught.value.lines] == [(cups.pk, 2),
                                                                                                 (gone.pk, 0)]

    def test_same_product_twice_is_counted_together_and_pickup_limits_the_place(self, alpha):
        with tenant_context(alpha):
            central, shop = make_warehouse("Central"), make_warehouse("Shop")
            tea = make_product(stock={central: 5, shop: 2})
            with pytest.raises(services.NotEnoughStock, match="asked for 3, 2 available"):
                services.reserve([(tea.pk, 2), (tea.pk, 1)], "order:1", warehouse_id=shop.pk)
            made = services.reserve([(tea.pk, 2)], "order:1", warehouse_id=shop.pk)
            assert [(r.warehouse_id, r.quantity) for r in made] == [(shop.pk, 2)]

    @pytest.mark.parametrize("items, reference", [
        ([], "order:1"), ([(1, 0)], "order:1"), ([(1, -2)], "order:1"), ([("x", 1)], "order:1"),
        ([(1, 1)], ""), ([(1, 1)], "x" * 101)])
    def test_bad_input_is_refused(self, alpha, items, reference):
        with tenant_context(alpha), pytest.raises(ValidationError):
            services.reserve(items, reference)

    def test_release_consume_and_expire(self, alpha):
        with tenant_context(alpha):
            central = make_warehouse()
            tea = make_product(stock={central: 10})
            services.reserve([(tea.pk, 3)], "order:1")
            assert services.consume("order:1") == 3
            assert StockLevel.objects.get(product=tea).quantity == 7
            assert selectors.available(tea) == 7
            with pytest.raises(ValidationError, match="Nothing is reserved"):
                services.consume("order:1")
            now = timezone.now()
            services.reserve([(tea.pk, 2)], "order:2", expires_at=now - timedelta(minutes=1))
            services.reserve([(tea.pk, 1)], "order:3", expires_at=now + timedelta(minutes=10))
            services.reserve([(tea.pk, 1)], "order:4")
            assert services.expire_reservations(now) == 1
            assert selectors.available(tea) == 5
            assert Reservation.objects.get(reference="order:2").status == "released"
            assert services.release("order:3") == 1 and services.release("order:3") == 0

    def test_stock_cannot_go_below_what_is_reserved(self, alpha):
        with tenant_context(alpha):
            central = make_warehouse()
            tea = make_product(stock={central: 10})
            services.reserve([(tea.pk, 6)], "order:1")
            with pytest.raises(ValidationError, match="6 units are reserved at Central warehouse"):
                services.set_stock(tea, central, 5)
            for bad in ("-1", "two", "1.5", None):
                with pytest.raises(ValidationError):
                    services.set_stock(tea, central, bad)
            assert StockLevel.objects.get(product=tea).quantity == 10

    def test_expiry_task_runs_only_where_the_module_is_on(self, alpha):
        with tenant_context(alpha):
            set_module_enabled("catalog", True)
            tea = make_product(stock={make_warehouse(): 4})
            services.reserve([(tea.pk, 4)], "order:1", expires_at=timezone.now() - timedelta(seconds=1))
            set_module_enabled("catalog", False)
            assert expire_reservations() is None
            assert selectors.available(tea) == 0
            set_module_enabled("catalog", True)
            assert expire_reservations() == 1
            assert selectors.available(tea) == 4


@pytest.mark.django_db
class TestProductsAndCategories:
    def test_product_validation_names_every_field_and_saves_nothing(self, alpha):
        with tenant_context(alpha):
            make_product("Tea", sku="T-1")
            with pytest.raises(ValidationError) as caught:
                services.save_product(None, services.ProductData(name=" ", price="-3", currency="GBP", sku="T-1"))
            assert set(caught.value.message_dict) == {"name", "price", "currency", "sku"}
            for price in ("abc", "1.234", "99999999999", "NaN"):
                with pytest.raises(ValidationError, match="price"):
                    services.save_product(None, services.ProductData(name="X", price=price, currency="EUR"))
            with pytest.raises(TypeError):
                services.parse_price(1.5)
            assert Product.objects.count() == 1

    def test_slugs_are_readable_and_unique(self, alpha):
        with tenant_context(alpha):
            first = make_product("Зелёный чай")
            second = make_product("Зелёный чай")
            assert (first.slug, second.slug) == ("zelenyi-chai", "zelenyi-chai-2")
            assert make_product("Green tea", price="1,50").price == Decimal("1.50")

    def test_category_cannot_sit_inside_itself(self, alpha):
        with tenant_context(alpha):
            drinks = services.save_category(name="Drinks")
            tea = services.save_category(name="Tea", parent=drinks)
            with pytest.raises(ValidationError, match="inside itself"):
                services.save_category(drinks, name="Drinks", parent=tea)
            make_product("Sencha", category=tea)
            with pytest.raises(ValidationError, match="subcategories"):
                services.delete_category(drinks)
            with pytest.raises(ValidationError, match="still has products"):
                services.delete_category(tea)
            found = selectors.search_products(selectors.ProductFilters(category=drinks))
            assert [p.name for p in found] == ["Sencha"]  # products of subcategories count
            assert Category.objects.count() == 2

    def test_a_reserved_product_cannot_be_deleted(self, alpha):
        with tenant_context(alpha):
            tea = make_product(stock={make_warehouse(): 3})
            services.reserve([(tea.pk, 1)], "order:1")
            with pytest.raises(ValidationError, match="off sale"):
                services.delete_product(tea)
            assert Product.objects.filter(pk=tea.pk).exists()

    def test_warehouse_names_are_unique(self, alpha):
        with tenant_context(alpha):
            make_warehouse("Central")
            with pytest.raises(ValidationError, match="already has this name"):
                make_warehouse("central")
            with pytest.raises(ValidationError):
                make_warehouse(" ")
            assert Warehouse.objects.count() == 1

    def test_favourites_toggle_and_belong_to_one_customer(self, alpha):
        with tenant_context(alpha):
            tea = make_product()
            customer = user(alpha, "customer@alpha.test")
            assert services.toggle_favourite(customer, tea) is True
            assert selectors.favourite_count(customer) == 1
            assert services.toggle_favourite(customer, tea) is False
            assert Favourite.objects.count() == 0
            services.toggle_favourite(customer, tea)
            services.erase_personal_data(customer)
            assert Favourite.objects.count() == 0


ALPHA_SCHEMA = "t_alpha"


def test_twenty_buyers_racing_for_five_units_never_oversell(django_db_blocker):
    """Real concurrent transactions: each thread has its own connection; the data is committed and
    removed afterwards."""
    with django_db_blocker.unblock(), schema_context(ALPHA_SCHEMA):
        warehouse = Warehouse.objects.create(name="Race warehouse")
        product = Product.objects.create(name="Race item", slug="race-item", price=Decimal("1.00"), currency="EUR")
        StockLevel.objects.create(product=product, warehouse=warehouse, quantity=5)
    start = threading.Barrier(20)
    outcomes: list[str] = []

    def buyer(n: int) -> None:
        try:
            with schema_context(ALPHA_SCHEMA):
                start.wait()
                try:
                    services.reserve([(product.pk, 1)], f"race:{n}")
                    outcomes.append("ok")
                except services.NotEnoughStock:
                    outcomes.append("short")
        finally:
            connections.close_all()

    try:
        with django_db_blocker.unblock():
            threads = [threading.Thread(target=buyer, args=(n,)) for n in range(20)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            with schema_context(ALPHA_SCHEMA):
                reserved = sum(Reservation.objects.filter(product=product, status="active")
                               .values_list("quantity", flat=True))
        assert outcomes.count("ok") == 5 and outcomes.count("short") == 15
        assert reserved == 5
    finally:
        with django_db_blocker.unblock(), schema_context(ALPHA_SCHEMA):
            Reservation.objects.filter(product=product).delete()
            product.delete()
            warehouse.delete()
