from django.utils.translation import gettext_lazy as _

from cabinet.registry import ManageCard, ManageEntry, Module, ModuleSetting, NavEntry, PeriodicTask

REWARDS = (
    ("money", _("Money on the customer's balance")),
    ("points", _("Bonus points")),
    ("commission", _("Commission account (the business pays it out)")),
)

MODULE = Module(
    key="referrals",
    title=_("Referrals"),
    description=_("Each customer's personal link and code; friends who register through them bring the customer "
                  "a share of their purchases, credited once the order is paid and its return window has passed."),
    icon="users",
    portal_urls="cabinet.modules.referrals.urls",
    manage_urls="cabinet.modules.referrals.manage_urls",
    dashboard_card="cabinet.modules.referrals.cards.dashboard_card",
    manage_card=ManageCard("cabinet.modules.referrals.cards.manage_card", roles=("owner", "manager")),
    nav=(NavEntry(_("Referrals"), "page", icon="users", current_for=("*",)),),
    manage_nav=(ManageEntry(_("Referrals"), "overview", roles=("owner", "manager"), icon="users", group="customers"),),
    depends_on=("orders",),
    settings=(
        ModuleSetting("reward", _("Reward the referrer with"), kind="choice", default="money", choices=REWARDS),
        ModuleSetting("percent", _("Share of each purchase (%)"), kind="int", default=5, min_value=1, max_value=50),
        ModuleSetting("cap_per_friend", _("At most per friend (0: no cap)"), kind="int", default=0, min_value=0,
                      max_value=10_000_000,
                      help_text=_("In the reward's units: money in the order's currency, or points.")),
        ModuleSetting("cap_per_month", _("At most per referrer a month (0: no cap)"), kind="int", default=0,
                      min_value=0, max_value=10_000_000,
                      help_text=_("In the reward's units: money in the order's currency, or points.")),
        ModuleSetting("months", _("Reward purchases for (months after the friend joined, 0: always)"), kind="int",
                      default=12, min_value=0, max_value=120),
        ModuleSetting("return_days", _("Return window (days) before the commission is credited"), kind="int",
                      default=14, min_value=0, max_value=365),
        ModuleSetting("code_days", _("A new customer may enter a code within (days after registering)"), kind="int",
                      default=14, min_value=0, max_value=365),
    ),
    notification_events=(("referrals.joined", _("A friend joined through my link or code")),
                         ("referrals.available", _("My referral commission was credited"))),
    periodic_tasks=(PeriodicTask("cabinet.referrals.tasks.mature_commissions", every=900.0),),
    erase_personal_data="cabinet.modules.referrals.services.erase_personal_data",
    demo_content="cabinet.modules.referrals.demo.seed_demo_content",
    order=47,
)
