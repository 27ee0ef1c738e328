"""The manage area of clubs: clubs and their members, join requests, the board with its moderation, and the
queue of reported posts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cabinet.accounts.permissions import role_required
from cabinet.forms import add_service_errors

from . import selectors, services
from .forms import ClubForm, NewsForm
from .models import Comment, Membership, Post
from .module import MODULE

club_staff = role_required(*MODULE.manage_roles("clubs"))
moderators = role_required(*MODULE.manage_roles("reports"))


def _club(pk):
    found = selectors.staff_club(pk)
    if found is None:
        raise Http404
    return found


@require_GET
@club_staff
def clubs(request):
    return render(request, "clubs/manage_clubs.html", {"clubs": selectors.staff_clubs()})


@require_http_methods(["GET", "POST"])
@club_staff
def edit(request, pk=None):
    club = _club(pk) if pk is not None else None
    form = ClubForm(request.POST or None, instance=club)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_club(form.save(commit=False))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The club is saved."))
            return redirect("clubs-manage:club", pk=saved.pk)
    return render(request, "clubs/manage_edit.html", {"form": form, "club": club},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@club_staff
def club(request, pk):
    found = _club(pk)
    form = NewsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_post(club=found, author=request.user, body=form.cleaned_data["body"],
                              is_news=form.cleaned_data["is_news"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The post is on the board."))
            return redirect("clubs-manage:club", pk=found.pk)
    page = Paginator(selectors.board(found, staff=True), 20).get_page(request.GET.get("page"))
    return render(request, "clubs/manage_club.html", {
        "club": found, "members": selectors.members(found)[:200], "pending": selectors.members(
            found, Membership.Status.PENDING), "page": page, "form": form}, status=400 if form.errors else 200)


@require_POST
@club_staff
def recalculate(request, pk):
    found = _club(pk)
    joined, left = services.recalculate_club(found)
    messages.success(request, _("Recalculated: %(joined)s joined, %(left)s left.") % {"joined": joined, "left": left})
    return redirect("clubs-manage:club", pk=found.pk)


@require_POST
@club_staff
def membership(request, pk, action):
    found = get_object_or_404(Membership.objects.select_related("club", "customer"), pk=pk)
    actions = {"approve": services.approve, "decline": services.decline, "remove": services.remove_member}
    if action not in actions:
        raise Http404
    try:
        actions[action](membership=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, {"approve": _("The customer is in the club."),
                                   "decline": _("The request is declined."),
                                   "remove": _("The member is out of the club.")}[action])
    back = request.POST.get("next", "")
    return redirect("clubs-manage:approvals" if back == "approvals" else "clubs-manage:club", **(
        {} if back == "approvals" else {"pk": found.club_id}))


@require_POST
@moderators
def moderate(request, pk, action):
    found = get_object_or_404(Post, pk=pk)
    if action == "hide":
        services.set_post_hidden(post=found, hidden=True)
        messages.success(request, _("The post is hidden from members."))
    elif action == "show":
        services.set_post_hidden(post=found, hidden=False)
        messages.success(request, _("The post is shown again."))
    elif action == "delete":
        services.delete_post(post=found)
        messages.success(request, _("The post is deleted."))
    elif action == "dismiss":
        services.dismiss_reports(post=found)
        messages.success(request, _("The reports are dismissed; the post stays."))
    else:
        raise Http404
    if request.POST.get("next") == "reports":
        return redirect("clubs-manage:reports")
    return redirect("clubs-manage:club", pk=found.club_id)


@require_POST
@moderators
def moderate_comment(request, pk, action):
    found = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    if action not in ("hide", "show"):
        raise Http404
    services.set_comment_hidden(comment=found, hidden=action == "hide")
    messages.success(request, _("The comment is hidden from members.") if action == "hide"
                     else _("The comment is shown again."))
    return redirect("clubs-manage:club", pk=found.post.club_id)


@require_GET
@club_staff
def approvals(request):
    return render(request, "clubs/manage_approvals.html", {"requests": selectors.pending_requests()})


@require_GET
@moderators
def reports(request):
    page = Paginator(selectors.reported_posts(), 30).get_page(request.GET.get("page"))
    return render(request, "clubs/manage_reports.html", {"page": page})
