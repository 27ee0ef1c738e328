from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Why points moved, in the reader's language (cabinet.ledger.reasons); the ledger has "expiry" itself.
REASONS = {
    "loyalty_purchase": _("order #%(number)s, %(percent)s %% of %(amount)s"),
    "loyalty_first_order": _("first order #%(number)s"),
    "loyalty_sign_up": _("welcome bonus for signing up"),
    "loyalty_birthday": _("birthday gift %(year)s"),
    "loyalty_review": _("for your rating"),
    "loyalty_referral": _("a friend joined: %(friend)s"),
    "loyalty_spend": _("paid %(amount)s of order #%(number)s"),
    "loyalty_return": _("returned: order #%(number)s was cancelled or refunded"),
}


class LoyaltyConfig(AppConfig):
    name = "cabinet.modules.loyalty"
    label = "loyalty"

    def ready(self) -> None:
        from cabinet import events
        from cabinet.ledger import reasons
        from cabinet.modules.orders.services import order_event

        from . import receivers

        for key, text in REASONS.items():
            reasons.register(key, text)
        events.customer_event.connect(receivers.on_customer_event, dispatch_uid="loyalty.customer_event")
        order_event.connect(receivers.on_order_event, dispatch_uid="loyalty.order_event")
