"""The business's side of orders: the queue with filters and bulk status changes, an order with its
timeline and hold, and the discount rules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cabinet.accounts.permissions import has_role, role_required
from cabinet.forms import add_service_errors

from . import deductions, payment_selectors, selectors, services
from .manage_forms import (
    STATUS_ACTIONS,
    BulkStatusForm,
    DiscountRuleForm,
    QueueFilterForm,
    ShippingForm,
    StatusForm,
)
from .models import KNOWN_CARRIERS, DiscountRule, Order
from .module import MODULE

# The roles of each page are those of its entry in module.py, so the navigation and the views never disagree.
order_staff = role_required(*MODULE.manage_roles("queue"))
discount_staff = role_required(*MODULE.manage_roles("discounts"))
# Button labels on an order page for each status it can move to.
ACTION_LABELS = dict(STATUS_ACTIONS)
# Status tabs shown even with no order in them; the steps of particular kinds of order show when used.
ALWAYS_TABS = (Order.Status.NEW, Order.Status.CONFIRMED, Order.Status.CANCELLED)


def _queue_url(query: str = "") -> str:
    """The queue with the filters of `query` (a query string sent back by the bulk form)."""
    kept = QueryDict(query[:2000], mutable=True)
    kept.pop("page", None)
    url = reverse("orders-manage:queue")
    return f"{url}?{kept.urlencode()}" if kept else url


def _status_tabs(request, counts: dict[str, int], current: str) -> list[dict]:
    tabs = []
    for value, label in [("", _("All")), *Order.Status.choices]:
        if value and value not in ALWAYS_TABS and not counts[value] and value != current:
            continue
        query = request.GET.copy()
        query.pop("page", None)
        query["status"] = value
        if not value:
            del query["status"]
        tabs.append({"label": label, "url": "?" + query.urlencode(), "current": value == current,
                     "count": sum(counts.values()) if not value else counts[value]})
    return tabs


@require_GET
@order_staff
def queue(request):
    filters = QueueFilterForm(request.GET)
    chosen = filters.filters()
    for notice in filters.ignored():
        messages.warning(request, notice)
    orders = selectors.staff_queue(**chosen)
    counts = selectors.status_counts(selectors.filtered_queue(
        **{name: value for name, value in chosen.items() if name != "status"}))
    page = Paginator(orders, 30).get_page(request.GET.get("page"))
    return render(request, "orders/manage/queue.html", {
        "filters": filters, "page": page, "tabs": _status_tabs(request, counts, chosen["status"]),
        "bulk_form": BulkStatusForm(), "query": request.GET.urlencode(),
        "overdue_ids": payment_selectors.overdue_order_ids()})


@require_POST
@order_staff
def bulk_status(request):
    form = BulkStatusForm(request.POST)
    back = _queue_url(request.POST.get("query", ""))
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the chosen orders."))
        return redirect(back)
    try:
        results = services.bulk_change_status(request.POST.getlist("orders"), form.cleaned_data["status"],
                                              by=request.user)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
        return redirect(back)
    moved = [str(result) for result in results if result.changed]
    if moved:
        messages.success(request, _("%(status)s: %(orders)s.") % {
            "status": Order.Status(form.cleaned_data["status"]).label, "orders": ", ".join(moved)})
    for result in results:
        if not result.changed:
            messages.error(request, str(result))
    return redirect(back)


def _order_or_404(pk) -> Order:
    order = selectors.staff_order(pk)
    if order is None:
        raise Http404
    return order


def detail_page(request, order: Order, *, shipping_form: ShippingForm | None = None, status: int = 200, **extra):
    """The staff's order page; `extra` carries a refused form's errors and values (payments)."""
    actions = [(value, ACTION_LABELS[value]) for value in order.next_statuses]
    return render(request, "orders/manage/detail.html", {
        "order": order, "timeline": selectors.staff_timeline(order), "hold": selectors.hold_state(order),
        "actions": actions, "invoice": selectors.order_invoice(order),
        "deduction_texts": deductions.explanations(order),
        "shipping_form": shipping_form or ShippingForm(), "known_carriers": list(KNOWN_CARRIERS),
        **payment_selectors.invoice_context(order), "staff": True,
        "can_record": has_role(request.user, ("manager",)), **extra}, status=status)


@require_GET
@order_staff
def detail(request, pk):
    return detail_page(request, _order_or_404(pk))


@require_POST
@order_staff
def change_status(request, pk):
    order = _order_or_404(pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status the order can move to."))
        return redirect("orders-manage:detail", pk=pk)
    status = form.cleaned_data["status"]
    # The parcel's details are asked only when the order can be shipped now; otherwise the service says why not.
    can_ship = status == Order.Status.SHIPPED and status in order.next_statuses
    shipping = ShippingForm(request.POST) if can_ship else None
    if shipping is not None and not shipping.is_valid():
        return detail_page(request, order, shipping_form=shipping, status=400)
    try:
        services.change_status(order, status, by=request.user,
                               tracking=shipping.cleaned_data if shipping is not None else None)
    except ValidationError as error:
        if shipping is not None and hasattr(error, "error_dict"):
            add_service_errors(shipping, error)
            return detail_page(request, order, shipping_form=shipping, status=400)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Order #%(number)s is now %(status)s.") % {
            "number": order.number, "status": str(Order.Status(status).label).lower()})
    return redirect("orders-manage:detail", pk=pk)


# --- Discount rules ----------------------------------------------------------------------------------------

def _rule_or_404(pk) -> DiscountRule:
    rule = DiscountRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


@require_GET
@discount_staff
def discounts(request):
    return render(request, "orders/manage/discounts.html",
                  {"previews": selectors.rule_previews(selectors.staff_discount_rules())})


def _save_rule(request, form) -> DiscountRule | None:
    if not form.is_valid():
        return None
    try:
        return services.save_discount_rule(form.instance, products=form.cleaned_data["products"],
                                           categories=form.cleaned_data["categories"])
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@require_http_methods(["GET", "POST"])
@discount_staff
def discount_new(request):
    form = DiscountRuleForm(request.POST or None)
    if request.method == "POST":
        rule = _save_rule(request, form)
        if rule is not None:
            messages.success(request, _("The discount rule “%(title)s” is saved.") % {"title": rule.title})
            return redirect("orders-manage:discounts")
    return render(request, "orders/manage/discount_form.html", {"form": form, "rule": None},
                  status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@discount_staff
def discount_edit(request, pk):
    rule = _rule_or_404(pk)
    form = DiscountRuleForm(request.POST or None, instance=rule)
    if request.method == "POST":
        saved = _save_rule(request, form)
        if saved is not None:
            messages.success(request, _("The discount rule “%(title)s” is saved.") % {"title": saved.title})
            return redirect("orders-manage:discounts")
    return render(request, "orders/manage/discount_form.html", {"form": form, "rule": _rule_or_404(pk)},
                  status=400 if form.is_bound else 200)


@require_POST
@discount_staff
def discount_active(request, pk):
    rule = _rule_or_404(pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_discount_rule_active(rule, active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, (_("“%(title)s” is on.") if active else _("“%(title)s” is off.")) % {
            "title": rule.title})
    return redirect("orders-manage:discounts")


@require_http_methods(["GET", "POST"])
@discount_staff
def discount_delete(request, pk):
    rule = _rule_or_404(pk)
    if request.method == "POST":
        services.delete_discount_rule(rule)
        messages.success(request, _("The discount rule “%(title)s” is deleted.") % {"title": rule.title})
        return redirect("orders-manage:discounts")
    return render(request, "orders/manage/discount_delete.html", {"rule": rule})
