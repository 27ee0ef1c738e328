"""Customer pages of the catalog: browse, search and filter, a product, images, favourites."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cabinet.accounts.permissions import has_role

from . import selectors, services
from .forms import ProductFilterForm

PAGE_SIZE = 24
customer_login = login_required(login_url="accounts:login")


def _filters(request) -> tuple[selectors.ProductFilters, ProductFilterForm, list[str]]:
    """Filters from the query string; a wrong value is ignored and named in a notice, never an error page."""
    form = ProductFilterForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    notices = [_("“%(label)s” was ignored: %(problem)s") % {"label": form.fields[name].label, "problem": " ".join(errors)}
               for name, errors in form.errors.items() if name in form.fields]
    filters = selectors.ProductFilters(q=data.get("q") or "", price_min=data.get("price_min"),
                                       price_max=data.get("price_max"), in_stock=bool(data.get("in_stock")))
    if data.get("category"):
        filters.category = selectors.category_by_slug(data["category"])
        if filters.category is None:
            notices.append(_("There is no such category; showing all products."))
    if filters.price_min is not None and filters.price_max is not None and filters.price_min > filters.price_max:
        notices.append(_("“Price from” was higher than “Price to”; the prices were swapped."))
        filters.price_min, filters.price_max = filters.price_max, filters.price_min
    return filters, form, notices


@require_GET
def product_list(request):
    filters, form, notices = _filters(request)
    products = selectors.with_favourite_flag(selectors.with_first_image(selectors.search_products(filters)),
                                             request.user)
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/list.html", {
        "form": form, "page": page, "notices": notices, "filters": filters,
        "categories": selectors.visible_categories()})


def _product_or_404(slug):
    product = selectors.product_page(slug, None)
    if product is None:
        raise Http404
    return product


@require_GET
def product_detail(request, slug):
    product = selectors.product_page(slug, request.user)
    if product is None:
        raise Http404
    return render(request, "catalog/detail.html", {
        "product": product, "places": selectors.availability_by_warehouse(product),
        "attributes": sorted((product.attributes or {}).items()),
        # the orders module (which needs this one) takes the cart; its form shows only while it is on
        "can_order": request.portal.is_enabled("orders")})


@require_GET
def availability(request, slug):
    """The live availability block of a product page (htmx polls it)."""
    product = _product_or_404(slug)
    return render(request, "catalog/_availability.html", {
        "product": product, "places": selectors.availability_by_warehouse(product)})


@require_GET
def image(request, pk):
    """A product photo from the current tenant's storage. Photos of products off sale only for staff."""
    found = selectors.product_image(pk, include_inactive=has_role(request.user, ("owner", "manager")))
    if found is None:
        raise Http404
    try:
        handle = default_storage.open(found.image.name, "rb")
    except (FileNotFoundError, IsADirectoryError):
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@require_POST
@customer_login
def toggle_favourite(request, slug):
    product = _product_or_404(slug)
    is_favourite = services.toggle_favourite(request.user, product)
    if request.htmx:
        return render(request, "catalog/_heart.html", {"product": product, "is_favourite": is_favourite})
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("catalog:detail", slug=slug)


@require_GET
@customer_login
def favourites(request):
    page = Paginator(selectors.favourite_products(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/favourites.html", {"page": page})
