"""Core sections of the manage area: branding, module switches, customers' numbers, staff."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import load_backend, login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import verticals
from cabinet import registry
from cabinet.accounts.permissions import role_required
from cabinet.forms import add_service_errors

from . import selectors, services
from .forms import (
    AcceptInviteForm,
    AccountNumberForm,
    BrandingForm,
    CustomerGroupForm,
    GroupMemberForm,
    InviteForm,
    NumbersImportForm,
    StaffRoleForm,
    VerticalForm,
    module_settings_form,
)
from .models import Branding

OWNER_AND_MANAGER = ("owner", "manager")
CUSTOMERS_PER_PAGE = 25


def _messages_of(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


# --- Branding ----------------------------------------------------------------------------------------

@role_required(*OWNER_AND_MANAGER)
@require_http_methods(["GET", "POST"])
def branding(request):
    """The portal's name, pictures, colours and contact block, with a live preview beside the form."""
    instance = services.ensure_portal_initialised()
    old_files = (instance.logo.name, instance.favicon.name)
    form = BrandingForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            services.save_branding(form.save(commit=False), replaced_files=old_files)
            messages.success(request, _("Branding saved. Your portal shows it now."))
            return redirect("portal:manage-branding")
        messages.error(request, _("Nothing was saved: please correct the marked fields."))
    return render(request, "portal/manage_branding.html", _branding_context(form, instance),
                  status=400 if form.errors else 200)


def _branding_context(form, instance):
    """The form, a contrast report per colour and the preview's first paint: what the user typed where it
    is usable, else what is stored (the stored row, since a refused form has touched `instance`)."""
    stored = Branding.objects.get(pk=instance.pk)
    value = lambda name: form[name].value() if form.is_bound else getattr(stored, name)  # noqa: E731
    lines = lambda text: [line.strip() for line in (text or "").splitlines() if line.strip()]  # noqa: E731
    colour_fields, preview = [], {}
    for name in ("primary_color", "accent_color"):
        typed = (value(name) or "").strip().lower()
        usable = BrandingForm.is_colour(typed)
        preview[name] = typed if usable else getattr(stored, name)
        colour_fields.append({"field": form[name], "value": typed,
                              "report": selectors.contrast_report(typed) if usable else None})
    preview.update({
        "portal_name": value("portal_name") or stored.portal_name,
        "welcome_text": value("welcome_text") or "",
        "working_hours": value("working_hours") or "",
        "addresses": lines(value("contact_addresses")),
        "phones": lines(value("contact_phones")),
        "links": lines(value("messenger_links")),
        "logo_url": stored.logo.url if stored.logo else "",
    })
    return {"form": form, "colour_fields": colour_fields, "preview": preview}


@role_required(*OWNER_AND_MANAGER)
@require_GET
def branding_contrast(request):
    """htmx: how a colour typed in the branding form reads (ratio, verdict, suggestion)."""
    field = next((name for name in ("primary_color", "accent_color") if name in request.GET), "primary_color")
    value = request.GET.get(field, "").strip().lower()
    if value and not value.startswith("#"):
        value = "#" + value
    report = selectors.contrast_report(value) if BrandingForm.is_colour(value) else None
    return render(request, "portal/manage_branding_contrast.html", {"report": report, "value": value})


# --- Modules and industry template -------------------------------------------------------------------

def _module_rows(state, problems, notice):
    rows = []
    for module in registry.modules().values():
        settings_form = problems.get(("settings", module.key)) or (
            module_settings_form(module, state.module_settings.get(module.key, {})) if module.settings else None)
        rows.append({
            "module": module,
            "enabled": state.is_enabled(module.key),
            "needs": [registry.get_module(key) for key in module.depends_on],
            "needed_by": registry.dependents_of(module.key),
            "settings_form": settings_form,
            "notice": notice if notice and notice["key"] == module.key else None,
        })
    return rows


def _modules_page(request, *, problems=None, notice=None, vertical_form=None, status=200):
    """The modules page, or only its list for htmx (with the outcome of a switch shown in its card)."""
    state = selectors.portal_state()
    context = {
        "rows": _module_rows(state, problems or {}, notice),
        "vertical_form": vertical_form or VerticalForm(initial={"vertical": state.vertical}),
        "current_vertical": verticals.get_vertical(state.vertical),
    }
    template = "portal/manage_modules_list.html" if request.htmx else "portal/manage_modules.html"
    return render(request, template, context, status=status)


@role_required(*OWNER_AND_MANAGER)
@require_GET
def modules(request):
    """Every module of the platform with its switch, dependencies and settings; the industry template."""
    return _modules_page(request)


