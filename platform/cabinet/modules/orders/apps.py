from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Ledger reasons of the orders module (the ledger has "invoice_payment" and "bank_transfer" itself).
INVOICE_REFUND = _("refund of invoice %(number)s")


class OrdersConfig(AppConfig):
    name = "cabinet.modules.orders"
    label = "orders"

    def ready(self) -> None:
        from cabinet.ledger import reasons

        reasons.register("invoice_refund", INVOICE_REFUND)
