"""The customer's pages: My points (summary, what is pending, every entry explained and linked), How to earn
(made from the business's rules; open to visitors) and the cart's choice of points to pay with."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services


@require_GET
@login_required(login_url="accounts:login")
def points(request):
    customer = request.user
    pending = [{"lot": lot, "text": selectors.lot_text(lot)} for lot in selectors.pending_lots(customer=customer)]
    return render(request, "loyalty/points.html", {
        "summary": selectors.summary(customer=customer), "entries": selectors.entries(customer=customer),
        "pending": pending, "terms": selectors.how_to_spend(), "on_recurring": selectors.uses_on_recurring(customer)})


@require_GET
def earn(request):
    return render(request, "loyalty/earn.html", {
        "rules": [selectors.rule_text(rule) for rule in selectors.active_rules()], "terms": selectors.how_to_spend()})


@require_POST
@login_required(login_url="accounts:login")
def use(request):
    """The cart's form: how many points to pay with ("max": as many as allowed), and for recurring orders."""
    wanted = "max" if request.POST.get("use_all") else request.POST.get("points")
    recurring = request.POST.get("on_recurring") == "on" if "recurring_form" in request.POST else None
    back = "loyalty:points" if "recurring_form" in request.POST else "orders:cart"
    try:
        services.choose(customer=request.user, points=wanted, on_recurring=recurring)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your choice of points is saved."))
    return redirect(back)
