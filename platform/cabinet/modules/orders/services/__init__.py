"""Writes of the orders module, one file per subject: the cart, prices, checkout, statuses after checkout,
repeat and recurring orders, invoices, discount rules. Everything other code calls is named here, so callers
write `services.checkout(...)` whatever file it lives in."""

from ..signals import EVENTS as ORDER_EVENTS
from ..signals import order_event, send_order_event
from .cart import add_to_cart, change_quantity, fit_to_available, get_cart, quantity_from, remove_from_cart
from .checkout import checkout, clean_receiving, erase_personal_data, lines_need_delivery, place_order
from .discounts import delete_discount_rule, engine_rule_errors, save_discount_rule, set_discount_rule_active
from .invoices import (
    EVENT_INVOICE,
    due_date,
    issue_invoice,
    payment_required,
    payment_terms_days,
    send_invoice_email,
)
from .payments import (
    card_payment_refunded,
    card_payment_succeeded,
    owed_amount,
    paid_amount,
    pay_from_balance,
    record_bank_transfer,
    refund_to_balance,
    start_card_payment,
)
from .prices import (
    PricedCartLines,
    active_rules,
    condition_choices,
    customer_conditions,
    is_first_order,
    lines_from_items,
    price_for,
    price_lines,
)
from .recurring import (
    EVENT_RECURRING,
    Change,
    create_recurring,
    first_run_date,
    local_today,
    next_run_date,
    pause_recurring,
    place_due_recurring,
    place_recurring,
    repeat_order,
    resume_recurring,
    send_recurring_result,
    stop_recurring,
    update_recurring,
)
from .reminders import EVENT_OVERDUE, REMINDER_STEPS, remind_overdue, step_for
from .sequences import take_number
from .statuses import (
    BULK_LIMIT,
    StatusChangeResult,
    bulk_change_status,
    cancel,
    change_status,
    clean_tracking,
)

__all__ = [
    "EVENT_OVERDUE", "REMINDER_STEPS", "card_payment_refunded", "card_payment_succeeded", "due_date", "owed_amount",
    "paid_amount", "pay_from_balance", "payment_required", "payment_terms_days", "record_bank_transfer",
    "refund_to_balance", "remind_overdue", "start_card_payment", "step_for",
    "BULK_LIMIT", "EVENT_INVOICE", "ORDER_EVENTS", "EVENT_RECURRING", "Change", "PricedCartLines", "StatusChangeResult",
    "active_rules", "add_to_cart", "condition_choices", "customer_conditions", "bulk_change_status", "cancel", "change_quantity", "change_status", "checkout",
    "clean_receiving", "clean_tracking", "create_recurring", "delete_discount_rule", "engine_rule_errors",
    "erase_personal_data", "first_run_date", "fit_to_available", "get_cart", "is_first_order", "issue_invoice",
    "lines_from_items", "lines_need_delivery", "local_today", "next_run_date", "order_event", "pause_recurring",
    "place_due_recurring", "place_order", "place_recurring", "price_for", "price_lines", "quantity_from",
    "remove_from_cart", "repeat_order", "send_order_event", "resume_recurring", "save_discount_rule", "send_invoice_email",
    "send_recurring_result", "set_discount_rule_active", "stop_recurring", "take_number", "update_recurring",
]
