"""Reads of the orders module."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet.modules.catalog import selectors as catalog_selectors
from cabinet.modules.catalog.selectors import available_units
from cabinet.modules.orders import pricing

from . import flows
from .models import (
    DiscountRule,
    Invoice,
    Order,
    OrderStatusChange,
    RecurringOrder,
    RecurringOrderLine,
    RecurringRun,
)
from .services import PricedCartLines

if TYPE_CHECKING:
    from cabinet.modules.catalog.models import (
        Reservation,  # annotations only; the data comes from its selectors
    )

# Orders still under way, whatever their flow (delivered, collected, done and cancelled are final).
OPEN_STATUSES = tuple(status for status in Order.Status.values if status not in flows.FINAL)


def cart_rows(result: PricedCartLines) -> list[dict[str, Any]]:
    """Each cart line with its priced line and the explanations of its discounts, for the cart page."""
    if result.priced is None:
        return []
    explanations = pricing.explain(result.priced)
    return [{"line": line, "product": line.product, "priced": priced,
             "explanations": [item for item in explanations if item.product_id == line.product_id]}
            for line, priced in zip(result.lines, result.priced.lines, strict=True)]


def shortages(result: PricedCartLines, *, warehouse_id: int | None = None) -> dict[int, int]:
    """{product id: units available} for each line of goods that asks for more than is available now (at
    one pickup point when given). Services and digital items are never short."""
    goods = [line for line in result.lines if line.product.has_stock]
    if not goods:
        return {}
    free = available_units([line.product_id for line in goods], warehouse_id=warehouse_id)
    return {line.product_id: free.get(line.product_id, 0) for line in goods
            if free.get(line.product_id, 0) < line.quantity}


def cart_explanations(result: PricedCartLines) -> list[pricing.Explanation]:
    if result.priced is None:
        return []
    return [item for item in pricing.explain(result.priced) if item.product_id is None]


def customer_orders(customer) -> QuerySet[Order]:
    return Order.objects.filter(customer=customer).order_by("-created_at", "-id")


def customer_order(customer, pk: int) -> Order | None:
    """One of the customer's own orders with its lines, timeline and invoice (without the PDF bytes: pages and
    the API only link to them); None for anyone else's."""
    return (Order.objects.filter(customer=customer, pk=pk).select_related("pickup_warehouse", "invoice")
            .defer("invoice__pdf").prefetch_related("lines", "status_changes", "deductions").first())


def open_order_count(customer) -> int:
    return Order.objects.filter(customer=customer, status__in=OPEN_STATUSES).count()


def cart_unit_count(customer) -> int:
    """Units in the customer's cart, for the header's badge: one query."""
    from django.db.models import Sum

    from .models import CartLine

    return CartLine.objects.filter(cart__customer=customer).aggregate(units=Sum("quantity"))["units"] or 0


def staff_order_figures(*, since: datetime) -> dict[str, int]:
    """New (unconfirmed) orders and orders placed since `since`, for the owner's overview: one query."""
    return Order.objects.aggregate(new=Count("pk", filter=Q(status=Order.Status.NEW)),
                                   recent=Count("pk", filter=Q(created_at__gte=since)))


def has_orders() -> bool:
    return Order.objects.exists()


def personal_data(user) -> dict[str, Any]:
    return {"orders": [
        {"number": order.number, "status": order.status, "total": str(order.total), "currency": order.currency,
         "recipient_name": order.recipient_name, "phone": order.phone, "address": order.address,
         "comment": order.comment, "created_at": order.created_at.isoformat(),
         "lines": [{"name": line.name, "quantity": line.quantity, "total": str(line.total)}
                   for line in order.lines.all()]}
        for order in customer_orders(user).prefetch_related("lines")],
        "recurring_orders": [
            {"period": recurring.period, "day_of_month": recurring.day_of_month, "weekday": recurring.weekday,
             "next_run_on": recurring.next_run_on.isoformat(), "status": recurring.status,
             "recipient_name": recurring.recipient_name, "phone": recurring.phone, "address": recurring.address,
             "comment": recurring.comment,
             "lines": [{"name": line.product.name, "quantity": line.quantity} for line in recurring.lines.all()]}
            for recurring in RecurringOrder.objects.filter(customer=user).prefetch_related("lines__product")]}


