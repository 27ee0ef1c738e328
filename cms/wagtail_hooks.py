"""What the news module changes in the Wagtail admin (Wagtail finds this module in every installed app)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.site_summary import PagesSummaryItem, SummaryItem

from .selectors import article_counts, news_index


@hooks.register("register_admin_menu_item")
def back_to_the_manage_area():
    """The editor is one part of the manage area; this is the way back to the rest of it."""
    return MenuItem(_("Back to the manage area"), "/manage/", name="kabinet-manage", icon_name="arrow-left", order=1)


class ArticlesSummaryItem(SummaryItem):
    """The dashboard's counter of what editors work on: published articles and drafts, not Wagtail "pages"
    (which would count the news index too)."""

    order = 100
    template_name = "cms/admin/summary_articles.html"

    def get_context_data(self, parent_context):
        index = news_index()
        return {**article_counts(),
                "explore_url": reverse("wagtailadmin_explore", args=[index.pk]) if index is not None else ""}


@hooks.register("construct_homepage_summary_items", order=100)  # after Wagtail's own items are added
def articles_instead_of_pages(request, items):
    items[:] = [item for item in items if not isinstance(item, PagesSummaryItem)]
    items.append(ArticlesSummaryItem(request))
