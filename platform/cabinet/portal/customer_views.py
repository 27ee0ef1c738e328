"""The manage area's customers: the list with their numbers, one customer's page (history, help with signing
in), numbers attached one by one or from a CSV file, customer groups."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cabinet.accounts import selectors as account_selectors
from cabinet.accounts import services as account_services
from cabinet.accounts.permissions import has_role, role_required
from cabinet.forms import add_service_errors
from cabinet.http import post_only
from cabinet.tenancy import site_url

from . import selectors
from .forms import AccountNumberForm, CustomerGroupForm, GroupMemberForm, NumbersImportForm

OWNER_AND_MANAGER = ("owner", "manager")
# Staff who find customers and open the customer card (its sections are each module's, for its own roles).
CARD_ROLES = ("owner", "manager", "operator")
CUSTOMERS_PER_PAGE = 25
# What the customer's page shows once after an action: the link or password to pass on (kept in the staff
# member's session until that page is shown, so a reload does not repeat the action).
HANDOVER_SESSION_KEY = "portal:customer-handover"
SAMPLE_CSV = "email,number,kind\r\nanna@example.com,C-1001,contract\r\n+380501234567,4455667,account\r\n"


def _messages_of(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _is_local(url) -> bool:
    return bool(url) and url.startswith("/manage/customers/") and "//" not in url


# --- the list and numbers ----------------------------------------------------------------------------

def _customers_page(request, *, number_form=None, status=200):
    query = request.GET.get("q", "").strip()[:100]
    found = selectors.search_customers(query)
    if query and not request.GET.get("page"):
        first_two = list(found.values_list("pk", flat=True)[:2])
        if len(first_two) == 1:  # one customer matches: straight to their card
            return redirect("portal:manage-customer", customer_id=first_two[0])
    page = Paginator(found, CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/manage_customers.html", {
        "page": page, "query": query, "number_form": number_form or AccountNumberForm(),
        "can_edit": has_role(request.user, OWNER_AND_MANAGER),
    }, status=status)


@role_required(*CARD_ROLES)
@require_http_methods(["GET", "POST"])
def customers(request):
    """Customers with their contract and personal-account numbers (a search with one hit opens the card);
    owner and manager attach one number."""
    if request.method == "GET":
        return _customers_page(request)
    if not has_role(request.user, OWNER_AND_MANAGER):
        raise PermissionDenied
    form = AccountNumberForm(request.POST)
    if form.is_valid():
        try:
            attached = account_services.attach_account_number(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Number %(number)s attached to %(name)s.") % {
                "number": attached.number, "name": attached.user.display_name})
            return redirect("portal:manage-customers")
    return _customers_page(request, number_form=form, status=400)


@role_required(*OWNER_AND_MANAGER)
@post_only("portal:manage-customers")
def number_remove(request, number_id):
    try:
        account_services.remove_account_number(number_id)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(request, _("The number was removed."))
    return redirect(request.POST.get("back") if _is_local(request.POST.get("back")) else "portal:manage-customers")


@role_required(*OWNER_AND_MANAGER)
@require_http_methods(["GET", "POST"])
def numbers_import(request):
    """CSV import of numbers: the form with its instructions and a sample; the report lists every refused row
    with its reason."""
    form = NumbersImportForm(request.POST, request.FILES) if request.method == "POST" else NumbersImportForm()
    report = None
    if request.method == "POST" and form.is_valid():
        report = account_services.import_account_numbers(form.cleaned_data["file"],
                                                 apply_valid_rows=form.cleaned_data["apply_valid_rows"])
        if report.applied:
            messages.success(request, _("%(attached)s numbers attached, %(unchanged)s were already in place.") % {
                "attached": report.attached, "unchanged": report.unchanged})
        else:
            messages.error(request, _("Nothing was attached. See the problems below."))
        form = NumbersImportForm()
    status = 400 if form.errors or (report is not None and not report.ok) else 200
    return render(request, "portal/manage_numbers_import.html", {"import_form": form, "report": report,
                                                                  "sample": SAMPLE_CSV.replace("\r\n", "\n")},
                  status=status)


@role_required(*OWNER_AND_MANAGER)
@require_GET
def numbers_import_sample(request):
    response = HttpResponse(SAMPLE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="numbers-sample.csv"'
    return response


# --- one customer ------------------------------------------------------------------------------------

def _customer_or_404(customer_id):
    customer = account_selectors.customer_for_staff(customer_id)
    if customer is None:
        raise Http404
    return customer


def _back_to_customer(request, customer_id):
    return reverse("portal:manage-customer", args=[customer_id])


@never_cache
@role_required(*CARD_ROLES)
@require_GET
def customer(request, customer_id):
    """The customer card: contacts, numbers, groups, help with signing in (owner and manager), the history of
    their access, and a section of each switched-on module that has one (its timeline, orders, requests,
    documents)."""
    person = _customer_or_404(customer_id)
    handover = request.session.pop(HANDOVER_SESSION_KEY, None)
    if handover and handover.get("customer") != person.pk:
        handover = None
    if handover and handover.get("until"):
        handover["until"] = datetime.fromisoformat(handover["until"])
    return render(request, "portal/manage_customer.html", {
        "person": person,
        "handover": handover,
        "events": account_selectors.account_history(person),
        "sign_ins": account_selectors.sign_in_history(person, limit=20),
        "link_minutes": settings.STAFF_PASSWORD_LINK_MINUTES,
        "can_help": has_role(request.user, OWNER_AND_MANAGER),
        "sections": [{"key": key, "title": section.title,
                      "html": render_to_string(section.template, section.context, request=request)}
                     for key, section in selectors.customer_card_sections(request, person)],
    })


def _site_url(request) -> str:
    return site_url(request)


@role_required(*OWNER_AND_MANAGER)
@post_only(_back_to_customer)
def customer_reset_email(request, customer_id):
    """E-mails the customer the same reset link they could ask for themselves."""
    person = _customer_or_404(customer_id)
    try:
        outcome = account_services.email_reset_link(customer_id=person.pk, actor=request.user,
                                                    site_url=_site_url(request))
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        if outcome == account_services.SENT:
            messages.success(request, _("A password-reset link is on its way to %(email)s. It works for one day.")
                             % {"email": person.email})
        elif outcome == account_services.HELD:
            messages.error(request, _("Several reset links went to this customer within the last hour, so no "
                                      "other was sent. Ask them to use the newest one, or make a link to hand "
                                      "over."))
        else:
            messages.error(request, _("The e-mail could not be sent. Try again later, or make a link to hand "
                                      "over."))
    return redirect("portal:manage-customer", customer_id=person.pk)


@role_required(*OWNER_AND_MANAGER)
@post_only(_back_to_customer)
def customer_reset_link(request, customer_id):
    """A single-use link to pass on (messenger, in person) for a customer without an e-mail."""
    person = _customer_or_404(customer_id)
    try:
        person, raw = account_services.make_password_link(customer_id=person.pk, actor=request.user)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        until = timezone.now() + timedelta(minutes=settings.STAFF_PASSWORD_LINK_MINUTES)
        request.session[HANDOVER_SESSION_KEY] = {
            "customer": person.pk, "kind": "link", "until": until.isoformat(),
            "value": site_url(request) + reverse("accounts:password-link", args=[raw])}
    return redirect("portal:manage-customer", customer_id=person.pk)


@role_required(*OWNER_AND_MANAGER)
@post_only(_back_to_customer)
def customer_temporary_password(request, customer_id):
    """A generated password to pass on; the customer must choose their own at the next sign-in."""
    person = _customer_or_404(customer_id)
    if request.POST.get("confirm") != "on":
        messages.error(request, _("Tick the box to confirm: the customer's current password stops working."))
        return redirect("portal:manage-customer", customer_id=person.pk)
    try:
        person, password = account_services.set_temporary_password(customer_id=person.pk, actor=request.user)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        request.session[HANDOVER_SESSION_KEY] = {"customer": person.pk, "kind": "password", "value": password}
    return redirect("portal:manage-customer", customer_id=person.pk)


# --- groups ------------------------------------------------------------------------------------------

@role_required(*OWNER_AND_MANAGER)
@require_http_methods(["GET", "POST"])
def customer_groups(request):
    """The business's customer groups; create one."""
    form = CustomerGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = account_services.create_customer_group(form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Group “%(name)s” created. Add its members now.") % {"name": group.name})
            return redirect("portal:manage-customer-group", pk=group.pk)
    return render(request, "portal/manage_customer_groups.html", {
        "groups": account_selectors.customer_groups(), "form": form}, status=400 if form.errors else 200)


@role_required(*OWNER_AND_MANAGER)
@require_http_methods(["GET", "POST"])
def customer_group(request, pk):
    """One group: rename, add and remove members, delete."""
    group = account_selectors.customer_groups().filter(pk=pk).first()
    if group is None:
        raise Http404
    action = request.POST.get("action") if request.method == "POST" else None
    rename_form = CustomerGroupForm(request.POST if action == "rename" else None, initial={"name": group.name})
    member_form = GroupMemberForm(request.POST if action == "add" else None)
    try:
        if action == "rename" and rename_form.is_valid():
            account_services.rename_customer_group(group, rename_form.cleaned_data["name"])
            messages.success(request, _("The group is renamed."))
            return redirect("portal:manage-customer-group", pk=group.pk)
        if action == "add" and member_form.is_valid():
            customer = account_services.add_to_customer_group(group, member_form.cleaned_data["customer"])
            messages.success(request, _("%(name)s added.") % {"name": customer.display_name})
            return redirect("portal:manage-customer-group", pk=group.pk)
        if action == "remove":
            account_services.remove_from_customer_group(group, request.POST.get("member"))
            messages.success(request, _("Removed from the group."))
            return redirect("portal:manage-customer-group", pk=group.pk)
        if action == "delete":
            if request.POST.get("confirm") != "on":
                raise ValidationError(_("Tick the box to confirm the deletion."))
            account_services.delete_customer_group(group)
            messages.success(request, _("Group “%(name)s” deleted.") % {"name": group.name})
            return redirect("portal:manage-customer-groups")
    except ValidationError as error:
        if action in ("remove", "delete"):
            messages.error(request, _messages_of(error))
            return redirect("portal:manage-customer-group", pk=group.pk)
        add_service_errors(rename_form if action == "rename" else member_form, error)
    page = Paginator(account_selectors.customer_group_members(group), CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    invalid = rename_form.errors or member_form.errors or (action and action not in ("rename", "add"))
    return render(request, "portal/manage_customer_group.html", {
        "group": group, "page": page, "rename_form": rename_form, "member_form": member_form,
    }, status=400 if invalid else 200)
