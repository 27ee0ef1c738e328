from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.registry import DashboardCard

from . import selectors


def dashboard_card(request) -> DashboardCard | None:
    """A prompt to rate finished requests, or how many ratings the customer gave — one query.
    No card for a customer with nothing finished yet."""
    finished, rated = selectors.customer_rating_counts(request.user)
    if not finished:
        return None
    waiting = finished - rated
    if waiting:
        return DashboardCard(
            title=_("Rate your resolved requests"), value=str(waiting),
            detail=ngettext("%(count)s request is waiting for your rating", "%(count)s requests are waiting for your rating",
                            waiting) % {"count": waiting},
            url=reverse("feedback:list"), icon="star")
    return DashboardCard(title=_("Ratings given"), value=str(rated), detail=_("Thank you for your feedback"),
                         url=reverse("feedback:list"), icon="star")


def manage_card(request) -> DashboardCard:
    """The owner's overview: the average rating and how many there are (one query)."""
    figures = selectors.overview()
    average = figures["average"]
    return DashboardCard(title=_("Average rating"), value=number_format(average, 1) if average is not None else "—",
                         detail=ngettext("%(count)s rating", "%(count)s ratings", figures["count"])
                         % {"count": figures["count"]},
                         url=reverse("feedback-manage:list"), icon="star")
