"""The programme's section of the customer card: the customer's points and newest entries, for the staff who
run the programme."""

from django.utils.translation import gettext_lazy as _

from cabinet.accounts.permissions import has_role
from cabinet.registry import CustomerCardSection

from . import selectors
from .module import MODULE

SHOWN = 10


def section(request, customer) -> CustomerCardSection | None:
    if not has_role(request.user, MODULE.manage_roles("rules")):
        return None
    return CustomerCardSection(title=_("Bonus points"), template="loyalty/customer_card.html", order=40, context={
        "summary": selectors.summary(customer=customer), "entries": selectors.entries(customer=customer, limit=SHOWN),
        "pending": selectors.pending_lots(customer=customer)})
