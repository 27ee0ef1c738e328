"""The core's card on the owner's overview."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.registry import DashboardCard

from . import selectors

NEW_CUSTOMER_DAYS = 7


def customers_card(request) -> DashboardCard:
    """New customers this week, and how many there are in all: one query."""
    figures = selectors.customer_figures(since=timezone.now() - timedelta(days=NEW_CUSTOMER_DAYS))
    return DashboardCard(
        title=_("New customers this week"), value=str(figures["new"]),
        detail=ngettext("%(count)s customer in all", "%(count)s customers in all", figures["total"])
        % {"count": figures["total"]},
        url=reverse("portal:manage-customers"), icon="people")
