"""The invoice PDF for the customer whose order it is and for the business's order staff."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from cabinet.accounts.permissions import has_role

from . import selectors
from .invoice_pdf import invoice_filename

# Staff roles that work with orders see every invoice (the owner always does).
INVOICE_STAFF_ROLES = ("manager", "operator")


@require_GET
@login_required(login_url="accounts:login")
def invoice_pdf(request, pk):
    """The stored PDF as a download. Anyone but its customer and order staff gets 404, so an invoice's
    existence is not revealed."""
    if has_role(request.user, INVOICE_STAFF_ROLES):
        invoice = selectors.invoice_for_staff(pk)
    else:
        invoice = selectors.customer_invoice(request.user, pk)
    if invoice is None:
        raise Http404
    return invoice_pdf_response(invoice, as_attachment=True)


def invoice_pdf_response(invoice, *, as_attachment: bool) -> HttpResponse:
    """The stored PDF of an invoice, named after its number, never kept by shared caches."""
    response = HttpResponse(bytes(invoice.pdf), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment, invoice_filename(invoice))
    response["Cache-Control"] = "private, max-age=0"
    return response
