from django.utils.translation import gettext_lazy as _

from cabinet.registry import ChecklistItem, ManageCard, ManageEntry, Module, NavEntry

MODULE = Module(
    key="feedback",
    title=_("Feedback"),
    description=_("Customers rate how their resolved requests were handled; staff see the average and comments."),
    icon="star",
    portal_urls="cabinet.modules.feedback.urls",
    manage_urls="cabinet.modules.feedback.manage_urls",
    dashboard_card="cabinet.modules.feedback.cards.dashboard_card",
    nav=(NavEntry(_("Ratings"), "list", icon="star"),),
    manage_nav=(ManageEntry(_("Ratings"), "list", roles=("owner", "manager"), icon="star", group="service"),),
    manage_card=ManageCard("cabinet.modules.feedback.cards.manage_card", roles=("owner", "manager")),
    checklist=(ChecklistItem("first-rating", _("Receive the first rating"), "list",
                             done="cabinet.modules.feedback.selectors.has_ratings"),),
    depends_on=("support",),
    personal_data="cabinet.modules.feedback.selectors.personal_data",
    erase_personal_data="cabinet.modules.feedback.services.erase_personal_data",
    timeline="cabinet.modules.feedback.timeline.SOURCE",
    order=55,
)
