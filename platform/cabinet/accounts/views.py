
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from cabinet import events
from cabinet.forms import add_service_errors
from cabinet.http import post_only
from cabinet.tenancy import site_url

from . import export, selectors, services
from .forms import (
    AddressForm,
    CustomerLoginForm,
    EmailChangeForm,
    NotificationPreferencesForm,
    PasswordConfirmForm,
    ProfileForm,
    RegistrationForm,
    StaffAuthenticationForm,
)
from .identifiers import format_phone
from .models import DeliveryAddress
from .permissions import staff_required
from .throttling import client_ip

BACKEND = "cabinet.accounts.backends.IdentifierBackend"
customer_required = login_required(login_url="accounts:login")
RESEND_INTERVAL_SECONDS = 60
HELD_MESSAGE = gettext_noop("Several links were sent within the last hour. Please use the newest one, or ask again "
                            "in an hour.")


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/staff_login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return "/manage/"


@require_http_methods(["GET"])
def enter_with_token(request, token):
    """The link a new owner follows from signup (or an operator from `create_tenant`)."""
    user = services.redeem_login_token(token)
    if user is None:
        messages.error(request, _("This sign-in link has expired or was already used. Please sign in."))
        return redirect("accounts:staff-login")
    login(request, user, backend=BACKEND)
    if not user.has_usable_password():
        return redirect("accounts:password")
    return redirect("portal:manage")


@staff_required
@require_http_methods(["GET", "POST"])
def change_password(request):
    form_class = PasswordChangeForm if request.user.has_usable_password() else SetPasswordForm
    form = form_class(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.password_changed(user)
        messages.success(request, _("Your password is saved."))
        return redirect("portal:manage")
    return render(request, "accounts/password.html", {"form": form})


def _site_url(request) -> str:
    """Scheme and host of the tenant the request came to: links in e-mails point back to this portal, built from
    its known domain only."""
    return site_url(request)


def _remember_language(response, language: str):
    if language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# --- sign-in, sign-out, registration --------------------------------------------------------------------

class CustomerLoginView(auth_views.LoginView):
    """Sign-in of the portal by e-mail, phone or account number; staff may sign in here too."""

    template_name = "accounts/login.html"
    authentication_form = CustomerLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        user = self.request.user
        return reverse("portal:manage") if user.is_authenticated and user.is_business_staff else "/"

    def form_valid(self, form):
        response = super().form_valid(form)
        remember = form.cleaned_data.get("remember_me")
        # 0: the cookie dies with the browser session
        self.request.session.set_expiry(settings.REMEMBER_ME_SECONDS if remember else 0)
        return _remember_language(response, form.get_user().language)


class LogoutView(auth_views.LogoutView):
    """Signing out is a POST (a link cannot sign anyone out); opened directly, the address asks to confirm
    instead of answering 405."""

    http_method_names = ["get", "post", "options"]
    base_template = "accounts/base.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(self.get_success_url())
        return render(request, "accounts/logout_confirm.html", {"base_template": self.base_template})


customer_login = CustomerLoginView.as_view()
customer_logout = LogoutView.as_view(next_page="/")
staff_logout = LogoutView.as_view(next_page="/", base_template="portal/manage_base.html")


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:settings")
    terms_required = bool(request.portal and request.portal.branding.get("has_terms"))
    form = RegistrationForm(request.POST or None, terms_required=terms_required)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_customer(
                full_name=data["full_name"], email=data["email"], phone=data["phone"], password=data["password1"],
                accepted_terms=bool(data.get("accept_terms")), language=request.LANGUAGE_CODE)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend=BACKEND)
            events.announce(user, events.SIGNED_UP, request=request)
            if user.email and services.send_email_verification(
                    user, _site_url(request), ip=client_ip(request)) == services.SENT:
                messages.success(request, _("Welcome! We sent a confirmation link to %(email)s.") % {"email": user.email})
            elif user.email:
                messages.success(request, _("Welcome! Your account is ready. Confirm your e-mail from My settings "
                                            "when you like."))
            else:
                messages.success(request, _("Welcome! Your account is ready."))
            return _remember_language(redirect(_safe_next(request, "/")), user.language)
    return render(request, "accounts/register.html", {"form": form, "next": _safe_next(request, "")})


@require_http_methods(["GET"])
def terms(request):
    text = selectors.terms_text()
    if not text.strip():
        raise Http404(_("This business has not published terms of use."))
    return render(request, "accounts/terms.html", {"terms": text})


