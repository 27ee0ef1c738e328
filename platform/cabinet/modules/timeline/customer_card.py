"""The timeline's section of the customer card: the newest entries (staff notes included) and the form to log a
call, a meeting or a note."""

from django.utils.translation import gettext_lazy as _

from cabinet.accounts.permissions import has_role
from cabinet.portal.selectors import business_time_zone
from cabinet.registry import CustomerCardSection

from . import selectors, services
from .forms import InteractionForm
from .manage_views import READER_ROLES

CARD_ENTRIES = 10


def section(request, customer) -> CustomerCardSection | None:
    if not has_role(request.user, READER_ROLES):
        return None
    page = selectors.timeline_page(customer=customer, limit=CARD_ENTRIES, staff=True)
    labels = {kind: str(label) for kind, label in selectors.kinds(staff=True)}

    return CustomerCardSection(
        title=_("Timeline"), template="timeline/card_section.html", order=10,
        context={"person": customer, "entries": [(entry, labels.get(entry.kind, entry.kind)) for entry in page.entries],
                 "log_form": InteractionForm(), "zone": business_time_zone(),
                 "can_write": has_role(request.user, services.WRITER_ROLES)})
