from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from cabinet.registry import (
    ChecklistItem,
    ManageCard,
    ManageEntry,
    Module,
    ModuleSetting,
    NavEntry,
    PeriodicTask,
)

# Stored in English, one topic per line, as the business's settings (it edits them); each reader sees them in
# their own language (support.topics). Verticals set their own in verticals/registry.py.
DEFAULT_TOPICS = "\n".join((
    gettext_noop("General question"), gettext_noop("Billing and payment"), gettext_noop("Technical problem"),
    gettext_noop("Complaint"), gettext_noop("Suggestion")))

MODULE = Module(
    key="support",
    title=_("Support"),
    description=_("Customers send requests and questions; staff answer in a thread and track the status."),
    icon="chat",
    portal_urls="cabinet.modules.support.urls",
    manage_urls="cabinet.modules.support.manage_urls",
    api_urls="cabinet.modules.support.api_urls",
    dashboard_card="cabinet.modules.support.cards.dashboard_card",
    nav=(NavEntry(_("Support"), "list", icon="chat", current_for=("*",)),
         NavEntry(_("My tasks"), "tasks", icon="list")),
    manage_nav=(ManageEntry(_("Requests"), "queue", roles=("owner", "manager", "operator"), icon="chat", group="service"),
                ManageEntry(_("Request stages"), "stages", roles=("owner", "manager"), icon="list", group="service")),
    periodic_tasks=(PeriodicTask("cabinet.support.tasks.auto_close_resolved_requests", every=86400.0),),
    manage_card=ManageCard("cabinet.modules.support.cards.manage_card", roles=("owner", "manager", "operator")),
    checklist=(ChecklistItem("first-reply", _("Answer a customer's request"), "queue",
                             roles=("owner", "manager", "operator"), done="cabinet.modules.support.selectors.has_staff_reply"),),
    settings=(
        ModuleSetting("topics", _("Request topics"), kind="text",
                      default=DEFAULT_TOPICS,
                      help_text=_("One topic per line; customers pick one when they write to you. The topics of "
                                  "your template are shown to each customer in their language; topics you "
                                  "add are shown as you type them."),
                      shown_as="cabinet.modules.support.topics.for_editing",
                      stored_as="cabinet.modules.support.topics.from_editing"),
        ModuleSetting("auto_close_days", _("Close resolved requests after (days)"), kind="int", default=7,
                      min_value=1, max_value=365,
                      help_text=_("A resolved request the customer does not answer is closed after this many days.")),
    ),
    notification_events=(
        ("support.reply", _("A reply to my request")),
        ("support.status", _("My request's status changed")),
        ("support.stage", _("My task moved to another stage")),
    ),
    staff_notification_events=(
        ("support.assigned", _("A request was given to me")),
        ("support.customer_reply", _("A customer answered a request given to me")),
    ),
    personal_data="cabinet.modules.support.selectors.personal_data",
    personal_files="cabinet.modules.support.selectors.personal_files",
    erase_personal_data="cabinet.modules.support.services.erase_personal_data",
    demo_content="cabinet.modules.support.demo.seed_demo_content",
    timeline="cabinet.modules.support.timeline.SOURCE", customer_card="cabinet.modules.support.customer_card.section",
    order=50,
)