@require_http_methods(["GET"])
def verify_email(request, token):
    try:
        user = services.confirm_email(token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your e-mail address %(email)s is confirmed.") % {"email": user.email})
    return redirect("accounts:settings" if request.user.is_authenticated else "accounts:login")


@customer_required
@post_only("accounts:settings")
def resend_verification(request):
    key = f"accounts:resend-verification:{request.user.pk}"  # the cache key function adds the schema
    if not cache.add(key, 1, RESEND_INTERVAL_SECONDS):
        messages.error(request, _("We sent a link a moment ago. Please wait a minute before asking again."))
        return redirect("accounts:settings")
    outcome = services.send_email_verification(request.user, _site_url(request), ip=client_ip(request))
    if outcome == services.SENT:
        address = request.user.pending_email or request.user.email
        messages.success(request, _("We sent a new confirmation link to %(email)s.") % {"email": address})
    elif outcome == services.HELD:
        messages.error(request, _(HELD_MESSAGE))
    else:
        messages.error(request, _("We could not send the e-mail. Please try again later."))
    return redirect("accounts:settings")


# --- my settings ----------------------------------------------------------------------------------------

@customer_required
@require_http_methods(["GET", "POST"])
def my_settings(request):
    user = request.user
    initial = {"full_name": user.full_name, "phone": format_phone(user.phone), "language": user.language,
               "birth_date": user.birth_date}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your settings are saved."))
            return _remember_language(redirect("accounts:settings"), user.language)
    return render(request, "accounts/settings.html", {
        "form": form,
        "addresses": selectors.addresses_of(user),
        "account_numbers": user.account_numbers.all(),
    })


@post_only(lambda request: _safe_next(request, "/"))
def language(request):
    """The header's language switcher: Django's set_language, and for a signed-in person the choice is
    saved on the account too, so it follows them to every device."""
    response = set_language(request)
    code = request.POST.get("language", "")
    if request.user.is_authenticated and code in dict(settings.LANGUAGES):
        services.set_language(request.user, code)
    return response


@customer_required
@require_http_methods(["GET", "POST"])
def change_email(request):
    form = EmailChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.request_email_change(request.user, form.cleaned_data["email"], _site_url(request),
                                                    ip=client_ip(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome == services.SENT:
                messages.success(request, _("We sent a confirmation link to %(email)s. Your current address stays "
                                            "in use until you follow it.") % {"email": request.user.pending_email})
            elif outcome == services.HELD:
                messages.error(request, _(HELD_MESSAGE))
            else:
                messages.error(request, _("We could not send the e-mail. Use “Send the link again” later."))
            return redirect("accounts:settings")
    return render(request, "accounts/email_change.html", {"form": form})


@customer_required
@post_only("accounts:settings")
def cancel_email_change(request):
    services.cancel_email_change(request.user)
    messages.success(request, _("The e-mail change is cancelled."))
    return redirect("accounts:settings")


@customer_required
@require_http_methods(["GET", "POST"])
def customer_password(request):
    user = request.user
    form_class = PasswordChangeForm if user.has_usable_password() else SetPasswordForm
    form = form_class(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.password_changed(user)
        messages.success(request, _("Your password is saved."))
        return redirect("accounts:settings")
    return render(request, "accounts/customer_password.html", {"form": form})


@customer_required
@require_http_methods(["GET", "POST"])
def address_form(request, address_id=None):
    address = get_object_or_404(DeliveryAddress, pk=address_id, user=request.user) if address_id else None
    form = AddressForm(request.POST or None, instance=address,
                       initial={"recipient": request.user.full_name} if address is None else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_address(request.user, form.cleaned_data, address,
                                  make_default=form.cleaned_data["make_default"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The address is saved."))
            return redirect(reverse("accounts:settings") + "#addresses")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@customer_required
@post_only(lambda request, address_id: reverse("accounts:settings") + "#addresses")
def address_delete(request, address_id):
    try:
        services.delete_address(request.user, address_id)
    except DeliveryAddress.DoesNotExist as error:
        raise Http404 from error
    messages.success(request, _("The address is deleted."))
    return redirect(reverse("accounts:settings") + "#addresses")


@customer_required
@post_only(lambda request, address_id: reverse("accounts:settings") + "#addresses")
def address_default(request, address_id):
    try:
        services.set_default_address(request.user, address_id)
    except DeliveryAddress.DoesNotExist as error:
        raise Http404 from error
    messages.success(request, _("The default address is changed."))
    return redirect(reverse("accounts:settings") + "#addresses")


@customer_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    enabled = request.portal.enabled if request.portal else None
    form = NotificationPreferencesForm(selectors.notification_grid(request.user, enabled), request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.save_notification_preferences(request.user, form.chosen(), events=form.events())
        messages.success(request, _("Your notification choices are saved."))
        return redirect("accounts:notifications")
    return render(request, "accounts/notifications.html", {"form": form, "channels": selectors.CHANNELS})


@customer_required
@require_http_methods(["GET"])
def export_data(request):
    content, name, content_type = export.export(request.user)
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(content, as_attachment=True, filename=name, content_type=content_type)


@customer_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    user = request.user
    refusal = _("Staff accounts cannot be deleted here. The owner manages staff in the manage area; the owner's "
                "account is deleted with the business.") if user.is_business_staff else ""
    form = PasswordConfirmForm(user, request.POST or None)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.delete_account(user)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. Thank you for having been with us."))
            return redirect("/")
    return render(request, "accounts/delete_account.html", {"form": form, "refusal": refusal},
                  status=403 if refusal and request.method == "POST" else 200)
