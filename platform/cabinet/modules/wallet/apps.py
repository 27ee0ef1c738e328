from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletConfig(AppConfig):
    name = "cabinet.modules.wallet"
    label = "wallet"

    def ready(self):
        from cabinet.ledger import reasons

        reasons.register("topup_refund", TOPUP_REFUND)


TOPUP_REFUND = _("top-up refunded to the card")
