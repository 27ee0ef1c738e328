from django.shortcuts import render
from django.views.decorators.http import require_GET

from cabinet.accounts.permissions import staff_required
from cabinet.tenancy import port_of, tenant_url

from .cards import dashboard_cards
from .overview import overview_cards, setup_checklist


@require_GET
def home(request):
    """The portal's front page: a welcome for visitors, the dashboard for a signed-in customer."""
    cards = []
    if request.user.is_authenticated:
        cards = [card for card in dashboard_cards(request) if card is not None]
    return render(request, "portal/home.html", {"cards": cards})


@require_GET
@staff_required
def manage(request):
    """The manage area's start page: figures of every enabled module the person's role may see, and the
    setup checklist, each step ticking itself once done."""
    checklist = setup_checklist(request, request.portal)
    user = request.user
    return render(request, "portal/manage.html", {
        "greeting_name": user.full_name.strip() or user.email,
        "cards": overview_cards(request, request.portal),
        "checklist": checklist,
        "checklist_done": sum(1 for row in checklist if row.done),
        "portal_url": tenant_url(request.tenant, port_of(request.get_host())),
    })
