from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .forms import StaffAuthenticationForm
from .permissions import staff_required


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
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
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
        messages.success(request, _("Your password is saved."))
        return redirect("portal:manage")
    return render(request, "accounts/password.html", {"form": form})


def customer_login(request):
    raise Http404


def customer_logout(request):
    raise Http404


def register(request):
    raise Http404


def my_settings(request):
    raise Http404
