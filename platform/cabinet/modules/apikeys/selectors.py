"""Reads of the API module."""

from django.db.models import QuerySet

from .models import ApiKey


def customer_keys(customer) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(customer=customer)


def all_keys() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related("customer")


def active_key_count(customer) -> int:
    return ApiKey.objects.filter(customer=customer, revoked_at__isnull=True).count()


def key_figures(*, since) -> dict[str, int]:
    """Keys in use (not revoked), and of them used since `since`, for the owner's overview: one query."""
    from django.db.models import Count, Q

    return ApiKey.objects.filter(revoked_at__isnull=True).aggregate(
        active=Count("pk"), used=Count("pk", filter=Q(last_used_at__gte=since)))


def has_keys() -> bool:
    return ApiKey.objects.exists()