@role_required(*OWNER_AND_MANAGER)
@require_POST
def module_switch(request, key):
    module = registry.get_module(key)
    if module is None:
        raise Http404
    enable = request.POST.get("enabled") == "1"
    try:
        services.set_module_enabled(key, enable)
    except ValidationError as error:
        if request.htmx:
            return _modules_page(request, notice={"key": key, "text": _messages_of(error), "error": True})
        messages.error(request, _messages_of(error))
        return redirect(f"{reverse('portal:manage-modules')}#module-{key}")
    text = _("“%(module)s” is on.") if enable else _("“%(module)s” is off. Its data is kept.")
    text = text % {"module": module.title}
    if request.htmx:
        return _modules_page(request, notice={"key": key, "text": text, "error": False})
    messages.success(request, text)
    return redirect(f"{reverse('portal:manage-modules')}#module-{key}")


@role_required(*OWNER_AND_MANAGER)
@require_POST
def module_settings(request, key):
    module = registry.get_module(key)
    if module is None or not module.settings:
        raise Http404
    state = selectors.portal_state()
    form = module_settings_form(module, state.module_settings.get(key, {}), data=request.POST)
    if form.is_valid():
        try:
            services.update_module_settings(key, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        messages.error(request, _("The settings of “%(module)s” were not saved.") % {"module": module.title})
        return _modules_page(request, problems={("settings", key): form}, status=400)
    messages.success(request, _("Settings of “%(module)s” saved.") % {"module": module.title})
    return redirect(f"{reverse('portal:manage-modules')}#module-{key}")


@role_required(*OWNER_AND_MANAGER)
@require_POST
def vertical(request):
    form = VerticalForm(request.POST)
    if form.is_valid():
        try:
            changed = services.change_vertical(form.cleaned_data["vertical"],
                                               apply_default_modules=form.cleaned_data["apply_default_modules"])
        except ValidationError as error:
            form.add_error("vertical", error)
        else:
            title = verticals.get_vertical(changed.vertical).title
            messages.success(request, _("Your portal now uses the “%(template)s” template. No data was deleted.")
                             % {"template": title})
            return redirect("portal:manage-modules")
    messages.error(request, _("The industry template was not changed."))
    return _modules_page(request, vertical_form=form, status=400)


# --- Customers and their numbers ---------------------------------------------------------------------

def _customers_page(request, *, number_form=None, import_form=None, report=None, status=200):
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.search_customers(query), CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/manage_customers.html", {
        "page": page, "query": query,
        "number_form": number_form or AccountNumberForm(),
        "import_form": import_form or NumbersImportForm(),
        "report": report,
    }, status=status)


@role_required(*OWNER_AND_MANAGER)
@require_http_methods(["GET", "POST"])
def customers(request):
    """Customers with their contract and personal-account numbers; attach one number."""
    if request.method == "GET":
        return _customers_page(request)
    form = AccountNumberForm(request.POST)
    if form.is_valid():
        try:
            attached = services.attach_account_number(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Number %(number)s attached to %(name)s.") % {
                "number": attached.number, "name": attached.user.display_name})
            return redirect("portal:manage-customers")
    return _customers_page(request, number_form=form, status=400)


@role_required(*OWNER_AND_MANAGER)
@require_POST
def number_remove(request, number_id):
    try:
        services.remove_account_number(number_id)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(request, _("The number was removed."))
    return redirect(request.POST.get("back") if _is_local(request.POST.get("back")) else "portal:manage-customers")


