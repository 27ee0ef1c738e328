from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cabinet.registry import DashboardCard

from . import selectors


def dashboard_card(request) -> DashboardCard:
    """Bonus points: available, pending and expiring soon (three queries)."""
    found = selectors.summary(customer=request.user)
    details = []
    if found.pending:
        details.append(_("%(points)s pending") % {"points": selectors.points_text(found.pending)})
    if found.expiring and found.expiring_on:
        details.append(_("%(points)s expire by %(date)s") % {
            "points": selectors.points_text(found.expiring), "date": date_format(found.expiring_on, "DATE_FORMAT")})
    return DashboardCard(title=_("Bonus points"), value=selectors.points_text(found.available),
                         detail=" · ".join(details) or _("How to earn more"), url=reverse("loyalty:points"),
                         icon="star")
