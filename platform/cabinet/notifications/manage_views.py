"""The business's side: the delivery log (filters, retry) and the notification settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cabinet.accounts.permissions import role_required

from . import selectors, services
from .forms import LogFilterForm, SettingsForm
from .models import Delivery

OWNER_AND_MANAGER = ("owner", "manager")


def _events() -> list[tuple[str, str]]:
    from cabinet.accounts.selectors import notification_events

    return [(key, str(label)) for key, label in notification_events()]


@role_required(*OWNER_AND_MANAGER)
@require_http_methods(["GET"])
def delivery_log(request):
    from cabinet.accounts.selectors import find_customer

    form = LogFilterForm(request.GET or None, events=_events())
    filters = selectors.LogFilters()
    unknown_customer = False
    if form.is_valid():
        data = form.cleaned_data
        customer = find_customer(data["customer"]) if data["customer"] else None
        unknown_customer = bool(data["customer"]) and customer is None
        filters = selectors.LogFilters(channel=data["channel"], status=data["status"], event=data["event"],
                                       customer_id=customer.pk if customer else -1 if unknown_customer else None)
    counts = selectors.counts_by_status()
    page = Paginator(selectors.delivery_log(filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "notifications/manage_log.html", {
        "form": form, "page": page, "unknown_customer": unknown_customer, "query": query.urlencode(),
        "counts": [(label, counts.get(value, 0)) for value, label in Delivery.Status.choices]}, status=400 if form.errors else 200)


@role_required(*OWNER_AND_MANAGER)
@require_POST
def retry(request, delivery_id: int):
    try:
        services.retry_delivery(delivery_id=delivery_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The delivery is queued again."))
    query = QueryDict(request.POST.get("back", "")).urlencode()  # only the log's own filters, re-encoded
    return redirect(reverse("notifications:manage-log") + (f"?{query}" if query else ""))


@role_required("owner")
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    current = services.business_settings()
    initial = {"quiet_start": current.quiet_start, "quiet_end": current.quiet_end, "sms_sender": current.sms_sender,
               "mandatory_events": current.mandatory_events}
    form = SettingsForm(request.POST or None, initial=initial, events=_events())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        key = "" if data["remove_api_key"] else (data["sms_api_key"] or None)
        try:
            services.save_settings(quiet_start=data["quiet_start"], quiet_end=data["quiet_end"],
                                   sms_sender=data["sms_sender"], sms_api_key=key,
                                   mandatory_events=list(data["mandatory_events"]))
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Notification settings saved."))
            return redirect("notifications:manage-settings")
    return render(request, "notifications/manage_settings.html",
                  {"form": form, "has_api_key": bool(current.sms_credentials)}, status=400 if form.errors else 200)
