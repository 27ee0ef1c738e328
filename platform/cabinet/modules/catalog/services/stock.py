"""Warehouses, stock levels and reservations.

Stock is changed and reserved only here, inside transactions that lock the StockLevel rows involved
(in id order, so two buyers never wait on each other in a circle)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..models import Product, Reservation, StockLevel, Warehouse
from .products import _others

REFERENCE_MAX = int(Reservation._meta.get_field("reference").max_length or 0)


# --- Warehouses and stock ----------------------------------------------------------------------------------

def save_warehouse(warehouse: Warehouse | None = None, *, name: str, address: str = "",
                   is_pickup_point: bool = False, is_active: bool = True) -> Warehouse:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Name the warehouse.")]})
    if _others(Warehouse.objects.filter(name__iexact=name), warehouse).exists():
        raise ValidationError({"name": [_("Another warehouse already has this name.")]})
    warehouse = warehouse or Warehouse()
    warehouse.name, warehouse.address = name[:120], (address or "").strip()[:300]
    warehouse.is_pickup_point, warehouse.is_active = is_pickup_point, is_active
    warehouse.save()
    return warehouse


def _reserved_at(product_id: int, warehouse_id: int) -> int:
    return Reservation.objects.filter(product_id=product_id, warehouse_id=warehouse_id,
                                      status=Reservation.Status.ACTIVE).aggregate(total=Sum("quantity"))["total"] or 0


@transaction.atomic
def set_stock(product: Product, warehouse: Warehouse, quantity: Any) -> StockLevel:
    """Sets how many units lie in a warehouse. It cannot go below what is reserved there. Only goods have
    stock."""
    if not product.has_stock:
        raise ValidationError({"quantity": [_("%(kind)s have no stock: they are never counted or reserved.") % {
            "kind": _plural_kind(product.kind)}]})
    try:
        quantity = int(str(quantity).strip())
    except (TypeError, ValueError):
        raise ValidationError({"quantity": [_("Enter a whole number of units.")]}) from None
    if quantity < 0 or quantity > 2_000_000_000:
        raise ValidationError({"quantity": [_("Enter a number from 0 up.")]})
    StockLevel.objects.get_or_create(product=product, warehouse=warehouse)
    level = StockLevel.objects.select_for_update().get(product=product, warehouse=warehouse)
    reserved = _reserved_at(product.pk, warehouse.pk)
    if quantity < reserved:
        raise ValidationError({"quantity": [
            _("%(reserved)s units are reserved at %(warehouse)s; set at least %(reserved)s.") % {
                "reserved": reserved, "warehouse": warehouse.name}]})
    level.quantity = quantity
    level.save(update_fields=["quantity"])
    return level


def _plural_kind(kind: str) -> str:
    plurals: dict[str, str] = {Product.Kind.SERVICE: _("Services"), Product.Kind.DIGITAL: _("Digital items")}
    return plurals.get(kind, pgettext("many items", "Goods"))


# --- Reservations ------------------------------------------------------------------------------------------

class NotEnoughStock(ValidationError):
    """A reservation that cannot be made in full. `.lines` says per product what was asked and what is
    available: [{"product_id", "name", "requested", "available"}]."""

    def __init__(self, lines: list[dict[str, Any]]):
        self.lines = lines
        super().__init__([line["message"] for line in lines])


def reservation_expiry(minutes: int | None = None) -> datetime:
    """When a reservation made now should lapse, from the module's "reservation_minutes" setting."""
    if minutes is None:
        from cabinet.portal.selectors import portal_state

        minutes = portal_state().setting("catalog", "reservation_minutes") or 60
    return timezone.now() + timedelta(minutes=int(minutes))


def _normalise_items(items: Iterable[tuple[int, int]]) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for item in items:
        try:
            product_id, quantity = int(item[0]), int(item[1])
        except (TypeError, ValueError, IndexError):
            raise ValidationError(_("Each line needs a product and a whole number of units.")) from None
        if quantity <= 0:
            raise ValidationError(_("Each line needs at least one unit."))
        wanted[product_id] = wanted.get(product_id, 0) + quantity
    if not wanted:
        raise ValidationError(_("There is nothing to reserve."))
    return wanted


