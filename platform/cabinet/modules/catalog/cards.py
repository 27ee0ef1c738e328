from django.urls import reverse
from django.utils.translation import gettext as _

from cabinet.registry import DashboardCard

from . import selectors


def dashboard_card(request) -> DashboardCard:
    """"Favourites: N" for a signed-in customer, otherwise the number of products on sale — one query."""
    products, favourites = selectors.catalog_counts(request.user)
    if favourites:
        return DashboardCard(title=_("Favourites"), value=str(favourites), detail=_("Products you keep an eye on"),
                             url=reverse("catalog:favourites"), icon="heart")
    return DashboardCard(title=_("Catalog"), value=str(products), detail=_("Products on sale"),
                         url=reverse("catalog:list"), icon="box")


def manage_card(request) -> DashboardCard:
    """The owner's overview: products on sale out of all in the catalog (one query)."""
    figures = selectors.staff_product_figures()
    return DashboardCard(title=_("Products on sale"), value=str(figures["on_sale"]),
                         detail=_("%(count)s in the catalog") % {"count": figures["total"]},
                         url=reverse("catalog-manage:products"), icon="box")
