"""Core sections of the manage area: branding and module switches (customers: customer_views.py; staff:
staff_views.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import verticals
from cabinet import registry
from cabinet.accounts.permissions import role_required

from . import selectors, services
from .forms import BrandingForm, VerticalForm, module_settings_form
from .models import Branding

OWNER_AND_MANAGER = ("owner", "manager")


def _messages_of(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


# --- Legal details --------------------------------------------------------------------------------------

@role_required("owner")
@require_http_methods(["GET", "POST"])
def legal_details(request):
    """The business's legal name, tax number, address and bank details, printed on new invoices."""

    from cabinet.forms import add_service_errors

    from .forms import LegalDetailsForm
    from .legal import read_legal_details, save_legal_details

    form = LegalDetailsForm(request.POST or None, initial=read_legal_details())
    if request.method == "POST" and form.is_valid():
        try:
            save_legal_details(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Legal details saved. New invoices carry them."))
            return redirect("portal:manage-legal")
    if form.errors:
        messages.error(request, _("Nothing was saved: please correct the marked fields."))
    return render(request, "portal/manage_legal.html", {"form": form}, status=400 if form.errors else 200)


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
