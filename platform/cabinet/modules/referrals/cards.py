from django.urls import reverse
from django.utils.translation import gettext as _

from cabinet.registry import DashboardCard

from . import selectors


def dashboard_card(request) -> DashboardCard:
    """Referrals: the friends brought and what is pending (two queries)."""
    count = selectors.friend_count(referrer=request.user)
    pending = selectors.customer_totals(referrer=request.user).pending
    detail = (_("Pending: %(amount)s") % {"amount": ", ".join(pending)} if pending
              else _("Invite friends with your link"))
    return DashboardCard(title=_("Friends brought"), value=str(count), detail=detail,
                         url=reverse("referrals:page"), icon="users")


def manage_card(request) -> DashboardCard:
    """The owner's overview: referral commission credited so far."""
    found = selectors.business_totals()
    return DashboardCard(title=_("Referral commission credited"), value=", ".join(found.credited) or "0",
                         detail=(_("Pending: %(amount)s") % {"amount": ", ".join(found.pending)} if found.pending
                                 else _("Nothing pending")),
                         url=reverse("referrals-manage:overview"), icon="users")
