from django.utils.translation import gettext_lazy as _

from cabinet.registry import CheckoutDeduction, ManageEntry, Module, ModuleSetting, NavEntry, PeriodicTask

MODULE = Module(
    key="loyalty",
    title=_("Bonus points"),
    description=_("Points for purchases, signing up, the first order, birthdays, ratings and friends who join; "
                  "pending until the return window passes, spent at checkout up to a share of the order, "
                  "expiring after the months the business sets, each entry explained."),
    icon="star",
    portal_urls="cabinet.modules.loyalty.urls",
    manage_urls="cabinet.modules.loyalty.manage_urls",
    dashboard_card="cabinet.modules.loyalty.cards.dashboard_card",
    customer_card="cabinet.modules.loyalty.customer_card.section",
    nav=(NavEntry(_("My points"), "points", icon="star", current_for=("*",)),),
    manage_nav=(ManageEntry(_("Bonus points"), "rules", roles=("owner", "manager"), icon="star", group="sales"),),
    depends_on=("orders",),
    settings=(
        ModuleSetting("point_value", _("One point is worth (hundredths of the order's currency)"), kind="int",
                      default=100, min_value=1, max_value=1_000_000,
                      help_text=_("100: one point pays 1.00 of the order's currency.")),
        ModuleSetting("max_share", _("Points may pay at most (percent of an order)"), kind="int", default=30,
                      min_value=0, max_value=100),
        ModuleSetting("return_days", _("Return window (days) before points of an order become available"),
                      kind="int", default=14, min_value=0, max_value=365),
        ModuleSetting("expiry_months", _("Points expire after (months, 0: never)"), kind="int", default=0,
                      min_value=0, max_value=120),
        ModuleSetting("reminder_days", _("Remind the customer before points expire (days)"), kind="int",
                      default=14, min_value=1, max_value=90),
    ),
    notification_events=(("loyalty.expiring", _("My bonus points are about to expire")),),
    periodic_tasks=(PeriodicTask("cabinet.loyalty.tasks.mature_and_expire", every=900.0),),
    checkout_deductions=(CheckoutDeduction(
        key="loyalty.points", label=_("Bonus points"), quote="cabinet.modules.loyalty.deduction.quote",
        apply="cabinet.modules.loyalty.deduction.apply", explain="cabinet.modules.loyalty.deduction.explain",
        cart_template="loyalty/_cart_choice.html"),),
    personal_data="cabinet.modules.loyalty.selectors.personal_data",
    demo_content="cabinet.modules.loyalty.demo.seed_demo_content",
    order=46,
)
