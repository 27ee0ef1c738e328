"""The business's pages of the programme: its earning rules (add, change: a new version; switch off) and a
link to its settings (rate, share of an order, return window, expiry, reminder)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cabinet.accounts.permissions import role_required
from cabinet.forms import add_service_errors

from . import selectors, services
from .forms import RuleForm
from .models import EarningRule
from .module import MODULE

ROLES = MODULE.manage_roles("rules")


def _save(request, form: RuleForm, rule: EarningRule | None):
    if not form.is_valid():
        return None
    try:
        saved = services.save_rule(form.cleaned_data, rule=rule)
        if saved.active != form.cleaned_data["active"]:
            services.set_rule_active(saved, form.cleaned_data["active"])
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return saved


@require_http_methods(["GET", "POST"])
@role_required(*ROLES)
def rules(request):
    form = RuleForm(request.POST or None)
    if request.method == "POST":
        if _save(request, form, None) is not None:
            messages.success(request, _("The rule is added."))
            return redirect("loyalty-manage:rules")
    rows = [{"rule": rule, "text": selectors.rule_text(rule)} for rule in selectors.all_rules()]
    return render(request, "loyalty/manage_rules.html", {"form": form, "rows": rows, "terms": selectors.how_to_spend()},
                  status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@role_required(*ROLES)
def edit_rule(request, pk):
    rule = get_object_or_404(EarningRule, pk=pk)
    initial = {"kind": rule.kind, "currency": rule.currency, "percent": f"{rule.percent.normalize():f}",
               "points": rule.points or "", "active": rule.active}
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if _save(request, form, rule) is not None:
            messages.success(request, _("The rule is saved."))
            return redirect("loyalty-manage:rules")
    return render(request, "loyalty/manage_edit.html", {"form": form, "rule": rule},
                  status=400 if form.is_bound else 200)
