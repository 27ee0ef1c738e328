"""Writes of clubs: joining and leaving, approvals, the spend recalculation, the board and its moderation.
Each write is one atomic block; notifications are written in it and delivered after commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet.modules.orders import selectors as orders_selectors

from .models import Club, Comment, Membership, Post, Report

EVENT_JOINED, EVENT_LEFT, EVENT_APPROVED, EVENT_NEWS = "clubs.joined", "clubs.left", "clubs.approved", "clubs.news"


def _notify(customer, event: str, club: Club, *, event_id: str, **context) -> None:
    from cabinet.notifications.services import notify
    from cabinet.tenancy import tenant_url

    if not customer.is_active:
        return
    path = f"/clubs/{club.slug}/"
    notify(customer, event, {"customer": customer, "club": club, **context,
                             "link": tenant_url(connection.tenant).rstrip("/") + path},  # type: ignore[attr-defined]
           url=path, event_id=event_id)


def _is_customer(user) -> bool:
    return bool(user and user.is_authenticated and getattr(user, "role", "") == "customer" and user.is_active)


# --- Joining and leaving ---------------------------------------------------------------------------------------

@transaction.atomic
def join(*, club: Club, customer) -> Membership:
    """The customer joins an open club at once, or asks to join a club by approval. A club by spend is joined
    only by spending; ValidationError says so, and nothing changes."""
    if not _is_customer(customer):
        raise ValidationError(_("Only a customer can join a club."))
    if not club.active:
        raise ValidationError(_("This club is closed."))
    if club.is_automatic:
        raise ValidationError(_("Members of this club are chosen by what they spend; it cannot be joined."))
    membership, created = Membership.objects.select_for_update().get_or_create(
        club=club, customer=customer, defaults={"status": Membership.Status.PENDING})
    if not created:
        return membership
    if club.access == Club.Access.OPEN:
        _activate(membership, EVENT_JOINED)
    return membership


def _activate(membership: Membership, event: str) -> None:
    membership.status = Membership.Status.ACTIVE
    membership.joined_at = timezone.now()
    membership.save(update_fields=["status", "joined_at"])
    _notify(membership.customer, event, membership.club,
            event_id=f"{event}:{membership.pk}:{membership.joined_at.timestamp():.0f}")


@transaction.atomic
def leave(*, club: Club, customer) -> bool:
    """The customer leaves the club (or withdraws a request); False when they were not in it. A club by
    spend is left by the recalculation only."""
    if club.is_automatic:
        raise ValidationError(_("Members of this club are chosen by what they spend; it cannot be left."))
    membership = Membership.objects.select_for_update().filter(club=club, customer=customer).first()
    if membership is None:
        return False
    was_member = membership.status == Membership.Status.ACTIVE
    membership.delete()
    if was_member:
        _notify(customer, EVENT_LEFT, club, event_id=f"{EVENT_LEFT}:{club.pk}:{customer.pk}:{timezone.now():%s}")
    return True


@transaction.atomic
def approve(*, membership: Membership) -> Membership:
    """Staff let a waiting customer in."""
    membership = Membership.objects.select_for_update().select_related("club", "customer").get(pk=membership.pk)
    if membership.status != Membership.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    _activate(membership, EVENT_APPROVED)
    return membership


@transaction.atomic
def decline(*, membership: Membership) -> None:
    """Staff turn a request down: it goes, and the customer may ask again."""
    if membership.status != Membership.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    membership.delete()


@transaction.atomic
def remove_member(*, membership: Membership) -> None:
    """Staff take a member out of a club (not of a club by spend: the recalculation would put them back)."""
    if membership.club.is_automatic:
        raise ValidationError(_("Members of this club are chosen by what they spend; it cannot be left."))
    was_member = membership.status == Membership.Status.ACTIVE
    club, customer = membership.club, membership.customer
    membership.delete()
    if was_member:
        _notify(customer, EVENT_LEFT, club, event_id=f"{EVENT_LEFT}:{club.pk}:{customer.pk}:{timezone.now():%s}")


# --- Clubs by spend ---------------------------------------------------------------------------------------------

def spend_window(club: Club, now: datetime) -> tuple[datetime, datetime]:
    """The period a club by spend counts: the last calendar month in the business's time zone (the whole
    month before the current one), or the 30 days up to `now`."""
    from cabinet.portal.selectors import business_time_zone

    if club.spend_period == Club.Period.ROLLING_30:
        return now - timedelta(days=30), now
    local = now.astimezone(business_time_zone())
    this_month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    return last_month, this_month


@transaction.atomic
def recalculate_club(club: Club, *, now: datetime | None = None,
                     customer_ids: list[int] | None = None) -> tuple[int, int]:
    """Brings the members of a club by spend in line with what customers spent (all customers, or only
    `customer_ids`): those who reached the threshold join, the others leave; each is notified. Returns
    (joined, left)."""
    from django.contrib.auth import get_user_model

    if not club.is_automatic or not club.active:
        return 0, 0
    now = now or timezone.now()
    since, until = spend_window(club, now)
    spent = orders_selectors.completed_spend(currency=club.spend_currency, since=since, until=until,
                                             customer_ids=customer_ids)
    threshold = club.spend_threshold or 0
    qualified = {pk for pk, amount in spent.items() if amount >= threshold}
    current = Membership.objects.select_for_update().filter(club=club)
    if customer_ids is not None:
        current = current.filter(customer_id__in=customer_ids)
    members = {m.customer_id: m for m in current.select_related("customer")}
    User = get_user_model()
    joined = left = 0
    for customer in User.objects.filter(pk__in=qualified - set(members), role="customer", is_active=True):
        membership = Membership.objects.create(club=club, customer=customer, automatic=True,
                                               status=Membership.Status.PENDING)
        _activate(membership, EVENT_JOINED)
        joined += 1
    for customer_id, membership in members.items():
        if customer_id not in qualified:
            membership.delete()
            _notify(membership.customer, EVENT_LEFT, club,
                    event_id=f"{EVENT_LEFT}:{club.pk}:{customer_id}:{since:%Y%m%d}:{until:%Y%m%d%H}")
            left += 1
        elif membership.status != Membership.Status.ACTIVE:
            _activate(membership, EVENT_JOINED)
            joined += 1
    return joined, left


def recalculate_all(*, now: datetime | None = None) -> tuple[int, int]:
    """Every active club by spend of the business (the periodic task)."""
    joined = left = 0
    for club in Club.objects.filter(access=Club.Access.SPEND, active=True):
        j, lft = recalculate_club(club, now=now)
        joined, left = joined + j, left + lft
    return joined, left


def recalculate_customer(customer, *, now: datetime | None = None) -> None:
    """Every club by spend for one customer (after one of their orders was paid or completed)."""
    for club in Club.objects.filter(access=Club.Access.SPEND, active=True):
        recalculate_club(club, now=now, customer_ids=[customer.pk])


# --- Clubs ------------------------------------------------------------------------------------------------------

@transaction.atomic
def save_club(club: Club) -> Club:
    """Saves a club whose fields a form set; a club by spend is recalculated at once."""
    if club.access != Club.Access.SPEND:
        club.spend_threshold, club.spend_currency = None, ""
    elif not club.spend_threshold or club.spend_threshold <= 0 or not club.spend_currency:
        raise ValidationError({"spend_threshold": _("A club by spend needs an amount above 0 and its currency.")})
    club.save()
    if club.is_automatic:
        transaction.on_commit(lambda: recalculate_club(club))
    return club


# --- The board --------------------------------------------------------------------------------------------------

def _check_text(body: str, limit: int) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if len(body) > limit:
        raise ValidationError({"body": _("Keep it under %(limit)s characters.") % {"limit": limit}})
    return body


def _is_staff(user) -> bool:
    return bool(user and user.is_authenticated and getattr(user, "role", "") in ("owner", "manager", "editor"))


def _is_member(club: Club, user) -> bool:
    return Membership.objects.filter(club=club, customer=user, status=Membership.Status.ACTIVE).exists()


@transaction.atomic
def add_post(*, club: Club, author, body: str, is_news: bool = False) -> Post:
    """A member's post on the board, or staff's (news when `is_news`: every member is told)."""
    body = _check_text(body, 4000)
    staff = _is_staff(author)
    if not staff and not _is_member(club, author):
        raise ValidationError(_("Only members can post on the club's board."))
    post = Post.objects.create(club=club, author=author, body=body, is_news=bool(is_news and staff))
    if post.is_news:
        members = Membership.objects.filter(club=club, status=Membership.Status.ACTIVE).select_related("customer")
        for membership in members:
            _notify(membership.customer, EVENT_NEWS, club, event_id=f"{EVENT_NEWS}:{post.pk}",
                    text=post.body[:500])
    return post


@transaction.atomic
def add_comment(*, post: Post, author, body: str) -> Comment:
    body = _check_text(body, 2000)
    if post.hidden:
        raise ValidationError(_("This post is hidden."))
    if not _is_staff(author) and not _is_member(post.club, author):
        raise ValidationError(_("Only members can comment on the club's board."))
    return Comment.objects.create(post=post, author=author, body=body)


@transaction.atomic
def report_post(*, post: Post, reporter, reason: str = "") -> Report:
    """A member reports a post to staff; reporting it again while the report is open changes nothing."""
    if not _is_member(post.club, reporter):
        raise ValidationError(_("Only members can report posts."))
    reason = (reason or "").strip()[:300]
    report, _created = Report.objects.get_or_create(post=post, reporter=reporter, resolved_at=None,
                                                    defaults={"reason": reason})
    return report


def _resolve_reports(post: Post) -> None:
    Report.objects.filter(post=post, resolved_at__isnull=True).update(resolved_at=timezone.now())


@transaction.atomic
def set_post_hidden(*, post: Post, hidden: bool) -> Post:
    """Staff hide a post from members (or show it again); its open reports are settled."""
    post.hidden = hidden
    post.save(update_fields=["hidden"])
    _resolve_reports(post)
    return post


@transaction.atomic
def delete_post(*, post: Post) -> None:
    post.delete()


@transaction.atomic
def dismiss_reports(*, post: Post) -> None:
    """Staff read the reports and keep the post."""
    _resolve_reports(post)


@transaction.atomic
def set_comment_hidden(*, comment: Comment, hidden: bool) -> Comment:
    comment.hidden = hidden
    comment.save(update_fields=["hidden"])
    return comment


# --- Personal data ----------------------------------------------------------------------------------------------

def erase_personal_data(user) -> None:
    """Memberships and reports go; posts and comments stay, without their author."""
    Membership.objects.filter(customer=user).delete()
    Report.objects.filter(reporter=user).delete()
    Post.objects.filter(author=user).update(author=None)
    Comment.objects.filter(author=user).update(author=None)
