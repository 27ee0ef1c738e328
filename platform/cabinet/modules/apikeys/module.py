from django.utils.translation import gettext_lazy as _

from cabinet.registry import ChecklistItem, ManageCard, ManageEntry, Module, ModuleSetting, NavEntry

MODULE = Module(
    key="api",
    title=_("B2B API"),
    description=_("Customers create API keys in their portal and use the API from their own systems."),
    icon="key",
    portal_urls="cabinet.modules.apikeys.urls",
    manage_urls="cabinet.modules.apikeys.manage_urls",
    api_urls="cabinet.modules.apikeys.api_urls",
    nav=(NavEntry(_("API keys"), "list", icon="key", customers_only=True),),
    manage_nav=(ManageEntry(_("API keys"), "list", roles=("owner", "manager"), icon="key", group="customers"),),
    manage_card=ManageCard("cabinet.modules.apikeys.cards.manage_card", roles=("owner", "manager")),
    checklist=(ChecklistItem("first-key", _("A customer connects through the API"), "list",
                             done="cabinet.modules.apikeys.selectors.has_keys",
                             help_text=_("Customers create their API keys in the portal, under “API keys”.")),),
    settings=(
        ModuleSetting("requests_per_minute", _("Requests per minute per key"), kind="int", default=120,
                      min_value=1, max_value=10000,
                      help_text=_("A key that sends more requests in one minute gets HTTP 429 until the minute "
                                  "is over.")),
    ),
    order=90,
)
