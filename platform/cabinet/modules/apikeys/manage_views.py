"""Staff pages of the API module: every customer's keys, with revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cabinet.accounts.permissions import role_required

from . import selectors, services
from .module import MODULE


@require_GET
@role_required(*MODULE.manage_roles("list"))  # the roles of its entry in module.py
def key_list(request):
    return render(request, "apikeys/manage_list.html", {"keys": selectors.all_keys()})


@require_http_methods(["GET", "POST"])
@role_required(*MODULE.manage_roles("list"))  # the roles of its entry in module.py
def revoke(request, pk):
    api_key = get_object_or_404(selectors.all_keys(), pk=pk)
    if request.method == "POST":
        services.revoke(api_key)
        messages.success(request, _("The key \"%(name)s\" of %(customer)s is revoked.")
                         % {"name": api_key.name, "customer": api_key.customer.display_name})
        return redirect("api-manage:list")
    return render(request, "apikeys/revoke.html", {"api_key": api_key, "cancel_url": "api-manage:list",
                                                   "base": "portal/manage_base.html"})
