"""What clubs do when an order changes: its customer's clubs by spend are recalculated when it is paid or
reaches the end of its flow (so it works whether or not the business takes payments online)."""

from __future__ import annotations

import logging

from cabinet.modules.orders.services import ORDER_EVENTS  # noqa: F401 - the events this module listens to
from cabinet.portal.selectors import is_module_enabled

from . import services

logger = logging.getLogger(__name__)
COMPLETED = ("delivered", "collected", "done")


def order_changed(sender, *, order, event: str, **kwargs) -> None:
    if event == "paid" or (event == "status" and order.status in COMPLETED) or event in ("cancelled", "refunded"):
        if is_module_enabled("clubs"):
            services.recalculate_customer(order.customer)
