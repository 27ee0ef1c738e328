"""The business's view of the programme: top referrers, commission credited and pending, what to recover."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cabinet.accounts.permissions import role_required

from . import selectors
from .module import MODULE


@require_GET
@role_required(*MODULE.manage_roles("overview"))
def overview(request):
    return render(request, "referrals/manage_overview.html", {
        "top": selectors.top_referrers(), "totals": selectors.business_totals(),
        "recover": selectors.explain(selectors.to_recover()[:50]), "terms": selectors.programme(),
        "friends": selectors.referral_count()})
