"""The invoice of an order as a PDF (fpdf2 with the bundled DejaVu Sans, so Cyrillic names and addresses
print). Rendered once, when the invoice is issued, in the customer's language; the bytes are stored."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import TableCellFillMode
from fpdf.fonts import FontFace

from cabinet.money import format_money
from cabinet.pdf import FONT, GREY, DocumentPDF
from cabinet.portal.selectors import portal_state

from .models import Invoice, Order, OrderLine

# Widths in mm of the line table's columns on A4 with 15 mm margins (180 mm in all).
COLUMNS = (("", 8), ("name", 58), ("sku", 24), ("quantity", 14), ("unit_price", 26), ("discount", 24),
           ("total", 26))


def invoice_language(order: Order) -> str:
    """The language of the order's invoice and its e-mail: the customer's saved language, else the
    business's invoice language (the orders module's setting), else the platform's default."""
    languages = dict(settings.LANGUAGES)
    for choice in (order.customer.language, portal_state().setting("orders", "invoice_language")):
        language = str(choice or "").split("-")[0]
        if language in languages:
            return language
    return settings.LANGUAGE_CODE


def business_details() -> dict:
    """Who issues the invoice: the business's name and its contact block from the portal's branding."""
    branding = portal_state().branding
    tenant_name = getattr(getattr(connection, "tenant", None), "name", "") or ""
    portal_name = branding.get("portal_name", "")
    return {"name": tenant_name or portal_name,
            "portal_name": portal_name if tenant_name and portal_name != tenant_name else "",
            "addresses": branding.get("addresses", []), "phones": branding.get("phones", []),
            "working_hours": branding.get("working_hours", "")}


def _legal_lines() -> list[str]:
    """The business's legal details (portal settings), each line labelled, in the invoice's language."""
    from cabinet.portal.selectors import legal_details

    details = legal_details()
    lines = [details["legal_name"], details["address"].replace("\n", ", ")]
    if details["tax_number"]:
        lines.append(_("Tax number: %(number)s") % {"number": details["tax_number"]})
    bank = ", ".join(filter(None, (details["bank_name"], details["bank_account"], details["bank_code"])))
    if bank:
        lines.append(_("Bank details: %(bank)s") % {"bank": bank})
    return [line for line in lines if line]


_InvoicePDF = DocumentPDF  # the platform's PDF base (cabinet.pdf): fonts, margins, footer


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The PDF of `invoice` (saved or not: it needs its number, date, currency, total and order)."""
    order = invoice.order
    language = invoice_language(order)
    with translation.override(language):
        return _render(invoice, order, language)


def _render(invoice: Invoice, order: Order, language: str) -> bytes:
    money = lambda amount: format_money(amount, invoice.currency, language)  # noqa: E731
    business = business_details()
    title = _("Invoice %(number)s") % {"number": invoice.display_number}
    pdf = _InvoicePDF(title)
    pdf.set_title(title)
    pdf.set_author(business["name"])
    pdf.add_page()

    # The business and its contacts.
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 7, business["name"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    pdf.set_text_color(*GREY)
    contacts = [business["portal_name"], *business["addresses"], ", ".join(business["phones"]),
                business["working_hours"]]
    for line in filter(None, contacts):
        pdf.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    for line in _legal_lines():
        pdf.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(6)

    # The invoice's number and date.
    pdf.set_font(FONT, "B", 18)
    pdf.cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    issued = formats.date_format(timezone.localtime(invoice.issued_at), "DATE_FORMAT")
    pdf.cell(0, 5.5, _("Date: %(date)s") % {"date": issued}, new_x="LMARGIN", new_y="NEXT")
    if invoice.due_on:
        pdf.cell(0, 5.5, _("Due date: %(date)s") % {"date": formats.date_format(invoice.due_on, "DATE_FORMAT")},
                 new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5.5, _("Order #%(number)s") % {"number": order.number}, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    # The customer.
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 6, _("Customer"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    for line in filter(None, _customer_lines(order)):
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    lines = list(order.lines.all())
    _lines_table(pdf, lines, money)
    _sums(pdf, order, money)
    _explanations(pdf, order, lines)
    return bytes(pdf.output())


def _customer_lines(order: Order) -> list[str]:
    customer = order.customer
    contacts = [value for value in (customer.email, order.phone or customer.phone) if value]
    if not order.has_delivery:
        receiving = ""  # services and digital items are not delivered
    elif order.delivery_method == Order.Delivery.PICKUP and order.pickup_warehouse is not None:
        point = order.pickup_warehouse
        receiving = _("Pickup point: %(place)s") % {
            "place": ", ".join(part for part in (point.name, point.address) if part)}
    else:
        receiving = _("Delivery address: %(address)s") % {"address": order.address}
    return [order.recipient_name or customer.display_name, ", ".join(contacts), receiving]


def _lines_table(pdf: FPDF, lines: list[OrderLine], money) -> None:
    headings = {"": "#", "name": _("Item"), "sku": _("SKU"), "quantity": _("Qty"), "unit_price": _("Price"),
                "discount": _("Discount"), "total": _("Amount")}
    numeric = ("", "quantity", "unit_price", "discount", "total")
    pdf.set_font(FONT, size=8.5)
    with pdf.table(col_widths=[width for _key, width in COLUMNS], width=sum(w for _k, w in COLUMNS),
                   text_align=["RIGHT" if key in numeric else "LEFT" for key, _w in COLUMNS],
                   headings_style=FontFace(family=FONT, emphasis="BOLD", fill_color=(235, 235, 235)),
                   cell_fill_color=(248, 248, 248), cell_fill_mode=TableCellFillMode.ROWS,
                   line_height=4.8, padding=1, repeat_headings=1) as table:
        heading = table.row()
        for key, _width in COLUMNS:
            heading.cell(headings[key])
        for position, line in enumerate(lines, start=1):
            row = table.row()
            row.cell(str(position))
            row.cell(line.name)
            row.cell(line.sku or "")
            row.cell(str(line.quantity))
            row.cell(money(line.unit_price))
            row.cell(money(-line.discount) if line.discount else "—")
            row.cell(money(line.total))
    pdf.ln(3)


def _sums(pdf: FPDF, order: Order, money) -> None:
    rows = [(_("Undiscounted sum"), money(order.subtotal), False)]
    if order.discount:
        rows.append((_("Discount"), money(-order.discount), False))
    rows.append((_("Total"), money(order.total), True))
    for label, amount, strong in rows:
        pdf.set_font(FONT, "B" if strong else "", 11 if strong else 10)
        pdf.cell(140, 6.5, label, align="R")
        pdf.cell(40, 6.5, amount, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _explanations(pdf: FPDF, order: Order, lines: list[OrderLine]) -> None:
    """Why each discount was given, in the invoice's language."""
    notes = [f"{line.name}: {text}" for line in lines for text in line.explanations]
    notes += order.explanations
    if not notes:
        return
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, _("Discounts"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    for note in notes:
        pdf.multi_cell(0, 4.8, f"• {note}", new_x="LMARGIN", new_y="NEXT")


def invoice_filename(invoice: Invoice) -> str:
    return f"invoice-{invoice.display_number}.pdf"

