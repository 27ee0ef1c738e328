"""Customer pages of clubs: the list, a club with its offers and board (members only), join and leave,
post, comment and report. Everything not a member's answers 404 for the board's writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cabinet.forms import add_service_errors

from . import selectors, services
from .forms import CommentForm, PostForm, ReportForm
from .models import Membership


def _club(slug):
    club = selectors.club_by_slug(slug)
    if club is None:
        raise Http404
    return club


@require_GET
def club_list(request):
    user = request.user if request.user.is_authenticated else None
    return render(request, "clubs/list.html", {"clubs": selectors.clubs_for(user)})


def _detail(request, club, *, post_form=None, status=200):
    user = request.user if request.user.is_authenticated else None
    standing = selectors.standing(club, user)
    member = standing == Membership.Status.ACTIVE
    context = {"club": club, "standing": standing, "member": member}
    if member:
        page = Paginator(selectors.board(club), 20).get_page(request.GET.get("page"))
        context.update(page=page, offers=selectors.club_offers(club), post_form=post_form or PostForm(),
                       comment_form=CommentForm(), report_form=ReportForm())
    return render(request, "clubs/detail.html", context, status=status)


@require_GET
def club_detail(request, slug):
    return _detail(request, _club(slug))


@require_POST
@login_required(login_url="accounts:login")
def join(request, slug):
    club = _club(slug)
    try:
        membership = services.join(club=club, customer=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if membership.status == Membership.Status.ACTIVE:
            messages.success(request, _("Welcome to the club!"))
        else:
            messages.success(request, _("Your request is sent; staff will answer it soon."))
    return redirect("clubs:detail", slug=club.slug)


@require_POST
@login_required(login_url="accounts:login")
def leave(request, slug):
    club = _club(slug)
    try:
        if services.leave(club=club, customer=request.user):
            messages.success(request, _("You left the club."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("clubs:detail", slug=club.slug)


def _member_club(request, slug):
    club = _club(slug)
    if selectors.standing(club, request.user) != Membership.Status.ACTIVE:
        raise Http404  # the board of a club one is not in is not shown, not even as "forbidden"
    return club


@require_http_methods(["POST"])
@login_required(login_url="accounts:login")
def post(request, slug):
    club = _member_club(request, slug)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            services.add_post(club=club, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your post is on the board."))
            return redirect("clubs:detail", slug=club.slug)
    return _detail(request, club, post_form=form, status=400)


@require_POST
@login_required(login_url="accounts:login")
def comment(request, slug, pk):
    club = _member_club(request, slug)
    found = selectors.visible_post(club, pk)
    if found is None:
        raise Http404
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment of at most 2000 characters."))
        return redirect("clubs:detail", slug=club.slug)
    try:
        services.add_comment(post=found, author=request.user, body=form.cleaned_data["body"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{club_url(club)}#post-{found.pk}")


@require_POST
@login_required(login_url="accounts:login")
def report(request, slug, pk):
    club = _member_club(request, slug)
    found = selectors.visible_post(club, pk)
    if found is None:
        raise Http404
    form = ReportForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.report_post(post=found, reporter=request.user, reason=reason)
    messages.success(request, _("Thank you: staff will look at this post."))
    return redirect("clubs:detail", slug=club.slug)


def club_url(club) -> str:
    from django.urls import reverse

    return reverse("clubs:detail", kwargs={"slug": club.slug})
