from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cabinet.registry import (
    ChecklistItem,
    ManageCard,
    ManageEntry,
    Module,
    ModuleSetting,
    NavEntry,
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
    periodic_tasks=(PeriodicTask("cabinet.orders.tasks.place_due_recurring_orders", every=900.0),),
    manage_card=ManageCard("cabinet.modules.orders.cards.manage_card", roles=("owner", "manager")),
    checklist=(ChecklistItem("first-order", _("Receive the first order"), "queue",
                             done="cabinet.modules.orders.selectors.has_orders"),),
    depends_on=("catalog",),
    settings=(
        ModuleSetting("invoice_language", _("Invoice language"), kind="choice", default=settings.LANGUAGE_CODE,
                      choices=tuple(settings.LANGUAGES),
                      help_text=_("Invoices and their e-mails are in each customer's own language; customers who "
                                  "have not chosen one get them in this language.")),
    ),
    notification_events=(
        ("orders.invoice", _("The invoice of my confirmed order")),
        ("orders.recurring", _("What my recurring order placed, or why not")),
    ),
    personal_data="cabinet.modules.orders.selectors.personal_data",
    erase_personal_data="cabinet.modules.orders.services.erase_personal_data",
    demo_content="cabinet.modules.orders.demo.seed_demo_content",
    timeline="cabinet.modules.orders.timeline.SOURCE", customer_card="cabinet.modules.orders.customer_card.section",
    order=25,
)
