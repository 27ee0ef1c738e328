import logging
from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tenants.utils import tenant_context

import verticals
from cabinet.accounts.forms import PlatformStaffAuthenticationForm
from cabinet.accounts.services import issue_login_token
from cabinet.accounts.throttling import client_ip
from cabinet.forms import add_service_errors

from . import selectors, services, tasks
from .forms import FindPortalForm, SignupForm, StatusChangeForm, SuspendForm
from .models import Tenant

logger = logging.getLogger(__name__)


@require_GET
def landing(request):
    return render(request, "tenants/landing.html", {"verticals": verticals.VERTICALS.values(),
                                                    "find_form": FindPortalForm()})


@require_http_methods(["GET", "POST"])
def find_portal(request):
    """"Sign in to your business": the person types an e-mail and gets the list of portals where it belongs to
    staff, by e-mail. The page answers the same whether or not there are any, so it tells nobody who works where."""
    form = FindPortalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not services.allow_portal_lookup(email=email, ip=client_ip(request)):
            return render(request, "tenants/find_portal.html", {"form": form, "throttled": True}, status=429)
        tasks.send_portal_list.delay(email, translation.get_language())
        return render(request, "tenants/find_portal.html", {"form": FindPortalForm(), "sent_to": email})
    status = 400 if request.method == "POST" else 200
    return render(request, "tenants/find_portal.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None, language=translation.get_language())
    if request.method == "POST" and form.is_valid():
        try:
            created = form.save()
        except ValidationError as exc:  # lost a race for the same address or e-mail
            add_service_errors(form, exc)
        except services.ProvisioningError:
            logger.exception("Signup failed: the platform cannot make schemas")
            form.add_error(None, _("We cannot create portals right now. Please try again in a few minutes."))
        else:
            with tenant_context(created.tenant):
                token = issue_login_token(created.owner)
            portal = services.tenant_url(created.tenant, services.port_of(request.get_host()))
            return HttpResponseRedirect(f"{portal}/manage/enter/{token}/")
    return render(request, "tenants/signup.html", {"form": form, "verticals": verticals.VERTICALS.values()})


@require_GET
def check_slug(request):
    """Live feedback on the portal address while the business types it (htmx)."""
    slug = request.GET.get("slug", "").strip().lower()
    try:
        services.validate_slug(slug)
    except ValidationError as exc:
        return HttpResponse(format_html('<span class="field-error">{}</span>', " ".join(exc.messages)))
    return HttpResponse(format_html('<span class="field-ok">{}</span>',
                                    _("%(domain)s is free.") % {"domain": services.domain_for(slug)}))


# --- platform console -------------------------------------------------------------------------------

def platform_staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff):
            return redirect(f"/console/login/?next={request.path}")
        return view(request, *args, **kwargs)

    return wrapper


class ConsoleLoginView(auth_views.LoginView):
    template_name = "tenants/console_login.html"
    authentication_form = PlatformStaffAuthenticationForm

    def get_default_redirect_url(self):
        return "/console/"


@require_GET
@platform_staff_required
def console(request):
    search = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    page = Paginator(selectors.businesses(search=search, status=status), 50).get_page(request.GET.get("page"))
    counts = selectors.customer_counts(list(page.object_list))
    port = services.port_of(request.get_host())
    rows = [(tenant, counts.get(tenant.schema_name, 0), services.tenant_url(tenant, port),
             getattr(verticals.get_vertical(tenant.vertical), "title", tenant.vertical))
            for tenant in page.object_list]
    return render(request, "tenants/console.html", {
        "rows": rows, "page": page, "search": search, "status": status,
        "statuses": Tenant.Status.choices, "figures": selectors.platform_figures(),
    })


@require_GET
@platform_staff_required
def console_tenant(request, slug):
    tenant = get_object_or_404(Tenant, slug=slug, kind=Tenant.Kind.BUSINESS)
    return render(request, "tenants/console_tenant.html", {
        "tenant": tenant,
        "customers": selectors.customer_counts([tenant]).get(tenant.schema_name, 0),
        "url": services.tenant_url(tenant, services.port_of(request.get_host())),
        "changes": tenant.status_changes.all()[:50],
        "vertical_info": verticals.get_vertical(tenant.vertical),
    })


@require_POST
@platform_staff_required
def console_set_status(request, slug):
    tenant = get_object_or_404(Tenant, slug=slug, kind=Tenant.Kind.BUSINESS)
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose suspend or resume."))
        return _back(request, tenant)
    try:
        services.set_status(tenant, form.cleaned_data["status"], changed_by=request.user.email,
                            reason=form.cleaned_data["reason"])
    except ValidationError:  # a suspension without its reason: ask for it
        return redirect(f"{reverse('console-suspend', args=[tenant.slug])}?{urlencode({'next': _next(request)})}")
    _report_status(request, tenant)
    return _back(request, tenant)


@require_http_methods(["GET", "POST"])
@platform_staff_required
def console_suspend(request, slug):
    """The confirmation step of a suspension: what it does, and the reason, which is required."""
    tenant = get_object_or_404(Tenant, slug=slug, kind=Tenant.Kind.BUSINESS)
    if tenant.is_suspended:
        messages.info(request, _("%(name)s is already suspended.") % {"name": tenant.name})
        return _back(request, tenant)
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_status(tenant, Tenant.Status.SUSPENDED, changed_by=request.user.email,
                                reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _report_status(request, tenant)
            return _back(request, tenant)
    return render(request, "tenants/console_suspend.html", {
        "tenant": tenant, "form": form, "next": _next(request),
        "back_url": _next(request) or reverse("console-tenant", args=[tenant.slug]),
        "url": services.tenant_url(tenant, services.port_of(request.get_host())),
    }, status=400 if form.is_bound else 200)


def _report_status(request, tenant):
    if tenant.is_suspended:
        messages.success(request, _("%(name)s is suspended.") % {"name": tenant.name})
    else:
        messages.success(request, _("%(name)s is active again.") % {"name": tenant.name})


def _next(request) -> str:
    """Where to go back to afterwards: a console page only, never off-site."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return next_url if next_url.startswith("/console/") and not next_url.startswith("/console//") else ""


def _back(request, tenant):
    return redirect(_next(request) or reverse("console-tenant", args=[tenant.slug]))
