from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.registry import DashboardCard

from . import selectors


def manage_card(request) -> DashboardCard:
    """The owner's overview: customers' API keys in use, and of them used this week (one query)."""
    figures = selectors.key_figures(since=timezone.now() - timedelta(days=7))
    return DashboardCard(title=_("API keys in use"), value=str(figures["active"]),
                         detail=ngettext("%(count)s used this week", "%(count)s used this week", figures["used"])
                         % {"count": figures["used"]},
                         url=reverse("api-manage:list"), icon="key")
