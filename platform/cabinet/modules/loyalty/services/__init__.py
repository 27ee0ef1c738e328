"""Writes of the bonus-points programme, one file per subject: earning (rules, awards, their maturing and
taking back), spending (at checkout, and the return of it) and expiry (with its reminder)."""

from .earning import (
    active_rule,
    award,
    award_event,
    award_order,
    clean_rule,
    mature,
    mature_due,
    purchase_points,
    save_rule,
    set_rule_active,
    take_back_order,
)
from .expiry import expire, expire_due, remind_due
from .spending import MAX, choose, limit_for, parse_request, plan, point_value, return_for_order, spend

__all__ = [
    "MAX", "active_rule", "award", "award_event", "award_order", "choose", "clean_rule", "expire", "expire_due",
    "limit_for", "mature", "mature_due", "parse_request", "plan", "point_value", "purchase_points", "remind_due",
    "return_for_order", "save_rule", "set_rule_active", "spend", "take_back_order",
]
