from django.utils.translation import gettext_lazy as _

from cabinet.registry import (
    ManageCard,
    ManageEntry,
    Module,
    NavEntry,
    PeriodicTask,
    PricingCondition,
    SupportPriority,
)

MODULE = Module(
    key="clubs",
    title=_("Clubs"),
    description=_("Interest clubs customers join (open, by approval or automatically by spend): club-only "
                  "discounts, club news, a moderated board, and members first in the support queue."),
    icon="users",
    portal_urls="cabinet.modules.clubs.urls",
    manage_urls="cabinet.modules.clubs.manage_urls",
    dashboard_card="cabinet.modules.clubs.cards.dashboard_card",
    nav=(NavEntry(_("Clubs"), "list", icon="users", login_required=False, current_for=("*",)),),
    manage_nav=(
        ManageEntry(_("Clubs"), "clubs", roles=("owner", "manager"), icon="users", group="customers"),
        ManageEntry(_("Join requests"), "approvals", roles=("owner", "manager"), icon="users",
                    group="customers"),
        ManageEntry(_("Reported posts"), "reports", roles=("owner", "manager", "editor"), icon="flag",
                    group="content"),
    ),
    depends_on=("orders",),
    notification_events=(
        ("clubs.joined", _("I joined a club")),
        ("clubs.left", _("I left a club")),
        ("clubs.approved", _("My request to join a club was approved")),
        ("clubs.news", _("News of my clubs")),
    ),
    personal_data="cabinet.modules.clubs.selectors.personal_data",
    erase_personal_data="cabinet.modules.clubs.services.erase_personal_data",
    demo_content="cabinet.modules.clubs.demo.seed_demo_content",
    manage_card=ManageCard("cabinet.modules.clubs.cards.manage_card", roles=("owner", "manager")),
    periodic_tasks=(PeriodicTask("cabinet.clubs.tasks.recalculate_spend_clubs", every=3600.0),),
    pricing_conditions=(PricingCondition(
        key="clubs.member", label=_("Member of the club"), values="cabinet.modules.clubs.selectors.condition_values",
        choices="cabinet.modules.clubs.selectors.condition_choices"),),
    support_priorities=(SupportPriority(key="clubs.members", tiers="cabinet.modules.clubs.selectors.support_tiers"),),
    order=60,
)
