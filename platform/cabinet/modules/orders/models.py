"""Cart, discount rules, orders with their lines and status history.

An order keeps the prices, discounts and names it was placed with, so later catalog changes never
rewrite what a customer agreed to pay."""

import logging
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cabinet.modules.catalog.selectors import ProductKind
from cabinet.modules.orders import pricing
from cabinet.money import CURRENCIES

from . import flows

CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]
MAX_QUANTITY = 999
# Carriers whose tracking page takes the number in its address; the link staff enter wins over these.
KNOWN_CARRIERS: dict[str, str] = {
    "Nova Poshta": "https://novaposhta.ua/tracking/?cargo_number={number}",
    "Ukrposhta": "https://track.ukrposhta.ua/tracking_UA.html?barcode={number}",
    "Russian Post": "https://www.pochta.ru/tracking?barcode={number}",
    "DHL": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={number}",
    "UPS": "https://www.ups.com/track?tracknum={number}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={number}",
}
logger = logging.getLogger(__name__)


def known_carrier_link(carrier: str) -> str:
    """The tracking address pattern of a known carrier (any case), or ""."""
    wanted = (carrier or "").strip().casefold()
    return next((link for name, link in KNOWN_CARRIERS.items() if name.casefold() == wanted), "")


def discount_texts(stored: list, legacy_text: str) -> list[str]:
    """Explanations of stored discounts (`pricing.DiscountFacts.to_json` records) in the active language,
    each with its amount. Rows placed before the facts were stored keep the text they were placed with."""
    texts = []
    for record in stored or ():
        try:
            texts.append(str(pricing.DiscountFacts.from_json(record)))
        except pricing.PricingError:
            logger.warning("unreadable stored discount %r", record)
    if texts or stored:
        return texts
    return [text for text in (legacy_text or "").splitlines() if text.strip()]


