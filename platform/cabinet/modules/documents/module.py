from django.utils.translation import gettext_lazy as _

from cabinet.registry import ChecklistItem, ManageCard, ManageEntry, Module, NavEntry

MODULE = Module(
    key="documents",
    title=_("Documents"),
    description=_("Contracts, invoices, acts and results the business hands to each customer."),
    icon="file",
    portal_urls="cabinet.modules.documents.urls",
    manage_urls="cabinet.modules.documents.manage_urls",
    api_urls="cabinet.modules.documents.api_urls",
    dashboard_card="cabinet.modules.documents.cards.dashboard_card",
    nav=(NavEntry(_("My documents"), "list", icon="file"),),
    manage_nav=(ManageEntry(_("Documents"), "list", roles=("owner", "manager"), icon="file", group="customers"),),
    manage_card=ManageCard("cabinet.modules.documents.cards.manage_card", roles=("owner", "manager")),
    checklist=(ChecklistItem("first-document", _("Hand a document to a customer"), "upload",
                             done="cabinet.modules.documents.selectors.has_documents"),),
    personal_data="cabinet.modules.documents.selectors.personal_data",
    personal_files="cabinet.modules.documents.selectors.personal_files",
    erase_personal_data="cabinet.modules.documents.services.erase_personal_data",
    timeline="cabinet.modules.documents.timeline.SOURCE", customer_card="cabinet.modules.documents.customer_card.section",
    order=40,
)
