"""Customer pages of orders: the cart, checkout, my orders. Cart changes answer htmx with the cart block."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cabinet.accounts.selectors import contact_prefill
from cabinet.forms import add_service_errors

from . import deductions, payment_selectors, selectors, services
from .forms import CheckoutForm

customer_login = login_required(login_url="accounts:login")


def _cart_context(request, errors=(), result: services.PricedCartLines | None = None,
                  short: dict[int, int] | None = None) -> dict:
    """The cart's rows, prices and explanations; each row's `short` is the units available when the line
    asks for more (None otherwise)."""
    result = result or services.price_for(request.user)
    short = selectors.shortages(result) if short is None else short
    rows = selectors.cart_rows(result)
    for row in rows:
        row["short"] = short.get(row["product"].pk)
    return {"rows": rows, "priced": result.priced, "short": short,
            "cart_explanations": selectors.cart_explanations(result), "cart_errors": list(errors),
            **deductions.cart_context(customer=request.user, priced=result.priced)}


def _error_messages(error: ValidationError) -> list[str]:
    return [message for messages_ in getattr(error, "message_dict", {"": error.messages}).values()
            for message in messages_]


@require_GET
@customer_login
def cart(request):
    return render(request, "orders/cart.html", _cart_context(request))


def _cart_answer(request, error: ValidationError | None, done: str):
    """The cart block for htmx, otherwise a message and the cart page."""
    errors = _error_messages(error) if error else []
    if request.htmx:
        return render(request, "orders/_cart.html", _cart_context(request, errors), status=200)
    for message in errors:
        messages.error(request, message)
    if not errors:
        messages.success(request, done)
    return redirect("orders:cart")


@require_POST
@customer_login
def add_to_cart(request):
    error = None
    try:
        services.add_to_cart(request.user, request.POST.get("product"), request.POST.get("quantity", 1))
    except ValidationError as caught:
        error = caught
    errors = _error_messages(error) if error else []
    if request.htmx:
        return render(request, "orders/_added.html", {"errors": errors}, status=400 if errors else 200)
    for message in errors:
        messages.error(request, message)
    if not errors:
        messages.success(request, _("Added to your cart."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("orders:cart")


@require_POST
@customer_login
def change_quantity(request):
    try:
        services.change_quantity(request.user, request.POST.get("product"), request.POST.get("quantity"))
    except ValidationError as error:
        return _cart_answer(request, error, "")
    return _cart_answer(request, None, _("The quantity is changed."))


@require_POST
@customer_login
def remove_from_cart(request):
    try:
        services.remove_from_cart(request.user, request.POST.get("product"))
    except ValidationError as error:
        return _cart_answer(request, error, "")
    return _cart_answer(request, None, _("Removed from your cart."))


def _pickup_point(data) -> int | None:
    """The pickup point chosen on the checkout form, when the order is to be picked up there."""
    point = str(data.get("pickup_warehouse") or "")
    if data.get("delivery_method") == "pickup" and point.isdigit() and len(point) < 19:
        return int(point)
    return None


def _fix_line(request) -> bool:
    """A line the checkout found short, lowered to what is available ("fit") or taken out ("drop"), from the
    buttons beside it. True when the request was such a fix (the order is not placed then)."""
    for action in ("fit", "drop"):
        if action in request.POST:
            break
    else:
        return False
    product_id = request.POST.get(action)
    try:
        if action == "drop":
            services.remove_from_cart(request.user, product_id)
            messages.success(request, _("The line is taken out of your order."))
        else:
            left = services.fit_to_available(request.user, product_id, warehouse_id=_pickup_point(request.POST))
            messages.success(request, ngettext("The line is lowered to %(count)s unit.",
                                               "The line is lowered to %(count)s units.", left) % {"count": left}
                             if left else _("None is available now; the line is taken out of your order."))
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    return True


@require_http_methods(["GET", "POST"])
@customer_login
def checkout(request):
    """The order summary and receiving details. Lines of goods that ask for more than is available are
    marked with what is, and can be lowered or taken out right here; the details typed so far are kept."""
    result = services.price_for(request.user)
    needs_delivery = services.lines_need_delivery(result.lines)
    short: dict[int, int] | None = None  # None: over every warehouse (the cart's own check)
    refused = False
    if request.method == "POST" and _fix_line(request):
        result = services.price_for(request.user)
        if not result.lines:
            return redirect("orders:cart")
        needs_delivery = services.lines_need_delivery(result.lines)
        form = CheckoutForm(initial=request.POST.dict(), needs_delivery=needs_delivery)
        short = selectors.shortages(result, warehouse_id=_pickup_point(request.POST))
    elif request.method == "POST":
        form = CheckoutForm(request.POST, needs_delivery=needs_delivery)
        if form.is_valid():
            try:
                order = services.checkout(request.user, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
                refused = True
                short = selectors.shortages(result, warehouse_id=_pickup_point(request.POST))
            else:
                messages.success(request, _("Thank you! Your order #%(number)s is placed.") % {"number": order.number})
                return redirect("orders:detail", pk=order.pk)
        else:
            refused = True
    else:
        prefill = contact_prefill(request.user)
        form = CheckoutForm(initial={"recipient_name": prefill["full_name"], "phone": prefill["phone"],
                                     "address": prefill["address"]}, needs_delivery=needs_delivery)
    context = _cart_context(request, result=result, short=short)
    if not context["rows"] and request.method == "GET":
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart")
    context["form"] = form
    return render(request, "orders/checkout.html", context, status=400 if refused else 200)


@require_GET
@customer_login
def order_list(request):
    return render(request, "orders/list.html", {"orders": selectors.customer_orders(request.user),
                                                "summary": payment_selectors.account_summary(request.user),
                                                "overdue_ids": payment_selectors.overdue_order_ids(request.user)})


def own_order(request, pk):
    order = selectors.customer_order(request.user, pk)
    if order is None:
        raise Http404
    return order


@require_GET
@customer_login
def order_detail(request, pk):
    return order_page(request, own_order(request, pk))


def order_page(request, order, *, status: int = 200, **extra):
    """The customer's order page; `extra` carries a refused form's errors and values (payments)."""
    # The timeline comes prefetched with the order, oldest change first (the model's ordering).
    return render(request, "orders/detail.html", {"order": order, "timeline": order.status_changes.all(),
                                                  "deduction_texts": deductions.explanations(order),
                                                  **payment_selectors.invoice_context(order), **extra},
                  status=status)


@require_POST
@customer_login
def cancel(request, pk):
    order = own_order(request, pk)
    try:
        services.cancel(order, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your order is cancelled."))
    return redirect("orders:detail", pk=pk)
