"""The customer's Referrals page (link, code, friends, each purchase's commission, totals, entering a friend's
code) and the referral link's landing, which remembers the code and sends the visitor to registration."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cabinet.forms import add_service_errors

from . import selectors, services
from .forms import CodeForm
from .models import Referral

PAGE_SIZE = 25


@require_http_methods(["GET", "POST"])
@login_required(login_url="accounts:login")
def page(request):
    customer = request.user
    form = CodeForm(request.POST or None)
    can_enter = selectors.can_enter_code(customer)
    status = 200
    if request.method == "POST":
        if not can_enter:
            form.add_error(None, _("A code can be entered only by a new customer before the first order."))
            status = 400
        elif form.is_valid():
            try:
                referral = services.attribute(friend=customer, code=form.cleaned_data["code"], via=Referral.Via.CODE)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Thank you! You joined through %(name)s's invitation.") % {
                    "name": selectors.masked_name(referral.referrer)})
                return redirect("referrals:page")
        status = 400
    code = services.code_for(customer).code if not customer.is_business_staff else ""
    rows = Paginator(selectors.commissions(referrer=customer), PAGE_SIZE).get_page(request.GET.get("page"))
    brought_by = selectors.referrer_of(customer)
    return render(request, "referrals/page.html", {
        "code": code, "link": request.build_absolute_uri(reverse("referrals:landing", args=[code])) if code else "",
        "friends": selectors.friends(referrer=customer), "page": rows, "lines": selectors.explain(rows.object_list),
        "totals": selectors.customer_totals(referrer=customer), "terms": selectors.programme(),
        "form": form, "can_enter": can_enter and not brought_by,
        "brought_by": selectors.masked_name(brought_by.referrer) if brought_by else ""}, status=status)


@require_GET
def landing(request, code):
    """The referral link: the code is remembered in the session and a signed cookie (for a visitor who comes
    back later to register), then the visitor goes to registration."""
    value = services.normal_code(code)
    if request.user.is_authenticated:
        messages.info(request, _("Referral links are for new customers; share your own link from this page."))
        return redirect("referrals:page")
    response = redirect("accounts:register")
    if not value or not selectors.code_exists(value):
        messages.warning(request, _("This invitation link is not valid any more. You can still register."))
        return response
    request.session[services.SESSION_KEY] = value
    response.set_signed_cookie(services.COOKIE, value, salt=f"referrals:{connection.schema_name}",
                               max_age=services.COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                               secure=request.is_secure())
    return response
