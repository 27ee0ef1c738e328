from django.utils.translation import gettext_lazy as _

from cabinet.registry import ChecklistItem, ManageCard, ManageEntry, Module, ModuleSetting, NavEntry

MODULE = Module(
    key="news",
    title=_("News"),
    description=_("Articles and announcements of the business, written by its content editors."),
    icon="newspaper",
    portal_urls="cms.urls",
    manage_urls="cms.manage_urls",
    api_urls="cms.api_urls",
    dashboard_card="cms.views.news_card",
    nav=(NavEntry(_("News"), "list", icon="newspaper", login_required=False),),
    manage_nav=(ManageEntry(_("News"), "index", roles=("owner", "manager", "editor"), icon="newspaper", group="content"),),
    manage_card=ManageCard("cms.cards.manage_card", roles=("owner", "manager", "editor")),
    checklist=(ChecklistItem("first-article", _("Publish your first article"), "index",
                             roles=("owner", "manager", "editor"), done="cms.selectors.has_live_articles"),),
    settings=(
        ModuleSetting("page_size", _("Articles per page"), kind="int", default=10, min_value=5, max_value=50),
    ),
    personal_data="cms.selectors.personal_data",
    erase_personal_data="cms.services.erase_personal_data",
    demo_content="cms.demo.seed_demo_content",
    order=70,
)
