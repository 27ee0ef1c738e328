from django.utils.translation import gettext_lazy as _

from cabinet.registry import ManageEntry, Module, NavEntry

MODULE = Module(
    key="wallet",
    title=_("My balance"),
    description=_("Each customer's balance in money, bonus points and commission, with every entry explained, "
                  "reconciliation statements and the staff's adjustments and credit limits."),
    icon="wallet",
    portal_urls="cabinet.modules.wallet.urls",
    manage_urls="cabinet.modules.wallet.manage_urls",
    dashboard_card="cabinet.modules.wallet.cards.dashboard_card",
    nav=(NavEntry(_("My balance"), "balance", icon="wallet", current_for=("*",)),),
    manage_nav=(ManageEntry(_("Balances"), "find", roles=("owner", "manager"), icon="wallet", group="customers"),),
    notification_events=(("wallet.adjustment", _("The business adjusted my balance")),),
    demo_content="cabinet.modules.wallet.demo.seed_demo_content",
    order=45,
)
