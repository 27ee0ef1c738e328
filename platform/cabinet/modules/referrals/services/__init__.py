"""Writes of the referral programme: codes and attribution (`attribution`), commissions of the friends'
purchases from pending to credited, cancelled or taken back (`commissions`)."""

from .attribution import (
    COOKIE,
    COOKIE_DAYS,
    SESSION_KEY,
    AttributionRefused,
    attribute,
    attribute_from_request,
    code_for,
    erase_personal_data,
    normal_code,
)
from .commissions import cancel_for_order, mature, mature_due, record_purchase

__all__ = [
    "COOKIE", "COOKIE_DAYS", "SESSION_KEY", "AttributionRefused", "attribute", "attribute_from_request", "cancel_for_order",
    "code_for", "erase_personal_data", "mature", "mature_due", "normal_code", "record_purchase",
]
