"""Customer pages of the API module: my keys (create, revoke) and the API documentation."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cabinet.forms import add_service_errors

from . import docs, selectors, services
from .forms import ApiKeyForm
from .models import ApiKey


def customer_only(view):
    """Signed-in customers only: staff manage keys in the manage area, they do not own any."""

    @login_required(login_url="accounts:login")
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_business_staff:
            raise PermissionDenied(_("API keys belong to customers."))
        return view(request, *args, **kwargs)

    return wrapper


def _list(request, form, status=200):
    return render(request, "apikeys/list.html", {
        "keys": selectors.customer_keys(request.user), "form": form,
        "max_active": services.MAX_ACTIVE_KEYS}, status=status)


@require_GET
@customer_only
def key_list(request):
    return _list(request, ApiKeyForm())


@never_cache
@require_POST
@customer_only
def create(request):
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            api_key, raw_key = services.create_key(request.user, form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Rendered, not redirected: the full key exists only in this one answer.
            return render(request, "apikeys/created.html", {"api_key": api_key, "raw_key": raw_key})
    return _list(request, form, status=400)


@require_http_methods(["GET", "POST"])
@customer_only
def revoke(request, pk):
    api_key = selectors.customer_keys(request.user).filter(pk=pk).first()
    if api_key is None:
        raise Http404
    if request.method == "POST":
        try:
            services.revoke_key(request.user, pk)
        except ApiKey.DoesNotExist as missing:
            raise Http404 from missing
        messages.success(request, _("The key \"%(name)s\" is revoked; requests with it are refused from now on.")
                         % {"name": api_key.name})
        return redirect("api:list")
    return render(request, "apikeys/revoke.html", {"api_key": api_key, "cancel_url": "api:list"})


@require_GET
def api_docs(request):
    return render(request, "apikeys/docs.html", {"endpoints": docs.endpoints(request)})
