"""Buyers race for the last units through `services.checkout`: real concurrent transactions, one database
connection per buyer (thread), all released at once by a barrier. The data is committed (each thread must
see it) in the wholesale test tenant and removed afterwards, so these tests use no `db` fixture."""

import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connections
from django_tenants.utils import schema_context

from cabinet.modules.catalog import selectors as catalog_selectors
from cabinet.modules.catalog.models import Product, Reservation, StockLevel, Warehouse
from cabinet.modules.orders import services
from cabinet.modules.orders.models import Cart, CartLine, Order, OrderCounter, OrderLine

SCHEMA = "t_bravo"
PRODUCT_NAME = "Last crate of pears"
# The catalog's refusal (catalog.services.reserve): "“name”: you asked for N, M available."
REFUSAL = re.compile(rf"“{re.escape(PRODUCT_NAME)}”: you asked for (\d+), (\d+) available\.")
DELIVERY = {"recipient_name": "Race buyer", "phone": "+380501112233", "delivery_method": "delivery",
            "address": "Kyiv, Khreshchatyk 1"}


@pytest.fixture(autouse=True)
def orders_on():
    """Replaces the package's fixture of this name, which opens a rolled-back test transaction: the buyers'
    threads could not see data made inside it. Services do not consult the module switches."""


@pytest.fixture
def blocker(django_db_setup, django_db_blocker):
    """Database access outside any test transaction, on the suite's database (set up on first use)."""
    return django_db_blocker


@dataclass
class Race:
    product: Product
    stock: int
    buyers: list  # customers, in the order of `wanted`
    wanted: list[int]
    numbers_from: int = 0  # the business's last order number before the race
    outcomes: dict[int, object] = field(default_factory=dict)  # customer id -> Order | ValidationError | Exception


@contextmanager
def race_shop(blocker, stock: int, wanted: list[int]):
    """A product with `stock` units in one warehouse and one customer per entry of `wanted`, each with that
    many units in the cart. Everything made here is deleted afterwards, orders and reservations included."""
    User = get_user_model()
    password = make_password(None)  # unusable; the buyers never sign in
    tag = f"race{threading.get_ident() % 100000}-{len(wanted)}-{stock}"
    with blocker.unblock(), schema_context(SCHEMA):
        counter_before = OrderCounter.objects.filter(pk=1).values_list("last_number", flat=True).first()
        warehouse = Warehouse.objects.create(name=f"Race warehouse {tag}")
        product = Product.objects.create(name=PRODUCT_NAME, slug=f"pears-{tag}", price=Decimal("12.50"),
                                         currency="EUR")
        StockLevel.objects.create(product=product, warehouse=warehouse, quantity=stock)
        buyers = User.objects.bulk_create([
            User(email=f"buyer{n}-{tag}@race.test", full_name=f"Buyer {n}", role="customer", password=password)
            for n in range(len(wanted))])
        carts = Cart.objects.bulk_create([Cart(customer=buyer) for buyer in buyers])
        CartLine.objects.bulk_create([CartLine(cart=cart, product=product, quantity=quantity)
                                      for cart, quantity in zip(carts, wanted, strict=True)])
    try:
        yield Race(product=product, stock=stock, buyers=buyers, wanted=wanted, numbers_from=counter_before or 0)
    finally:
        with blocker.unblock(), schema_context(SCHEMA):
            Order.objects.filter(customer__in=buyers).delete()  # lines and status changes go with them
            # the business's order sequence as it was, so later tests see a business's first orders
            if counter_before is None:
                OrderCounter.objects.filter(pk=1).delete()
            else:
                OrderCounter.objects.filter(pk=1).update(last_number=counter_before)
            Reservation.objects.filter(product=product).delete()
            Cart.objects.filter(customer__in=buyers).delete()
            User.objects.filter(pk__in=[buyer.pk for buyer in buyers]).delete()
            StockLevel.objects.filter(product=product).delete()
            product.delete()
            warehouse.delete()


