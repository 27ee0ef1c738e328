"""Documents' section of the customer card: the documents handed to the customer, for document staff."""

from django.utils.translation import gettext_lazy as _

from cabinet.accounts.permissions import has_role
from cabinet.registry import CustomerCardSection

from .models import Document
from .selectors import STAFF_ROLES

SHOWN = 10


def section(request, customer) -> CustomerCardSection | None:
    if not has_role(request.user, STAFF_ROLES):
        return None
    rows = Document.objects.filter(customer=customer).order_by("-created_at", "-id")
    return CustomerCardSection(title=_("Documents"), template="documents/customer_card.html", order=40, context={
        "documents": list(rows[:SHOWN]), "document_count": rows.count()})