@role_required(*OWNER_AND_MANAGER)
@require_http_methods(["GET", "POST"])
def customer_groups(request):
    """The business's customer groups; create one."""
    form = CustomerGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_customer_group(form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Group “%(name)s” created. Add its members now.") % {"name": group.name})
            return redirect("portal:manage-customer-group", pk=group.pk)
    return render(request, "portal/manage_customer_groups.html", {
        "groups": selectors.customer_groups(), "form": form}, status=400 if form.errors else 200)


@role_required(*OWNER_AND_MANAGER)
@require_http_methods(["GET", "POST"])
def customer_group(request, pk):
    """One group: rename, add and remove members, delete."""
    group = selectors.customer_groups().filter(pk=pk).first()
    if group is None:
        raise Http404
    action = request.POST.get("action") if request.method == "POST" else None
    rename_form = CustomerGroupForm(request.POST if action == "rename" else None, initial={"name": group.name})
    member_form = GroupMemberForm(request.POST if action == "add" else None)
    try:
        if action == "rename" and rename_form.is_valid():
            services.rename_customer_group(group, rename_form.cleaned_data["name"])
            messages.success(request, _("The group is renamed."))
            return redirect("portal:manage-customer-group", pk=group.pk)
        if action == "add" and member_form.is_valid():
            customer = services.add_to_customer_group(group, member_form.cleaned_data["customer"])
            messages.success(request, _("%(name)s added.") % {"name": customer.display_name})
            return redirect("portal:manage-customer-group", pk=group.pk)
        if action == "remove":
            services.remove_from_customer_group(group, request.POST.get("member"))
            messages.success(request, _("Removed from the group."))
            return redirect("portal:manage-customer-group", pk=group.pk)
        if action == "delete":
            if request.POST.get("confirm") != "on":
                raise ValidationError(_("Tick the box to confirm the deletion."))
            services.delete_customer_group(group)
            messages.success(request, _("Group “%(name)s” deleted.") % {"name": group.name})
            return redirect("portal:manage-customer-groups")
    except ValidationError as error:
        if action in ("remove", "delete"):
            messages.error(request, _messages_of(error))
            return redirect("portal:manage-customer-group", pk=group.pk)
        add_service_errors(rename_form if action == "rename" else member_form, error)
    page = Paginator(selectors.customer_group_members(group), CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    invalid = rename_form.errors or member_form.errors or (action and action not in ("rename", "add"))
    return render(request, "portal/manage_customer_group.html", {
        "group": group, "page": page, "rename_form": rename_form, "member_form": member_form,
    }, status=400 if invalid else 200)


def _is_local(url) -> bool:
    return bool(url) and url.startswith("/manage/customers/") and "//" not in url


@role_required(*OWNER_AND_MANAGER)
@require_POST
def numbers_import(request):
    """CSV import of numbers: the report lists every refused row with its reason."""
    form = NumbersImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _customers_page(request, import_form=form, status=400)
    report = services.import_account_numbers(form.cleaned_data["file"],
                                             apply_valid_rows=form.cleaned_data["apply_valid_rows"])
    if report.applied:
        messages.success(request, _("%(attached)s numbers attached, %(unchanged)s were already in place.") % {
            "attached": report.attached, "unchanged": report.unchanged})
    else:
        messages.error(request, _("Nothing was attached. See the problems below."))
    return _customers_page(request, import_form=NumbersImportForm(), report=report,
                           status=200 if report.ok else 400)


# --- Staff -------------------------------------------------------------------------------------------

def _staff_page(request, *, invite_form=None, status=200):
    return render(request, "portal/manage_staff.html", {
        "members": selectors.staff_members(),
        "invites": selectors.pending_invites(),
        "invite_form": invite_form or InviteForm(),
        "role_form": StaffRoleForm(),
    }, status=status)


@role_required("owner")
@require_http_methods(["GET", "POST"])
def staff(request):
    """The business's staff with their roles; the owner invites new staff by e-mail."""
    if request.method == "GET":
        return _staff_page(request)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invite = services.invite_staff(
                email=form.cleaned_data["email"], role=form.cleaned_data["role"], invited_by=request.user,
                accept_url=lambda raw: request.build_absolute_uri(reverse("portal:invite-accept", args=[raw])))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s. The link works for 7 days.")
                             % {"email": invite.email})
            return redirect("portal:manage-staff")
    return _staff_page(request, invite_form=form, status=400)


@role_required("owner")
@require_POST
def staff_role(request, member_id):
    form = StaffRoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose one of the offered roles."))
        member = services.change_staff_role(member_id=member_id, role=form.cleaned_data["role"],
                                            changed_by=request.user)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(request, _("%(name)s is now %(role)s.") % {
            "name": member.display_name, "role": member.get_role_display()})
    return redirect("portal:manage-staff")


@role_required("owner")
@require_POST
def staff_active(request, member_id):
    active = request.POST.get("active") == "1"
    try:
        member = services.set_staff_active(member_id=member_id, active=active, changed_by=request.user)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        text = _("%(name)s can sign in again.") if active else _("%(name)s can no longer sign in.")
        messages.success(request, text % {"name": member.display_name})
    return redirect("portal:manage-staff")


@role_required("owner")
@require_POST
def invite_revoke(request, invite_id):
    try:
        invite = services.revoke_invite(invite_id)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(request, _("The invitation of %(email)s is withdrawn.") % {"email": invite.email})
    return redirect("portal:manage-staff")


def _backend_that_knows(user) -> str:
    """The first configured authentication backend that recognises `user` on later requests (some
    backends only guard sign-ins and know no one)."""
    for path in settings.AUTHENTICATION_BACKENDS:
        backend = load_backend(path)
        if hasattr(backend, "get_user") and backend.get_user(user.pk) is not None:
            return path
    return settings.AUTHENTICATION_BACKENDS[-1]


@require_http_methods(["GET", "POST"])
def invite_accept(request, token):
    """Where an invited person chooses a name and password; they land signed in on the manage area."""
    invite = selectors.invite_for_link(token)
    if invite is None or not invite.is_pending:
        return render(request, "portal/manage_invite_invalid.html", {"invite": invite},
                      status=404 if invite is None else 410)
    form = AcceptInviteForm(request.POST or None, email=invite.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invite(token, full_name=form.cleaned_data["full_name"],
                                          password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend=_backend_that_knows(user))
            messages.success(request, _("Welcome, %(name)s! You are signed in.") % {"name": user.display_name})
            return redirect("portal:manage")
    return render(request, "portal/manage_invite_accept.html", {"form": form, "invite": invite},
                  status=400 if form.errors else 200)
