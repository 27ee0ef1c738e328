"""The customer dashboard's cards (each module's, cached per customer until what they read changes) and the
core's card on the owner's overview."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

import verticals
from cabinet import freshness, registry
from cabinet.registry import DashboardCard

from . import selectors

NEW_CUSTOMER_DAYS = 7


def dashboard_cards(request) -> list[dict | None]:
    """The card of every enabled module that has one, in the registry's order (None where a module has
    nothing to show), for the signed-in customer. Each is the module's own card maker's, cached per tenant
    (the cache's key function), customer, language and portal state until a table it read is written
    (cabinet.freshness): two cache round trips and no query when nothing changed."""
    state, user = request.portal, request.user
    items = []
    for module in registry.modules().values():
        make_card = module.card_maker() if state.is_enabled(module.key) else None
        if make_card is not None:
            key = f"dashboard-card:{module.key}:{user.pk}:{get_language()}:{state.version}"
            items.append((key, ("dashboard-card", module.key), _card_of(module.key, make_card, request)))
    return freshness.cached_many(items)


def _card_of(module_key: str, make_card, request):
    def compute() -> dict | None:
        card = make_card(request)
        if card is None:
            return None
        return {"module": module_key, "title": str(card.title), "value": str(card.value),
                "detail": str(card.detail), "url": card.url, "icon": card.icon}

    return compute


def customers_card(request) -> DashboardCard:
    """New customers this week (in the vertical's word), and how many there are in all: one query."""
    figures = selectors.customer_figures(since=timezone.now() - timedelta(days=NEW_CUSTOMER_DAYS))
    vertical = verticals.get_vertical(request.portal.vertical) if getattr(request, "portal", None) else None
    noun = vertical.customer_noun_plural if vertical else _("customers")  # the vertical's word: patients, guests
    return DashboardCard(
        title=_("New %(customers)s this week") % {"customers": noun}, value=str(figures["new"]),
        detail=ngettext("%(count)s in all", "%(count)s in all", figures["total"]) % {"count": figures["total"]},
        url=reverse("portal:manage-customers"), icon="people")