def run_race(blocker, race: Race) -> None:
    """Every buyer checks out at the same moment, each on its own connection."""
    start = threading.Barrier(len(race.buyers))

    def buyer(customer) -> None:
        try:
            with schema_context(SCHEMA):
                start.wait()
                try:
                    race.outcomes[customer.pk] = services.checkout(customer, DELIVERY)
                except ValidationError as refusal:
                    race.outcomes[customer.pk] = refusal
        except Exception as problem:  # noqa: BLE001 - reported by the assertions, never lost in the thread
            race.outcomes[customer.pk] = problem
        finally:
            connections.close_all()

    with blocker.unblock():
        threads = [threading.Thread(target=buyer, args=(customer,)) for customer in race.buyers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a checkout hung (lock wait?)"
    assert len(race.outcomes) == len(race.buyers)


def check_books(blocker, race: Race) -> tuple[list, list]:
    """What the database says after the race agrees with what each buyer was told; returns (winners, losers)."""
    winners = [c for c in race.buyers if isinstance(race.outcomes[c.pk], Order)]
    losers = [c for c in race.buyers if isinstance(race.outcomes[c.pk], ValidationError)]
    crashed = {c.pk: race.outcomes[c.pk] for c in race.buyers if c not in winners and c not in losers}
    assert not crashed, f"checkouts failed with something other than a refusal: {crashed}"
    wanted = dict(zip([c.pk for c in race.buyers], race.wanted, strict=True))
    with blocker.unblock(), schema_context(SCHEMA):
        orders = Order.objects.filter(customer__in=race.buyers)
        assert sorted(orders.values_list("customer_id", flat=True)) == sorted(c.pk for c in winners)
        sold = sum(OrderLine.objects.filter(order__in=orders).values_list("quantity", flat=True))
        held = Reservation.objects.filter(product=race.product, status=Reservation.Status.ACTIVE)
        reserved = sum(held.values_list("quantity", flat=True))
        assert sold == reserved == sum(wanted[c.pk] for c in winners)
        assert reserved <= race.stock, f"oversold: {reserved} reserved of {race.stock}"
        assert sorted(held.values_list("reference", flat=True)) == sorted(o.reservation_reference for o in orders)
        assert StockLevel.objects.get(product=race.product).quantity == race.stock  # holds, not stock moves
        # Order numbers are gapless: the refused checkouts took none.
        numbers = sorted(orders.values_list("sequence_number", flat=True))
        assert numbers == list(range(race.numbers_from + 1, race.numbers_from + len(winners) + 1))
        assert OrderCounter.objects.get(pk=1).last_number == race.numbers_from + len(winners)
        left = catalog_selectors.available(race.product)
        assert left == race.stock - reserved
        # Winners' carts are emptied; a refused buyer keeps the cart, untouched, to try again.
        assert not CartLine.objects.filter(cart__customer__in=winners).exists()
        for loser in losers:
            assert list(CartLine.objects.filter(cart__customer=loser).values_list("quantity", flat=True)) == \
                [wanted[loser.pk]]
    for loser in losers:
        refusal = race.outcomes[loser.pk]
        assert len(refusal.messages) == 1 and REFUSAL.fullmatch(refusal.messages[0]), refusal.messages
        asked, available = map(int, REFUSAL.fullmatch(refusal.messages[0]).groups())
        # Told the truth at the time: fewer than asked were free then, and never less than are free now.
        assert asked == wanted[loser.pk] and left <= available < asked
    return winners, losers


def test_ten_buyers_for_the_last_unit_one_order(blocker):
    with race_shop(blocker, stock=1, wanted=[1] * 10) as race:
        run_race(blocker, race)
        winners, losers = check_books(blocker, race)
    assert len(winners) == 1 and len(losers) == 9
    assert all(str(race.outcomes[c.pk].messages[0]).endswith("you asked for 1, 0 available.") for c in losers)


def test_twenty_buyers_for_five_units_five_orders(blocker):
    with race_shop(blocker, stock=5, wanted=[1] * 20) as race:
        run_race(blocker, race)
        winners, losers = check_books(blocker, race)
    assert len(winners) == 5 and len(losers) == 15


def test_mixed_quantities_never_oversell_and_never_refuse_what_fits(blocker):
    """12 buyers want 1, 2 or 3 units (24 in all) of 7. Who wins depends on the order the locks are
    granted in; whatever it is, nothing is oversold and every refused buyer asked for more than is left."""
    wanted = [1, 2, 3] * 4
    with race_shop(blocker, stock=7, wanted=wanted) as race:
        run_race(blocker, race)
        winners, losers = check_books(blocker, race)
        sold = sum(race.wanted[race.buyers.index(c)] for c in winners)
    assert 5 <= sold <= 7  # 5 or 6 sold means the rest (1–2 units) was smaller than every refused request
    assert losers and winners
    left = 7 - sold
    assert all(race.wanted[race.buyers.index(c)] > left for c in losers)
