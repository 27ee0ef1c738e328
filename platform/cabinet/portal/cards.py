"""The core's card on the owner's overview."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import verticals
from cabinet.registry import DashboardCard

from . import selectors

NEW_CUSTOMER_DAYS = 7


def customers_card(request) -> DashboardCard:
    """New customers this week (in the vertical's word), and how many there are in all: one query."""
    figures = selectors.customer_figures(since=timezone.now() - timedelta(days=NEW_CUSTOMER_DAYS))
    vertical = verticals.get_vertical(request.portal.vertical) if getattr(request, "portal", None) else None
    noun = vertical.customer_noun_plural if vertical else _("customers")  # the vertical's word: patients, guests
    return DashboardCard(
        title=_("New %(customers)s this week") % {"customers": noun}, value=str(figures["new"]),
        detail=ngettext("%(count)s in all", "%(count)s in all", figures["total"]) % {"count": figures["total"]},
        url=reverse("portal:manage-customers"), icon="people")
