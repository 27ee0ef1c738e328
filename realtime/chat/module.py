from django.utils.translation import gettext_lazy as _

from cabinet.registry import ChecklistItem, ManageEntry, Module, ModuleSetting, NavEntry, PeriodicTask

MODULE = Module(
    key="chat",
    title=_("Chat"),
    description=_("Customers write from any page of the portal; operators answer many at once, live, from one "
                  "inbox. Nothing a customer writes is lost, even when the connection drops."),
    icon="chat",
    portal_urls="realtime.chat.urls",
    manage_urls="realtime.chat.manage_urls",
    nav=(NavEntry(_("Chat"), "panel", icon="chat", customers_only=True),),
    manage_nav=(ManageEntry(_("Chats"), "inbox", roles=("owner", "manager", "operator"), icon="chat",
                            group="service"),
                ManageEntry(_("Canned replies"), "canned", roles=("owner", "manager"), icon="list",
                            group="service")),
    checklist=(ChecklistItem("chat-reply", _("Answer a customer in the chat"), "inbox",
                             roles=("owner", "manager", "operator"),
                             done="realtime.chat.selectors.has_staff_message"),),
    settings=(
        ModuleSetting("operator_limit", _("Conversations given to one operator at most"), kind="int", default=5,
                      min_value=0, max_value=50,
                      help_text=_("A new conversation goes to the operator online with the fewest open ones, "
                                  "while they have fewer than this; 0: operators take conversations by hand.")),
        ModuleSetting("away_minutes", _("Give back the conversations of an operator away for (minutes)"),
                      kind="int", default=10, min_value=1, max_value=240,
                      help_text=_("When an operator has had no chat open this long, their open conversations "
                                  "go back to the queue and to a colleague online.")),
        ModuleSetting("hours", _("Chat hours"), kind="text", default="",
                      help_text=_("One line per day or days, in your time zone, e.g. “mon-fri 09:00-18:00” and "
                                  "“sat 10:00-14:00”. Outside them the chat says when you are back and takes the "
                                  "message. Empty: always open.")),
    ),
    periodic_tasks=(PeriodicTask("realtime.chat.tasks.return_away_operators_conversations", every=60.0),),
    notification_events=(("chat.reply", _("A new message in the chat while I am away")),),
    personal_data="realtime.chat.selectors.personal_data",
    erase_personal_data="realtime.chat.services.erase_personal_data",
    demo_content="realtime.chat.demo.seed_demo_content",
    page_widget="chat/widget.html",
    order=52,
)
