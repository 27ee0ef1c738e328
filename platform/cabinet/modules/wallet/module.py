from django.utils.translation import gettext_lazy as _

from cabinet.money import CURRENCIES
from cabinet.registry import ManageEntry, Module, ModuleSetting, NavEntry, PaymentPurpose

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
    settings=(
        ModuleSetting("topup_min", _("Smallest top-up by card"), kind="int", default=100, min_value=1,
                      max_value=999999, help_text=_("In whole units of the top-up currency.")),
        ModuleSetting("topup_max", _("Largest top-up by card"), kind="int", default=100000, min_value=1,
                      max_value=999999, help_text=_("In whole units of the top-up currency.")),
        ModuleSetting("topup_currency", _("Top-up currency"), kind="choice", default="RUB",
                      choices=tuple((code, code) for code in CURRENCIES)),
    ),
    payment_purposes=(PaymentPurpose("wallet.topup", _("Top-up of the balance"),
                                     succeeded="cabinet.modules.wallet.topup.credit_topup",
                                     refunded="cabinet.modules.wallet.topup.debit_refund"),),
    demo_content="cabinet.modules.wallet.demo.seed_demo_content",
    order=45,
)
