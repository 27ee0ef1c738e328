"""The staff's side: one customer's whole timeline with filters, and logging a call, meeting or note."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cabinet.accounts import selectors as account_selectors
from cabinet.accounts.permissions import has_role, role_required
from cabinet.forms import add_service_errors
from cabinet.portal.selectors import business_time_zone

from . import services
from .forms import InteractionForm
from .pages import timeline_context

# Staff who see a customer's timeline on the customer card (the owner always does).
READER_ROLES = ("owner", "manager", "operator")


def _customer_or_404(customer_id):
    customer = account_selectors.customer_for_staff(customer_id)
    if customer is None:
        raise Http404
    return customer


@role_required(*READER_ROLES)
@require_GET
def customer_timeline(request, customer_id):
    customer = _customer_or_404(customer_id)
    context = timeline_context(request, customer, staff=True)
    context.update({"person": customer, "log_form": InteractionForm(),
                    "can_write": has_role(request.user, services.WRITER_ROLES)})
    return render(request, "timeline/manage_customer.html", context,
                  status=400 if context["filter_form"].errors else 200)


@role_required(*services.WRITER_ROLES)
@require_POST
def log(request, customer_id):
    customer = _customer_or_404(customer_id)
    form = InteractionForm(request.POST)
    card = reverse("portal:manage-customer", args=[customer.pk])
    with timezone.override(business_time_zone()):
        valid = form.is_valid()
    if valid:
        try:
            services.log_interaction(customer=customer, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added to the timeline of %(name)s.") % {"name": customer.display_name})
            return redirect(f"{card}#timeline")
    context = timeline_context(request, customer, staff=True)
    context.update({"person": customer, "log_form": form, "can_write": True})
    return render(request, "timeline/manage_customer.html", context, status=400)
