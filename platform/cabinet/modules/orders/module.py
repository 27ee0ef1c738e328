from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cabinet.registry import (
    ChecklistItem,
    ManageCard,
    ManageEntry,
    Module,
    ModuleSetting,
    NavEntry,
    PaymentPurpose,
    PeriodicTask,
)

MODULE = Module(
    key="orders",
    title=_("Orders"),
    description=_("A cart with discounts explained line by line, checkout that reserves the goods, "
                  "the customer's orders with their status, repeat and recurring orders, invoices, "
                  "and the business's order queue."),
    icon="cart",
    portal_urls="cabinet.modules.orders.urls",
    manage_urls="cabinet.modules.orders.manage_urls",
    api_urls="cabinet.modules.orders.api_urls",
    dashboard_card="cabinet.modules.orders.cards.dashboard_card",
    nav=(NavEntry(_("Cart"), "cart", icon="cart", current_for=("checkout",), badge="cabinet.modules.orders.cards.cart_badge"),
         NavEntry(_("My orders"), "list", icon="list", current_for=("*",))),
    manage_nav=(ManageEntry(_("Orders"), "queue", roles=("owner", "manager", "operator"), icon="cart", group="sales"),
                ManageEntry(_("Discounts"), "discounts", roles=("owner", "manager"), icon="star", group="sales")),
    periodic_tasks=(PeriodicTask("cabinet.orders.tasks.place_due_recurring_orders", every=900.0),
                    PeriodicTask("cabinet.orders.tasks.remind_overdue_invoices", every=3600.0)),
    manage_card=ManageCard("cabinet.modules.orders.cards.manage_card", roles=("owner", "manager")),
    checklist=(ChecklistItem("first-order", _("Receive the first order"), "queue",
                             done="cabinet.modules.orders.selectors.has_orders"),),
    depends_on=("catalog",),
    settings=(
        ModuleSetting("invoice_language", _("Invoice language"), kind="choice", default=settings.LANGUAGE_CODE,
                      choices=tuple(settings.LANGUAGES),
                      help_text=_("Invoices and their e-mails are in each customer's own language; customers who "
                                  "have not chosen one get them in this language.")),
        ModuleSetting("payment_terms_days", _("Payment terms, days"), kind="int", default=14, min_value=0,
                      max_value=365, help_text=_("An invoice is due this many days after it is issued.")),
        ModuleSetting("require_payment", _("Payment before confirmation"), kind="bool", default=False,
                      help_text=_("Orders are confirmed only once their invoice is paid in full; customers can "
                                  "pay right after checkout.")),
    ),
    payment_purposes=(PaymentPurpose("orders.invoice", _("Payment of an invoice"),
                                     succeeded="cabinet.modules.orders.services.payments.card_payment_succeeded",
                                     refunded="cabinet.modules.orders.services.payments.card_payment_refunded"),),
    notification_events=(
        ("orders.invoice", _("The invoice of my confirmed order")),
        ("orders.recurring", _("What my recurring order placed, or why not")),
        ("orders.overdue", _("Reminders of my overdue invoices")),
    ),
    personal_data="cabinet.modules.orders.selectors.personal_data",
    erase_personal_data="cabinet.modules.orders.services.erase_personal_data",
    demo_content="cabinet.modules.orders.demo.seed_demo_content",
    timeline="cabinet.modules.orders.timeline.SOURCE", customer_card="cabinet.modules.orders.customer_card.section",
    order=25,
)
