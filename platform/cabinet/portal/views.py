from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cabinet.accounts.permissions import staff_required
from tenants.services import port_of, tenant_url

from .selectors import manage_figures


@require_GET
def home(request):
    """The business's portal front page."""
    return render(request, "portal/home.html")


@require_GET
@login_required
@staff_required
def manage(request):
    """The business's manage area start page."""
    context = {"figures": manage_figures(), "portal_url": tenant_url(request.tenant, port_of(request.get_host()))}
    return render(request, "portal/manage.html", context)
