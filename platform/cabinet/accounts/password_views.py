"""Pages about passwords: "Forgot your password?", the reset link, the link staff hand over, and the new
password someone signed in with a temporary one must choose."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cabinet.forms import add_service_errors

from . import services
from .forms import SmsResetCodeForm, SmsResetRequestForm, TenantPasswordResetForm
from .throttling import client_ip
from .tokens import password_reset_tokens
from .views import BACKEND, _safe_next, _site_url


@require_http_methods(["GET", "POST"])
def password_reset(request):
    """Asks for a reset link. Whatever happens (a link mailed, no such account, the hourly limit reached), the
    answer is the same page, so it tells nobody which addresses have accounts."""
    form = TenantPasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_password_reset(email=form.cleaned_data["email"], site_url=_site_url(request),
                                        ip=client_ip(request))
        return redirect("accounts:password-reset-sent")
    return render(request, "accounts/password_reset_form.html", {"form": form})


SMS_RESET_PHONE = "accounts:sms-reset-phone"


@require_http_methods(["GET", "POST"])
def sms_reset(request):
    """Asks for a reset code by SMS (an account registered with a phone only). The answer is the same page
    whether or not the number has an account or the hourly limit held the SMS back."""
    form = SmsResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_sms_reset_code(phone=form.cleaned_data["phone"], ip=client_ip(request))
        request.session[SMS_RESET_PHONE] = form.cleaned_data["phone"]
        return redirect("accounts:sms-reset-code")
    return render(request, "accounts/sms_reset_form.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def sms_reset_code(request):
    """The code from the SMS and a new password; then the person signs in with it."""
    phone = request.session.get(SMS_RESET_PHONE)
    if not phone:
        return redirect("accounts:sms-reset")
    form = SmsResetCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password_with_code(phone=phone, code=form.cleaned_data["code"],
                                              password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            if getattr(error, "code", None) == services.WRONG_CODE:
                form.add_error("code", error)
            else:
                form.add_error("new_password1", error)
        else:
            del request.session[SMS_RESET_PHONE]
            return redirect("accounts:password-reset-complete")
    return render(request, "accounts/sms_reset_code.html", {"form": form, "minutes": settings.SMS_RESET_CODE_MINUTES},
                  status=400 if form.errors else 200)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    token_generator = password_reset_tokens
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_completed(form.user)
        return response


password_reset_sent = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html")


@never_cache
@require_http_methods(["GET", "POST"])
def password_link(request, token):
    """The single-use link staff made for a customer: the customer chooses a new password and is signed in.
    Opening the page uses nothing up; saving does."""
    user = services.password_link_user(token)
    if user is None:
        return render(request, "accounts/password_link_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.use_password_link(token, form.cleaned_data["new_password1"])
        except ValidationError as error:
            if error.code == "invalid_link":
                return render(request, "accounts/password_link_invalid.html", status=404)
            add_service_errors(form, error)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your new password is saved and you are signed in."))
            return redirect("/")
    return render(request, "accounts/password_link.html", {"form": form, "person": user},
                  status=400 if form.errors else 200)


@login_required(login_url="accounts:login")
@require_http_methods(["GET", "POST"])
def choose_password(request):
    """Where every page leads someone who signed in with a temporary password until they choose their own."""
    user = request.user
    landing = reverse("portal:manage") if user.is_business_staff else "/"
    if not user.password_change_required:
        return redirect(landing)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.choose_new_password(user, form.cleaned_data["new_password1"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your new password is saved."))
            return redirect(_safe_next(request, landing))
    return render(request, "accounts/choose_password.html", {"form": form}, status=400 if form.errors else 200)