# --- Staff -------------------------------------------------------------------------------------------------

def _held_now(now: datetime) -> QuerySet[Reservation]:
    """The active reservations of the order in the outer query that have not run out at `now`."""
    reference = Concat(Value("order:"), Cast(OuterRef("pk"), CharField()))
    return catalog_selectors.unexpired_reservations(now).filter(reference=reference)


def _queue_base(now: datetime) -> QuerySet[Order]:
    held = _held_now(now)
    return Order.objects.annotate(
        holding=Exists(held),
        hold_until=Subquery(held.filter(expires_at__isnull=False).order_by("expires_at").values("expires_at")[:1]),
    )


def staff_queue(*, status: str = "", placed_from: date | None = None, placed_to: date | None = None,
                q: str = "", placed_via: str = "", flow: str = "", hold_lapsed: bool = False,
                now: datetime | None = None) -> QuerySet[Order]:
    """The business's orders, newest first, with the customer and the state of each hold (`holding`,
    `hold_until`). A new order whose hold is gone (`hold_lapsed`) no longer keeps its goods off sale."""
    orders = filtered_queue(placed_from=placed_from, placed_to=placed_to, q=q, placed_via=placed_via, flow=flow,
                            hold_lapsed=hold_lapsed, now=now)
    if status:
        orders = orders.filter(status=status)
    return (orders.select_related("customer").annotate(line_count=Count("lines"))
            .order_by("-created_at", "-id"))


def filtered_queue(*, placed_from: date | None = None, placed_to: date | None = None, q: str = "",
                   placed_via: str = "", flow: str = "", hold_lapsed: bool = False,
                   now: datetime | None = None) -> QuerySet[Order]:
    """The queue filters except the status (the status tabs count over this)."""
    orders = _queue_base(now or timezone.now())
    if flow:
        orders = orders.filter(flow=flow)
    if placed_from:
        orders = orders.filter(created_at__date__gte=placed_from)
    if placed_to:
        orders = orders.filter(created_at__date__lte=placed_to)
    if placed_via:
        orders = orders.filter(placed_via=placed_via)
    if hold_lapsed:  # only goods are held
        orders = orders.filter(status=Order.Status.NEW, holding=False,  # type: ignore[misc]  # annotated above
                               flow__in=(Order.Flow.DELIVERY, Order.Flow.PICKUP))
    q = q.strip()
    if q:
        number = q.removeprefix("#")
        match = (Q(customer__full_name__icontains=q) | Q(customer__email__icontains=q)
                 | Q(customer__phone__icontains=q) | Q(recipient_name__icontains=q) | Q(phone__icontains=q))
        if number.isdigit() and len(number) < 10:
            match |= by_number(int(number))
        orders = orders.filter(match)
    return orders


def by_number(number: int) -> Q:
    """Orders with this number: from the sequence, or, for orders placed before it, their id."""
    return Q(sequence_number=number) | Q(sequence_number__isnull=True, pk=number)


def status_counts(orders: QuerySet[Order]) -> dict[str, int]:
    """{status: number of orders} over `orders` (one query); statuses without orders count 0."""
    counts = dict.fromkeys(Order.Status.values, 0)
    for row in orders.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def staff_order(pk: int) -> Order | None:
    return (_queue_base(timezone.now()).filter(pk=pk).select_related("customer", "pickup_warehouse")
            .prefetch_related("lines").first())


def staff_timeline(order: Order) -> QuerySet[OrderStatusChange]:
    return order.status_changes.select_related("by").order_by("at", "id")


@dataclass(frozen=True)
class HoldState:
    """What the order's reservation does now: "held" (until `until`, or with no time limit when None),
    "lapsed" (an unconfirmed order's hold ran out), "consumed" (the goods left the warehouse),
    "released" (given back to sale) or "none"."""

    state: str
    until: datetime | None
    reservations: list[Reservation]