def _plan(quantity: int, places: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Takes `quantity` from places [(warehouse_id, available)]: one warehouse that has it all if there is
    one (the one with most, so small remainders stay spread), otherwise the largest first."""
    places = sorted((p for p in places if p[1] > 0), key=lambda p: (-p[1], p[0]))
    if places and places[0][1] >= quantity:
        return [(places[0][0], quantity)]
    plan, left = [], quantity
    for warehouse_id, free in places:
        take = min(free, left)
        plan.append((warehouse_id, take))
        left -= take
        if not left:
            break
    return plan


def reserve(items: Iterable[tuple[int, int]], reference: str, expires_at: datetime | None = None, *,
            warehouse_id: int | None = None) -> list[Reservation]:
    """Reserves every line or nothing. `items` are (product_id, quantity); `warehouse_id` limits the
    reservation to one place (pickup). Raises NotEnoughStock naming each short line and what is available."""
    reference = (reference or "").strip()
    if not reference or len(reference) > REFERENCE_MAX:
        raise ValidationError(_("A reservation needs a reference of up to %(max)s characters.") % {"max": REFERENCE_MAX})
    wanted = _normalise_items(items)
    with transaction.atomic():
        levels = StockLevel.objects.filter(product_id__in=wanted, warehouse__is_active=True)
        if warehouse_id is not None:
            levels = levels.filter(warehouse_id=warehouse_id)
        # Locks first; what others reserved is read after the locks are ours, so it is current.
        locked = list(levels.select_for_update(of=("self",)).order_by("id"))
        reserved: dict[tuple[int, int], int] = defaultdict(int)
        for row in (Reservation.objects.filter(product_id__in=wanted, status=Reservation.Status.ACTIVE)
                    .values("product_id", "warehouse_id").annotate(total=Sum("quantity"))):
            reserved[(row["product_id"], row["warehouse_id"])] = row["total"]
        places: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for level in locked:
            places[level.product_id].append(
                (level.warehouse_id, level.quantity - reserved[(level.product_id, level.warehouse_id)]))
        products = {p.pk: p for p in Product.objects.filter(pk__in=wanted).only("pk", "name", "is_active")}
        shortages, plans = [], {}
        for product_id, quantity in wanted.items():
            product = products.get(product_id)
            if product is None or not product.is_active:
                shortages.append({"product_id": product_id, "name": product.name if product else "",
                                  "requested": quantity, "available": 0,
                                  "message": _("“%(name)s” is no longer sold.") % {
                                      "name": product.name if product else f"#{product_id}"}})
                continue
            free = sum(max(free, 0) for _place, free in places[product_id])
            if free < quantity:
                shortages.append({"product_id": product_id, "name": product.name, "requested": quantity,
                                  "available": free,
                                  "message": _("“%(name)s”: you asked for %(requested)s, %(available)s available.") % {
                                      "name": product.name, "requested": quantity, "available": free}})
                continue
            plans[product_id] = _plan(quantity, places[product_id])
        if shortages:
            raise NotEnoughStock(shortages)
        now = timezone.now()
        return Reservation.objects.bulk_create([
            Reservation(product_id=product_id, warehouse_id=place, quantity=take, reference=reference,
                        expires_at=expires_at, created_at=now)
            for product_id, plan in plans.items() for place, take in plan])


def release(reference: str) -> int:
    """Returns the reference's active reservations to sale; how many were released."""
    return Reservation.objects.filter(reference=reference, status=Reservation.Status.ACTIVE).update(
        status=Reservation.Status.RELEASED)


def hold_until_released(reference: str) -> int:
    """The reference's active reservations no longer lapse (a confirmed order keeps its goods until it is
    fulfilled or cancelled); how many."""
    return Reservation.objects.filter(reference=reference, status=Reservation.Status.ACTIVE).update(expires_at=None)


@transaction.atomic
def consume(reference: str) -> int:
    """The goods leave the warehouse: stock goes down by the reserved units, the reservations are marked
    consumed. Returns the units taken."""
    reservations = list(Reservation.objects.select_for_update().filter(
        reference=reference, status=Reservation.Status.ACTIVE).order_by("id"))
    if not reservations:
        raise ValidationError(_("Nothing is reserved under “%(reference)s”.") % {"reference": reference})
    taken: dict[tuple[int, int], int] = defaultdict(int)
    for reservation in reservations:
        taken[(reservation.product_id, reservation.warehouse_id)] += reservation.quantity
    pairs = list(taken)
    levels = StockLevel.objects.select_for_update().filter(product_id__in={p for p, _w in pairs},
                                                           warehouse_id__in={w for _p, w in pairs}).order_by("id")
    by_place = {(level.product_id, level.warehouse_id): level for level in levels}
    for place, units in taken.items():
        level = by_place.get(place)
        if level is None or level.quantity < units:  # set_stock never lets this happen; refuse, never go below 0
            raise ValidationError(_("The stock is lower than what is reserved; check the warehouse quantities."))
        level.quantity -= units
        level.save(update_fields=["quantity"])
    Reservation.objects.filter(pk__in=[r.pk for r in reservations]).update(status=Reservation.Status.CONSUMED)
    return sum(taken.values())


def expire_reservations(now: datetime | None = None) -> int:
    """Releases active reservations whose time ran out; how many."""
    now = now or timezone.now()
    return Reservation.objects.filter(status=Reservation.Status.ACTIVE, expires_at__lt=now).update(
        status=Reservation.Status.RELEASED)
