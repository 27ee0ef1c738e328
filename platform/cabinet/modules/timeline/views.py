"""The customer's "My events": every interaction with the business, newest first, with filters."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .pages import timeline_context


@require_GET
@login_required(login_url="accounts:login")
def timeline(request):
    if request.user.is_business_staff:
        # Staff have no timeline of their own; a customer's is on the customer card.
        raise PermissionDenied
    context = timeline_context(request, request.user, staff=False)
    return render(request, "timeline/list.html", context, status=400 if context["filter_form"].errors else 200)