def hold_state(order: Order, now: datetime | None = None) -> HoldState:
    now = now or timezone.now()
    reservations = catalog_selectors.reservations_with_places(order.reservation_reference)
    active = [r for r in reservations if r.status == catalog_selectors.ReservationStatus.ACTIVE]
    current = [r for r in active if r.expires_at is None or r.expires_at >= now]
    if current:
        limits = [r.expires_at for r in current if r.expires_at is not None]
        return HoldState("held", min(limits) if limits else None, current)
    if active or (order.status == Order.Status.NEW and reservations):
        return HoldState("lapsed", None, reservations)
    if any(r.status == catalog_selectors.ReservationStatus.CONSUMED for r in reservations):
        return HoldState("consumed", None, reservations)
    if reservations:
        return HoldState("released", None, reservations)
    return HoldState("none", None, [])


def order_invoice(order: Order) -> Invoice | None:
    return Invoice.objects.filter(order=order).first()


def staff_discount_rules() -> QuerySet[DiscountRule]:
    return DiscountRule.objects.prefetch_related("products", "categories").order_by("-active", "priority", "id")


@dataclass(frozen=True)
class RulePreview:
    """A rule as the customer would read it, where it applies, and why the engine would skip it."""

    rule: DiscountRule
    text: str
    scope: str
    problems: list[str]


def rule_previews(rules: QuerySet[DiscountRule]) -> list[RulePreview]:
    previews = []
    for row in rules:
        engine_rule = row.to_rule()
        problems = [message for messages in pricing.validate_rule(engine_rule).values() for message in messages]
        text = "" if problems else pricing.AppliedDiscount(
            engine_rule, pricing.ZERO, engine_rule.currency or "EUR").explanation
        if row.scope == DiscountRule.Scope.PRODUCTS:
            scope = _("Products: %(names)s") % {"names": ", ".join(p.name for p in row.products.all())}
        elif row.scope == DiscountRule.Scope.CATEGORIES:
            scope = _("Categories: %(names)s") % {"names": ", ".join(c.name for c in row.categories.all())}
        else:
            scope = _("The whole cart")
        previews.append(RulePreview(row, text, scope, problems))
    return previews


# --- Repeat and recurring ----------------------------------------------------------------------------------

def customer_recurring_orders(customer) -> QuerySet[RecurringOrder]:
    """The customer's recurring orders, stopped ones last, each with its latest run (`last_run_on`,
    `last_run_order_id`, `last_run_message`) and its number of lines, in one query."""
    latest = RecurringRun.objects.filter(recurring=OuterRef("pk")).order_by("-run_on", "-id")
    stopped_last = Case(When(status=RecurringOrder.Status.STOPPED, then=Value(1)), default=Value(0))
    return (RecurringOrder.objects.filter(customer=customer)
            .annotate(last_run_on=Subquery(latest.values("run_on")[:1]),
                      last_run_order_id=Subquery(latest.values("order_id")[:1]),
                      last_run_message=Subquery(latest.values("message")[:1]),
                      line_count=Count("lines", distinct=True), stopped_last=stopped_last)
            .order_by("stopped_last", "next_run_on", "id"))


def customer_recurring(customer, pk: int) -> RecurringOrder | None:
    return (RecurringOrder.objects.filter(customer=customer, pk=pk)
            .select_related("pickup_warehouse", "source_order").first())


def recurring_lines(recurring: RecurringOrder) -> QuerySet[RecurringOrderLine]:
    return recurring.lines.select_related("product").order_by("id")


def recurring_runs(recurring: RecurringOrder, limit: int = 50) -> list[RecurringRun]:
    return list(recurring.runs.select_related("order").order_by("-run_on", "-id")[:limit])


def recurring_from_order(customer, order: Order) -> QuerySet[RecurringOrder]:
    """Recurring orders (not stopped) the customer set up from this order, for its page."""
    return RecurringOrder.objects.filter(customer=customer, source_order=order).exclude(
        status=RecurringOrder.Status.STOPPED)


# --- Invoices ----------------------------------------------------------------------------------------------

def customer_invoice(customer, pk: int) -> Invoice | None:
    """The invoice `pk` of one of the customer's own orders, or None."""
    return Invoice.objects.filter(pk=pk, order__customer=customer).first()


def invoice_for_staff(pk: int) -> Invoice | None:
    """Any invoice of the business (for staff who may see orders), or None."""
    return Invoice.objects.filter(pk=pk).first()


# --- API ---------------------------------------------------------------------------------------------------

