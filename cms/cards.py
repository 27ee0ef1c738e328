from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.registry import DashboardCard

from . import selectors


def manage_card(request) -> DashboardCard:
    """The overview of the owner, managers and editors: articles published, and drafts (one query)."""
    figures = selectors.article_figures()
    return DashboardCard(title=_("Articles published"), value=str(figures["published"]),
                         detail=ngettext("%(count)s draft", "%(count)s drafts", figures["drafts"])
                         % {"count": figures["drafts"]},
                         url=reverse("news-manage:index"), icon="newspaper")
