"""The manage area's staff: the list with roles and access, invitations (copy the link, resend, withdraw,
expired ones shown as such) and the page where an invited person accepts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import load_backend, login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cabinet.accounts.permissions import role_required
from cabinet.forms import add_service_errors
from cabinet.http import post_only
from cabinet.tenancy import site_url

from . import selectors, services
from .forms import AcceptInviteForm, InviteForm, StaffRoleForm

# The link of an invitation just sent, shown once on the staff page for the owner to copy (kept in the
# owner's session until then: only its hash is stored with the invitation).
INVITE_LINK_SESSION_KEY = "portal:invite-link"


def _messages_of(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _accept_url(request):
    base = site_url(request)
    return lambda raw: base + reverse("portal:invite-accept", args=[raw])


def _staff_page(request, *, invite_form=None, status=200):
    fresh = request.session.pop(INVITE_LINK_SESSION_KEY, None) if request.method == "GET" else None
    return render(request, "portal/manage_staff.html", {
        "members": selectors.staff_members(),
        "invites": selectors.open_invites(),
        "invite_form": invite_form or InviteForm(),
        "role_form": StaffRoleForm(),
        "fresh_invite": fresh,
    }, status=status)


def _remember_link(request, invite, link) -> None:
    request.session[INVITE_LINK_SESSION_KEY] = {"id": invite.pk, "email": invite.email, "link": link}


@never_cache
@role_required("owner")
@require_http_methods(["GET", "POST"])
def staff(request):
    """The business's staff with their roles; the owner invites new staff by e-mail."""
    if request.method == "GET":
        return _staff_page(request)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invite, link = services.invite_staff(
                email=form.cleaned_data["email"], role=form.cleaned_data["role"], invited_by=request.user,
                accept_url=_accept_url(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _remember_link(request, invite, link)
            messages.success(request, _("Invitation sent to %(email)s. The link works for 7 days.")
                             % {"email": invite.email})
            return redirect("portal:manage-staff")
    return _staff_page(request, invite_form=form, status=400)


@role_required("owner")
@post_only("portal:manage-staff")
def staff_role(request, member_id):
    form = StaffRoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose one of the offered roles."))
        member = services.change_staff_role(member_id=member_id, role=form.cleaned_data["role"],
                                            changed_by=request.user)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(request, _("%(name)s is now %(role)s.") % {
            "name": member.display_name, "role": member.get_role_display()})
    return redirect("portal:manage-staff")


@role_required("owner")
@post_only("portal:manage-staff")
def staff_active(request, member_id):
    active = request.POST.get("active") == "1"
    try:
        member = services.set_staff_active(member_id=member_id, active=active, changed_by=request.user)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        text = _("%(name)s can sign in again.") if active else _("%(name)s can no longer sign in.")
        messages.success(request, text % {"name": member.display_name})
    return redirect("portal:manage-staff")


@role_required("owner")
@post_only("portal:manage-staff")
def invite_resend(request, invite_id):
    try:
        invite, link = services.resend_invite(invite_id, accept_url=_accept_url(request))
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        _remember_link(request, invite, link)
        messages.success(request, _("A new link went to %(email)s; it works for 7 days. The earlier link no longer "
                                    "works.") % {"email": invite.email})
    return redirect("portal:manage-staff")


@role_required("owner")
@post_only("portal:manage-staff")
def invite_revoke(request, invite_id):
    try:
        invite = services.revoke_invite(invite_id)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(request, _("The invitation of %(email)s is withdrawn.") % {"email": invite.email})
    return redirect("portal:manage-staff")


def _backend_that_knows(user) -> str:
    """The first configured authentication backend that recognises `user` on later requests (some
    backends only guard sign-ins and know no one)."""
    for path in settings.AUTHENTICATION_BACKENDS:
        backend = load_backend(path)
        if hasattr(backend, "get_user") and backend.get_user(user.pk) is not None:
            return path
    return settings.AUTHENTICATION_BACKENDS[-1]


@require_http_methods(["GET", "POST"])
def invite_accept(request, token):
    """Where an invited person chooses a name and password; they land signed in on the manage area."""
    invite = selectors.invite_for_link(token)
    if invite is None or not invite.is_pending:
        return render(request, "portal/manage_invite_invalid.html", {"invite": invite},
                      status=404 if invite is None else 410)
    form = AcceptInviteForm(request.POST or None, email=invite.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invite(token, full_name=form.cleaned_data["full_name"],
                                          password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend=_backend_that_knows(user))
            messages.success(request, _("Welcome, %(name)s! You are signed in.") % {"name": user.display_name})
            return redirect("portal:manage")
    return render(request, "portal/manage_invite_accept.html", {"form": form, "invite": invite},
                  status=400 if form.errors else 200)