class DiscountRule(models.Model):
    """A business's discount rule; `to_rule()` gives the pricing engine's `Rule` (see docs/pricing.md)."""

    class Kind(models.TextChoices):
        QUANTITY_BREAK = pricing.RuleKind.QUANTITY_BREAK.value, _("Quantity break")
        CATEGORY_SHARE = pricing.RuleKind.CATEGORY_SHARE.value, _("Category discount")
        CART_THRESHOLD = pricing.RuleKind.CART_THRESHOLD.value, _("Cart total threshold")
        FIRST_ORDER = pricing.RuleKind.FIRST_ORDER.value, _("First order")
        CUSTOMER_GROUP = pricing.RuleKind.CUSTOMER_GROUP.value, _("Customer group")
        TIME_WINDOW = pricing.RuleKind.TIME_WINDOW.value, _("Time window")
        CONDITION = pricing.RuleKind.CONDITION.value, _("Special condition")

    class ValueType(models.TextChoices):
        PERCENT = pricing.ValueType.PERCENT.value, _("Percent")
        FIXED = pricing.ValueType.FIXED.value, _("Fixed amount")

    class Scope(models.TextChoices):
        CART = pricing.Scope.CART.value, _("Whole cart")
        PRODUCTS = pricing.Scope.PRODUCTS.value, _("Chosen products")
        CATEGORIES = pricing.Scope.CATEGORIES.value, _("Chosen categories")

    class Combine(models.TextChoices):
        BEST = pricing.Combine.BEST.value, _("Best for the customer")
        STACK = pricing.Combine.STACK.value, _("On top of other discounts")

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType.choices,
                                  default=ValueType.PERCENT)
    scope = models.CharField(_("applies to"), max_length=12, choices=Scope.choices, default=Scope.CART)
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="+", verbose_name=_("products"))
    categories = models.ManyToManyField("catalog.Category", blank=True, related_name="+", verbose_name=_("categories"))
    combine = models.CharField(_("combination"), max_length=10, choices=Combine.choices, default=Combine.BEST)
    priority = models.IntegerField(_("priority"), default=0)
    active = models.BooleanField(_("active"), default=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, blank=True)
    min_quantity = models.PositiveIntegerField(_("minimum quantity"), null=True, blank=True)
    threshold = models.DecimalField(_("cart total from"), max_digits=12, decimal_places=2, null=True, blank=True)
    customer_group = models.CharField(_("customer group"), max_length=60, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)  # 0 = Monday
    daily_start = models.TimeField(_("daily from"), null=True, blank=True)
    daily_end = models.TimeField(_("daily until"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # A condition another module keeps, "<condition key>:<value>" (cabinet.registry.pricing_conditions).
    condition = models.CharField(_("condition"), max_length=120, blank=True)

    class Meta:
        ordering = ("priority", "id")
        verbose_name = _("discount rule")
        verbose_name_plural = _("discount rules")

    def __str__(self) -> str:
        return self.title

    def to_rule(self) -> pricing.Rule:
        """The engine's rule; reads products and categories (prefetch them for many rules)."""
        return pricing.Rule(
            id=self.pk, title=self.title, kind=self.kind, value=self.value, value_type=self.value_type,
            scope=self.scope, product_ids=frozenset(p.pk for p in self.products.all()),
            category_ids=frozenset(c.pk for c in self.categories.all()), combine=self.combine,
            priority=self.priority, active=self.active, currency=self.currency or None,
            min_quantity=self.min_quantity, threshold=self.threshold, customer_group=self.customer_group or None,
            starts_at=self.starts_at, ends_at=self.ends_at, weekdays=frozenset(self.weekdays or ()),
            daily_start=self.daily_start, daily_end=self.daily_end, time_zone=self.time_zone or "UTC",
            condition=self.condition or None)


class Cart(models.Model):
    customer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"cart of {self.customer_id}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)])
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("added_at", "id")
        constraints = [models.UniqueConstraint(fields=("cart", "product"), name="orders_one_line_per_product")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class DeliveryDetails(models.Model):
    """Who receives the goods and how: kept on an order and on a recurring order."""

    class Delivery(models.TextChoices):
        DELIVERY = "delivery", _("Delivery")
        PICKUP = "pickup", _("Pickup")
        # Services and digital items: nothing to hand over.
        NONE = "none", _("Nothing to deliver")

    recipient_name = models.CharField(_("recipient"), max_length=150)
    phone = models.CharField(_("phone"), max_length=32)
    delivery_method = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices,
                                       default=Delivery.DELIVERY)
    address = models.CharField(_("address"), max_length=300, blank=True)
    pickup_warehouse = models.ForeignKey("catalog.Warehouse", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("pickup point"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True


class Order(DeliveryDetails):
    class Status(models.TextChoices):
        NEW = flows.NEW, _("New")
        CONFIRMED = flows.CONFIRMED, _("Confirmed")
        PACKED = flows.PACKED, _("Packed")
        SHIPPED = flows.SHIPPED, _("Shipped")
        DELIVERED = flows.DELIVERED, _("Delivered")
        READY = flows.READY, _("Ready for pickup")
        COLLECTED = flows.COLLECTED, _("Collected")
        DONE = flows.DONE, _("Done")
        CANCELLED = flows.CANCELLED, _("Cancelled")

    class Flow(models.TextChoices):
        """The statuses an order goes through (orders/flows.py), fixed when it is placed."""

        DELIVERY = flows.DELIVERY, _("Goods for delivery")
        PICKUP = flows.PICKUP, _("Goods for pickup")
        SERVICE = flows.SERVICE, _("Services")
        DIGITAL = flows.DIGITAL, _("Digital items")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal")
        API = "api", _("API")
        RECURRING = "recurring", _("Recurring order")

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    # The business's gapless sequence (1, 2, 3 …), taken in the transaction that places the order. Orders
    # placed before the sequence existed have none: their number is their id, and the sequence starts above.
    sequence_number = models.PositiveIntegerField(_("number"), null=True, blank=True, editable=False, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    flow = models.CharField(_("kind of order"), max_length=10, choices=Flow.choices, default=Flow.DELIVERY)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    subtotal = models.DecimalField(_("undiscounted sum"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    discount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    # The discounts on the whole order, as `pricing.DiscountFacts` records, explained when read.
    cart_discounts = models.JSONField(default=list, blank=True)
    # What orders placed before `cart_discounts` existed were told, in the language of their checkout.
    cart_discount_explanation = models.TextField(blank=True)
    placed_via = models.CharField(_("placed via"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    # Filled when the goods are shipped.
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    tracking_url = models.URLField(_("tracking link"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("customer", "status")), models.Index(fields=("status", "created_at"))]

    def __str__(self) -> str:
        return f"#{self.number}"

    @property
    def number(self) -> int:
        return self.sequence_number or self.pk

    @property
    def reservation_reference(self) -> str:
        return f"order:{self.pk}"

    @property
    def can_be_cancelled(self) -> bool:
        """By the customer."""
        return self.status in flows.CUSTOMER_CANCELLABLE.get(self.flow, ())

    @property
    def staff_can_cancel(self) -> bool:
        return self.status in flows.STAFF_CANCELLABLE.get(self.flow, ())

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return flows.next_statuses(self.flow, self.status)

    @property
    def has_delivery(self) -> bool:
        """Goods that are delivered or picked up (not services or digital items)."""
        return flows.needs_delivery(self.flow)

    @property
    def steps(self) -> list[tuple[str, str]]:
        """(status, label) of each step of this order's flow, for the customer's progress line."""
        return [(status, str(self.Status(status).label)) for status in flows.STEPS[self.flow]]

    @property
    def explanations(self) -> list[str]:
        """Why the whole order was discounted, in the active language."""
        return discount_texts(self.cart_discounts, self.cart_discount_explanation)

    @property
    def tracking_link(self) -> str:
        """Where the customer follows the parcel: the link staff gave, or the carrier's page for the number."""
        if self.tracking_url:
            return self.tracking_url
        template = known_carrier_link(self.carrier)
        return template.format(number=quote(self.tracking_number, safe="")) if template and self.tracking_number else ""


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(max_digits=12, decimal_places=2)
    # The product's kind when the order was placed (only goods are reserved and shipped).
    kind = models.CharField(max_length=10, choices=ProductKind.choices, default=ProductKind.GOODS)
    # The line's discounts as `pricing.DiscountFacts` records, explained when read.
    discounts = models.JSONField(default=list, blank=True)
    # What lines placed before `discounts` existed were told, in the language of their checkout.
    explanation = models.TextField(blank=True)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"

    @property
    def explanations(self) -> list[str]:
        """Why this line was discounted, in the active language."""
        return discount_texts(self.discounts, self.explanation)


class OrderStatusChange(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=10, choices=Order.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.status}"


class OrderCounter(models.Model):
    """The tenant's one order sequence (pk=1), taken like the invoice sequence: under a row lock in the
    transaction that places the order, so a refused checkout gives its number back."""

    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.last_number)


class InvoiceCounter(models.Model):
    """The tenant's one invoice sequence (pk=1). Numbers are taken under a row lock in the transaction that
    confirms the order, so a rolled-back confirmation gives its number back and the sequence has no gaps."""

    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.last_number)


class Invoice(models.Model):
    """The invoice of a confirmed order. The PDF is rendered once and kept, so it never changes afterwards."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="invoice")
    number = models.PositiveIntegerField(_("number"), unique=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    pdf = models.BinaryField(editable=False, blank=True, default=b"")
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # The last day to pay: the issue day plus the module's payment terms then (setting `payment_terms_days`).
    due_on = models.DateField(_("due date"))
    # The highest overdue reminder step already sent (0: none), so each step reminds once.
    reminded_step = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ("-number",)
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.issued_at:%Y}-{self.number:06d}"


class RecurringOrder(DeliveryDetails):
    """"Repeat every week / 2 weeks / month on day N": the lines and delivery of an order, placed again by beat
    on `next_run_on`. Prices and stock are checked afresh each time."""

    class Period(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        BIWEEKLY = "biweekly", _("Every 2 weeks")
        MONTHLY = "monthly", _("Every month")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("in effect", "Active")
        PAUSED = "paused", _("Paused")
        STOPPED = "stopped", _("Stopped")

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recurring_orders")
    source_order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    period = models.CharField(_("repeat"), max_length=10, choices=Period.choices, default=Period.MONTHLY)
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(28)])
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), null=True, blank=True, validators=[MaxValueValidator(6)])  # 0 = Monday
    next_run_on = models.DateField(_("next order on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("next_run_on", "id")
        indexes = [models.Index(fields=("status", "next_run_on"))]

    def __str__(self) -> str:
        return f"{self.get_period_display()} ({self.customer_id})"


class RecurringOrderLine(models.Model):
    recurring = models.ForeignKey(RecurringOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)])

    class Meta:
        ordering = ("id",)
        constraints = [models.UniqueConstraint(fields=("recurring", "product"), name="orders_recurring_one_line")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class RecurringRun(models.Model):
    """One attempt of beat to place a recurring order: the order placed, or why not."""

    recurring = models.ForeignKey(RecurringOrder, on_delete=models.CASCADE, related_name="runs")
    run_on = models.DateField()
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-run_on", "-id")
        constraints = [models.UniqueConstraint(fields=("recurring", "run_on"), name="orders_recurring_once_a_day")]

    def __str__(self) -> str:
        return f"{self.recurring_id} on {self.run_on}"


class InvoicePayment(models.Model):
    """One movement of money for an invoice: a payment (positive) from the customer's money account to the
    business's, or its refund to the balance (negative). Each is one ledger transaction; what an invoice has
    been paid is the sum of its rows, never a number kept aside."""

    class Method(models.TextChoices):
        BALANCE = "balance", _("From the balance")
        CARD = "card", _("By card")
        BANK = "bank", _("Bank transfer")
        REFUND = "refund", _("Refund to the balance")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    transaction = models.OneToOneField("ledger.Transaction", on_delete=models.PROTECT, related_name="+")
    # The refunded payment of a refund row (each payment is refunded at most once).
    refund_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="refund")
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    paid_on = models.DateField(_("date"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="orders_invoice_payment_not_zero")]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount}"
from .deduction_models import OrderDeduction  # noqa: E402, F401 - one table per subject, registered here
