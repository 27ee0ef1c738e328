"""Customer pages of the wallet: balances with the explained entries, and the statement of a period (page, PDF)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cabinet.forms import add_service_errors

from . import selectors
from . import topup as topups
from .forms import FilterForm, StatementForm, TopupForm
from .statement_pdf import render_statement_pdf, statement_filename

PAGE_SIZE = 25


def entries_page(request, customer):
    """The filter form and a page of the customer's explained entries (bad filter input: all entries)."""
    filters = FilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    found = selectors.entries(customer=customer, kind=cleaned.get("kind", ""), since=cleaned.get("since"),
                              until=cleaned.get("until"))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return filters, page, selectors.explain(page.object_list)


def _statement_form(request, customer) -> StatementForm:
    today = timezone.localdate()
    currencies = selectors.currencies(customer=customer)
    initial = {"currency": currencies[0] if currencies else "RUB", "since": today.replace(day=1), "until": today}
    return StatementForm({**initial, **request.GET.dict()} if request.GET else initial)


@require_GET
@login_required(login_url="accounts:login")
def balance(request):
    filters, page, lines = entries_page(request, request.user)
    return render(request, "wallet/balance.html", {
        "balances": selectors.balances(customer=request.user), "filters": filters, "page": page, "lines": lines,
        **_topup_context(TopupForm())})


def _topup_context(form) -> dict:
    low, high, currency = topups.limits()
    return {"topup_form": form, "topup_available": topups.available(), "topup_min": low, "topup_max": high,
            "topup_currency": currency}


@require_http_methods(["GET", "POST"])
@login_required(login_url="accounts:login")
def topup(request):
    """The amount of a top-up by card; a good one goes on to billing's card page (Stripe.js Elements)."""
    form = TopupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = topups.start_topup(customer=request.user, amount=form.cleaned_data["amount"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("billing:card", payment.pk)
    return render(request, "wallet/topup.html", _topup_context(form), status=400 if form.errors else 200)


@require_GET
@login_required(login_url="accounts:login")
def statement(request):
    form = _statement_form(request, request.user)
    found = None
    if form.is_valid():
        data = form.cleaned_data
        found = selectors.statement(customer=request.user, currency=data["currency"], first_day=data["since"],
                                    last_day=data["until"], page=request.GET.get("page"))
    return render(request, "wallet/statement.html", {"form": form, "found": found, "page": found and found.page})


@require_GET
@login_required(login_url="accounts:login")
def statement_pdf(request):
    form = _statement_form(request, request.user)
    if not form.is_valid():
        return render(request, "wallet/statement.html", {"form": form, "found": None}, status=400)
    data = form.cleaned_data
    found = selectors.statement(customer=request.user, currency=data["currency"], first_day=data["since"],
                                last_day=data["until"])  # the figures; every line of the period is read in chunks
    response = HttpResponse(render_statement_pdf(found, customer=request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{statement_filename(found)}"'
    return response
