from django.utils.translation import gettext_lazy as _

from cabinet.registry import Module, NavEntry

MODULE = Module(
    key="timeline",
    title=_("My events"),
    description=_("Every interaction with a customer in one list: messages, requests, orders, documents, "
                  "ratings, and the calls and meetings staff log; with staff-only notes on the customer card."),
    icon="clock",
    portal_urls="cabinet.modules.timeline.urls",
    manage_urls="cabinet.modules.timeline.manage_urls",
    nav=(NavEntry(_("My events"), "list", icon="clock", customers_only=True),),
    timeline="cabinet.modules.timeline.timeline.SOURCE",
    customer_card="cabinet.modules.timeline.customer_card.section",
    personal_data="cabinet.modules.timeline.selectors.personal_data",
    demo_content="cabinet.modules.timeline.demo.seed_demo_content",
    order=45,
)
