"""What a checkout deduction (bonus points) took off an order: one row per deduction, written in the transaction
that places the order (cabinet.modules.orders.deductions). The order's `total` is already net of them."""

from django.db import models


class OrderDeduction(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="deductions")
    key = models.CharField(max_length=60)  # the CheckoutDeduction's key ("loyalty.points")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    # The deducting module's record, explained when read (CheckoutDeduction.explain).
    facts = models.JSONField(default=dict, blank=True)

    class Meta:
        app_label = "orders"
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=("order", "key"), name="orders_one_deduction_per_key"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="orders_deduction_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.key} {self.amount}"