def api_orders(customer, status: str | None = None) -> QuerySet[Order]:
    """The customer's orders for the API list, newest first, with their invoice (its PDF left unread)."""
    orders = customer_orders(customer).select_related("invoice").defer("invoice__pdf").prefetch_related("deductions")
    return orders.filter(status=status) if status else orders


def api_invoices(customer) -> QuerySet[Invoice]:
    """Invoices of the customer's own orders, newest first (PDF bytes left unread)."""
    return Invoice.objects.filter(order__customer=customer).defer("pdf").order_by("-issued_at", "-number")


def availability_of(product_ids: list[int]) -> dict[int, int]:
    """What can be reserved now of each product (stock minus active holds), in one query. Not a reservation."""
    found = catalog_selectors.available_by_id(product_ids)
    return {pk: int(available or 0) for pk, available in found.items()}


def quote(result: PricedCartLines) -> dict[str, Any]:
    """A priced set of lines as the API quote: per line price, discount, explanations and availability, then
    the sums. The same engine and explanations as the cart page (`cart_rows`)."""
    priced = result.priced
    assert priced is not None
    rows = cart_rows(result)
    available = availability_of([row["product"].pk for row in rows])

    def units(product) -> int | None:
        return available.get(product.pk, 0) if product.has_stock else None  # services are not counted

    return {
        "currency": priced.currency,
        "lines": [{
            "product": row["product"].pk, "name": row["product"].name, "sku": row["product"].sku or "",
            "kind": row["product"].kind, "quantity": row["line"].quantity, "unit_price": row["product"].price,
            "undiscounted": row["priced"].undiscounted, "discount": row["priced"].discount,
            "total": row["priced"].total, "explanations": [str(item) for item in row["explanations"]],
            "discounts": [discount_record(item.facts) for item in row["explanations"] if item.facts],
            "available": units(row["product"]),
            "in_stock": not row["product"].has_stock or available.get(row["product"].pk, 0) >= row["line"].quantity,
        } for row in rows],
        "explanations": [str(item) for item in cart_explanations(result)],
        "discounts": [discount_record(item.facts) for item in cart_explanations(result) if item.facts],
        "undiscounted": priced.undiscounted, "discount": priced.total_discount, "total": priced.total,
    }


def discount_record(facts: pricing.DiscountFacts) -> dict[str, Any]:
    """One discount for the API: what kind, how much and why, the reason in the reader's language."""
    return {"kind": facts.kind, "value_type": facts.value_type, "value": facts.value, "currency": facts.currency,
            "amount": facts.amount, "title": facts.title, "min_quantity": facts.min_quantity,
            "threshold": facts.threshold, "text": facts.text}


def stored_discounts(records: list) -> list[dict[str, Any]]:
    """The API's records of discounts an order stored (unreadable ones left out; orders placed before the
    facts were stored have none, only their texts)."""
    found = []
    for record in records or ():
        try:
            found.append(discount_record(pricing.DiscountFacts.from_json(record)))
        except pricing.PricingError:
            continue
    return found


def describe_schedule(recurring: RecurringOrder) -> str:
    """"Every month on day 5", "Every 2 weeks on Friday" in the active language."""
    from django.utils.dates import WEEKDAYS

    if recurring.period == RecurringOrder.Period.MONTHLY:
        return _("Every month on day %(day)s") % {"day": recurring.day_of_month}
    weekday = WEEKDAYS.get(recurring.weekday, "") if recurring.weekday is not None else ""
    if recurring.period == RecurringOrder.Period.BIWEEKLY:
        return _("Every 2 weeks on %(weekday)s") % {"weekday": weekday}
    return _("Every week on %(weekday)s") % {"weekday": weekday}


def completed_spend(*, currency: str, since: datetime, until: datetime,
                    customer_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """What each customer spent in `currency` on orders placed at `since` <= created_at < `until` that reached
    the end of their flow (delivered, collected, done; a cancelled one never counts): customer id → sum of
    totals. One query; `customer_ids` narrows it to some customers."""
    done = sorted(flows.FINAL - {flows.CANCELLED})
    orders = Order.objects.filter(currency=currency, status__in=done, created_at__gte=since, created_at__lt=until)
    if customer_ids is not None:
        orders = orders.filter(customer_id__in=list(customer_ids))
    return {row["customer_id"]: row["spent"]
            for row in orders.values("customer_id").annotate(spent=Sum("total")).order_by()}
