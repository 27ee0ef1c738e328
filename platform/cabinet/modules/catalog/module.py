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
    key="catalog",
    title=_("Catalog"),
    description=_("Goods and services with prices, photos and live stock per warehouse; customers keep favourites."),
    icon="box",
    portal_urls="cabinet.modules.catalog.urls",
    manage_urls="cabinet.modules.catalog.manage_urls",
    api_urls="cabinet.modules.catalog.api_urls",
    dashboard_card="cabinet.modules.catalog.cards.dashboard_card",
    nav=(NavEntry(_("Catalog"), "list", icon="box", login_required=False),),
    manage_nav=(ManageEntry(_("Catalog"), "products", roles=("owner", "manager"), icon="box", group="sales"),),
    periodic_tasks=(PeriodicTask("cabinet.catalog.tasks.expire_reservations", every=300.0),),
    manage_card=ManageCard("cabinet.modules.catalog.cards.manage_card", roles=("owner", "manager")),
    checklist=(ChecklistItem("products", _("Add your products or services"), "products",
                             done="cabinet.modules.catalog.selectors.has_products"),),
    settings=(
        ModuleSetting("reservation_minutes", _("Hold reserved goods for (minutes)"), kind="int", default=60,
                      min_value=5, max_value=10080,
                      help_text=_("Goods reserved for an unconfirmed order return to sale after this time.")),
    ),
    personal_data="cabinet.modules.catalog.selectors.personal_data",
    erase_personal_data="cabinet.modules.catalog.services.erase_personal_data",
    demo_content="cabinet.modules.catalog.demo.seed_demo_content",
    order=20,
)
