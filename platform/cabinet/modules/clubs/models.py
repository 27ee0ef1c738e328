"""Clubs of a business: who may join, who is in, and the club board (posts, comments, reports)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabinet.money import CURRENCIES

CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]


class Club(models.Model):
    class Access(models.TextChoices):
        OPEN = "open", _("Open to all")
        APPROVAL = "approval", _("By approval")
        SPEND = "spend", _("Automatic, by spend")

    class Period(models.TextChoices):
        CALENDAR_MONTH = "month", _("Last calendar month")
        ROLLING_30 = "rolling30", _("Last 30 days")

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    access = models.CharField(_("who may join"), max_length=10, choices=Access.choices, default=Access.OPEN)
    spend_threshold = models.DecimalField(_("spent at least"), max_digits=12, decimal_places=2, null=True,
                                          blank=True)
    spend_currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, blank=True)
    spend_period = models.CharField(_("over"), max_length=10, choices=Period.choices, default=Period.CALENDAR_MONTH)
    support_first = models.BooleanField(_("members' requests come first in support"), default=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("name", "id")
        verbose_name = _("club")
        verbose_name_plural = _("clubs")
        constraints = [
            models.CheckConstraint(
                condition=~Q(access="spend") | (Q(spend_threshold__gt=0) & ~Q(spend_currency="")),
                name="clubs_spend_club_has_threshold"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_automatic(self) -> bool:
        return self.access == self.Access.SPEND


class Membership(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Member")

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="memberships")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="club_memberships")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    automatic = models.BooleanField(_("by spend"), default=False)
    requested_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-joined_at", "-id")
        constraints = [models.UniqueConstraint(fields=("club", "customer"), name="clubs_one_membership")]
        indexes = [models.Index(fields=("customer", "status"))]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.club_id}"


class Post(models.Model):
    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("text"), max_length=4000)
    # Written by staff as the club's news: members are notified.
    is_news = models.BooleanField(_("club news"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("club", "hidden", "created_at"))]

    def __str__(self) -> str:
        return self.body[:40]


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("comment"), max_length=2000)
    hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.body[:40]


class Report(models.Model):
    """A member's report of a post; open until staff hide, delete or dismiss it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [models.UniqueConstraint(fields=("post", "reporter"), condition=Q(resolved_at__isnull=True),
                                               name="clubs_one_open_report")]

    def __str__(self) -> str:
        return f"report of {self.post_id}"
