"""Events of support other parts subscribe to (notifications): sent only after the change is committed.

`support_event` is sent with `event` ("support.reply" or "support.status", the keys the module declares as
notification events), `request` (the support Request) and `customer` (who should hear about it)."""

from django.dispatch import Signal

support_event = Signal()
