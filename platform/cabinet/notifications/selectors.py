"""Reads of notifications: the bell, the customer's list, the business's delivery log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from cabinet import freshness

from .models import Delivery, DeliveryAttempt, Notification

PAGE_SIZE = 50


def locked_events() -> frozenset[str]:
    """The events the business made unswitchable ("Notification settings"): they go out on every channel
    the customer can be reached on, whatever the customer chose."""
    from .models import NotificationSettings

    found = NotificationSettings.objects.filter(pk=1).values_list("mandatory_events", flat=True).first()
    return frozenset(found or ())


def unread_count(user) -> int:
    """The bell's number: cached until a notification is written or read (`cabinet.freshness`)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return freshness.cached(f"bell:{user.pk}", "notifications-unread", lambda: Notification.objects.filter(
        recipient=user, in_portal=True, read_at__isnull=True).count())


def notifications_of(user, *, limit: int = PAGE_SIZE) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, in_portal=True)[:limit])


@dataclass(frozen=True)
class LogFilters:
    channel: str = ""
    status: str = ""
    event: str = ""
    customer_id: int | None = None


def delivery_log(filters: LogFilters) -> QuerySet[Delivery]:
    rows = (Delivery.objects.select_related("notification", "notification__recipient")
            .prefetch_related(Prefetch("log", queryset=DeliveryAttempt.objects.order_by("at", "id"))))
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.event:
        rows = rows.filter(notification__event=filters.event)
    if filters.customer_id:
        rows = rows.filter(notification__recipient_id=filters.customer_id)
    return rows.order_by("-created_at", "-id")


def logged_events() -> list[str]:
    return list(Notification.objects.order_by("event").values_list("event", flat=True).distinct())


def counts_by_status() -> dict[str, int]:
    from django.db.models import Count

    return dict(Delivery.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
