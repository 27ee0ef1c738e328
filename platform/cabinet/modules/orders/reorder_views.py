"""Customer pages of repeat and recurring orders: "Repeat this order" into the cart, setting an order to
repeat automatically, and the list, edit, pause, resume and stop of recurring orders."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cabinet.forms import add_service_errors

from . import selectors, services
from .forms import RecurringEditForm, RecurringScheduleForm
from .models import RecurringOrder
from .views import customer_login, own_order


def _own_recurring(request, pk) -> RecurringOrder:
    recurring = selectors.customer_recurring(request.user, pk)
    if recurring is None:
        raise Http404
    return recurring


@require_POST
@customer_login
def repeat(request, pk):
    """Puts the order's lines into the cart and lists on the cart page what differs from the order."""
    order = own_order(request, pk)
    changes = services.repeat_order(request.user, order)
    left_out = sum(change.kind == services.Change.Kind.LEFT_OUT for change in changes)
    if not changes:
        messages.success(request, _("All items are in your cart at the same prices."))
        return redirect("orders:cart")
    if left_out == order.lines.count():
        messages.error(request, _("Nothing from order #%(number)s could go into your cart:") % {
            "number": order.number})
    else:
        messages.info(request, _("Order #%(number)s is in your cart. What changed since you placed it:") % {
            "number": order.number})
    for change in changes:
        messages.warning(request, change.message)
    return redirect("orders:cart")


def _schedule_args(data: dict) -> tuple:
    return data["period"], data.get("day_of_month"), data.get("weekday")


@require_http_methods(["GET", "POST"])
@customer_login
def recurring_new(request, pk):
    """Two steps: choose the schedule and see the date of the first order, then confirm. A confirmation
    whose schedule no longer gives the date shown is shown again instead of saved."""
    order = own_order(request, pk)
    today = services.local_today()
    first_date = None
    if request.method == "POST":
        form = RecurringScheduleForm(request.POST)
        if form.is_valid():
            first_date = services.first_run_date(*_schedule_args(form.cleaned_data), today)
            if request.POST.get("confirm") and request.POST.get("first_date") == first_date.isoformat():
                try:
                    recurring = services.create_recurring(request.user, order, *_schedule_args(form.cleaned_data),
                                                          today=today)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("Done: this order will repeat automatically. The first one is "
                                                "placed on %(date)s.") % {"date": date_format(recurring.next_run_on, "DATE_FORMAT")})
                    return redirect("orders:recurring-detail", pk=recurring.pk)
    else:
        form = RecurringScheduleForm(initial={"day_of_month": min(today.day, 28), "weekday": today.weekday()})
    return render(request, "orders/recurring_new.html", {"order": order, "form": form, "first_date": first_date})


@require_GET
@customer_login
def recurring_list(request):
    rows = [{"recurring": recurring, "schedule": selectors.describe_schedule(recurring)}
            for recurring in selectors.customer_recurring_orders(request.user)]
    return render(request, "orders/recurring_list.html", {"rows": rows})


def _line_rows(lines, data=None) -> list[dict]:
    """Each line with the quantity to show: what was posted (after an error) or what is saved."""
    removed = set(data.getlist("remove")) if data is not None else set()
    return [{"line": line, "quantity": data.get(f"quantity-{line.pk}", line.quantity) if data is not None
             else line.quantity, "removed": str(line.pk) in removed} for line in lines]


@require_http_methods(["GET", "POST"])
@customer_login
def recurring_detail(request, pk):
    recurring = _own_recurring(request, pk)
    lines = list(selectors.recurring_lines(recurring))
    editable = recurring.status != RecurringOrder.Status.STOPPED
    needs_delivery = any(line.product.has_stock for line in lines)
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This recurring order is stopped; start a new one from an order."))
            return redirect("orders:recurring-detail", pk=pk)
        form = RecurringEditForm(request.POST, needs_delivery=needs_delivery)
        if form.is_valid():
            quantities = {key.removeprefix("quantity-"): value for key, value in request.POST.items()
                          if key.startswith("quantity-")}
            data = {**form.cleaned_data, "quantities": quantities, "remove": request.POST.getlist("remove")}
            try:
                services.update_recurring(recurring, data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your recurring order is saved."))
                return redirect("orders:recurring-detail", pk=pk)
        rows = _line_rows(lines, request.POST)
    else:
        form = RecurringEditForm(initial={
            "period": recurring.period, "weekday": recurring.weekday, "day_of_month": recurring.day_of_month,
            "recipient_name": recurring.recipient_name, "phone": recurring.phone,
            "delivery_method": recurring.delivery_method, "address": recurring.address,
            "pickup_warehouse": recurring.pickup_warehouse_id, "comment": recurring.comment},
            needs_delivery=needs_delivery)
        rows = _line_rows(lines)
    return render(request, "orders/recurring_detail.html", {
        "recurring": recurring, "schedule": selectors.describe_schedule(recurring), "rows": rows, "form": form, "editable": editable,
        "runs": selectors.recurring_runs(recurring)}, status=400 if form.errors else 200)


def _state_change(request, pk, change, done: str):
    recurring = _own_recurring(request, pk)
    try:
        change(recurring)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("orders:recurring-detail", pk=pk)


@require_POST
@customer_login
def recurring_pause(request, pk):
    return _state_change(request, pk, services.pause_recurring,
                         _("Paused: no orders are placed until you resume it."))


@require_POST
@customer_login
def recurring_resume(request, pk):
    return _state_change(request, pk, services.resume_recurring, _("Resumed."))


@require_http_methods(["GET", "POST"])
@customer_login
def recurring_stop(request, pk):
    """Stopping is final, so it asks first (GET shows the question, POST stops)."""
    if request.method == "POST":
        return _state_change(request, pk, services.stop_recurring,
                             _("Stopped. It stays in your history; no more orders are placed."))
    recurring = _own_recurring(request, pk)
    if recurring.status == RecurringOrder.Status.STOPPED:
        return redirect("orders:recurring-detail", pk=pk)
    return render(request, "orders/recurring_stop.html", {"recurring": recurring})
