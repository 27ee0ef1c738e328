"""Reads of the API module."""

from django.db.models import QuerySet

from .models import ApiKey


def customer_keys(customer) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(customer=customer)


def all_keys() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related("customer")


def active_key_count(customer) -> int:
    return ApiKey.objects.filter(customer=customer, revoked_at__isnull=True).count()
