"""Events of support other parts subscribe to (notifications): sent only after the change is committed.

`support_event` is sent with `event` (one of the keys the module declares as notification events), `request`
(the support Request), `event_id` (the occurrence) and either `customer` (the customer who should hear about
it: "support.reply", "support.status", "support.stage") or `assignee` (the member of staff the request is given
to: "support.assigned", "support.customer_reply", the latter with `message`, the customer's answer)."""

from django.dispatch import Signal

support_event = Signal()
