"""Which statuses an order goes through, by what it holds and how it is received (docs/commerce.md).

An order's flow is fixed when it is placed:
- goods delivered: new → confirmed → packed → shipped → delivered;
- goods picked up: new → confirmed → ready for pickup → collected (nothing is shipped);
- services: new → confirmed → done;
- digital items: new → confirmed, and delivered at once on confirmation.
Any order may be cancelled while it is in one of its flow's cancellable statuses. Plain strings (the values of
`Order.Status` and `Order.Flow`), so the models can use this without an import cycle."""

from __future__ import annotations

from collections.abc import Iterable

DELIVERY, PICKUP, SERVICE, DIGITAL = "delivery", "pickup", "service", "digital"
NEW, CONFIRMED, PACKED, SHIPPED, DELIVERED = "new", "confirmed", "packed", "shipped", "delivered"
READY, COLLECTED, DONE, CANCELLED = "ready", "collected", "done", "cancelled"

# The steps of each flow in order; each status moves to the next one.
STEPS: dict[str, tuple[str, ...]] = {
    DELIVERY: (NEW, CONFIRMED, PACKED, SHIPPED, DELIVERED),
    PICKUP: (NEW, CONFIRMED, READY, COLLECTED),
    SERVICE: (NEW, CONFIRMED, DONE),
    DIGITAL: (NEW, CONFIRMED, DELIVERED),
}
# Statuses the staff may cancel from (the goods go back to sale). A pickup order that is waiting for a
# customer who never comes can still be cancelled; a delivered digital item cannot.
STAFF_CANCELLABLE: dict[str, tuple[str, ...]] = {
    DELIVERY: (NEW, CONFIRMED),
    PICKUP: (NEW, CONFIRMED, READY),
    SERVICE: (NEW, CONFIRMED),
    DIGITAL: (NEW,),
}
# Statuses the customer may cancel from.
CUSTOMER_CANCELLABLE: dict[str, tuple[str, ...]] = {
    DELIVERY: (NEW, CONFIRMED),
    PICKUP: (NEW, CONFIRMED),
    SERVICE: (NEW, CONFIRMED),
    DIGITAL: (NEW,),
}
# A digital order is delivered by confirming it: these steps follow on their own.
AUTOMATIC: dict[tuple[str, str], str] = {(DIGITAL, CONFIRMED): DELIVERED}
# The step that takes the goods out of stock.
CONSUMES_STOCK: dict[str, str] = {DELIVERY: SHIPPED, PICKUP: COLLECTED}
FINAL = frozenset({DELIVERED, COLLECTED, DONE, CANCELLED})


def flow_for(kinds: Iterable[str], delivery_method: str) -> str:
    """The flow of an order of lines of these catalog kinds: anything with goods is delivered or picked up
    (services and digital items in it ride along); services without goods are done; the rest is digital."""
    kinds = set(kinds)
    if "goods" in kinds or not kinds:
        return PICKUP if delivery_method == "pickup" else DELIVERY
    if "service" in kinds:
        return SERVICE
    return DIGITAL


def next_statuses(flow: str, status: str) -> tuple[str, ...]:
    """Where staff can move an order on (cancelling aside)."""
    steps = STEPS.get(flow, STEPS[DELIVERY])
    if status in steps and status != steps[-1]:
        return (steps[steps.index(status) + 1],)
    return ()


def is_step(flow: str, status: str) -> bool:
    return status == CANCELLED or status in STEPS.get(flow, STEPS[DELIVERY])


def needs_delivery(flow: str) -> bool:
    return flow in (DELIVERY, PICKUP)
