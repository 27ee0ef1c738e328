"""The reconciliation statement of a period as a PDF, in the reader's language (the platform's PDF base)."""

from __future__ import annotations

from django.db import connection
from django.utils import formats
from django.utils.translation import gettext as _

from cabinet.pdf import FONT, GREY, DocumentPDF
from cabinet.portal.selectors import portal_state

from .selectors import StatementView, all_lines


def _period(found: StatementView) -> str:
    return _("%(first)s – %(last)s") % {"first": formats.date_format(found.first_day, "SHORT_DATE_FORMAT"),
                                         "last": formats.date_format(found.last_day, "SHORT_DATE_FORMAT")}


WIDTHS = (28, 102, 25, 25)
ALIGNS = ("L", "L", "R", "R")
LINE = 4.8
PAD = 1.0


def _heading(pdf: DocumentPDF) -> None:
    pdf.set_font(FONT, "B", 8.5)
    pdf.set_fill_color(235, 235, 235)
    for width, text, align in zip(WIDTHS, (_("Date"), _("Entry"), _("Amount"), _("Balance")), ALIGNS, strict=True):
        pdf.cell(width, LINE + 2 * PAD, text, align=align, fill=True)
    pdf.ln()
    pdf.set_font(FONT, size=8.5)


def _table(pdf: DocumentPDF, lines) -> None:
    """The entries as rows of plain cells, the heading again on each page and every other row shaded. (fpdf's
    table lays out every cell as a paragraph: 10 000 lines took minutes; a text too long for its column still
    wraps here.)"""
    _heading(pdf)
    for number, line in enumerate(lines):
        text = line.text.split(": ", 1)[-1]
        wrapped = ([text] if pdf.get_string_width(text) <= WIDTHS[1] - 2 * PAD
                   else pdf.multi_cell(WIDTHS[1] - 2 * PAD, LINE, text, dry_run=True, output="LINES"))
        height = LINE * len(wrapped) + 2 * PAD
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            _heading(pdf)
        fill = number % 2 == 1
        pdf.set_fill_color(248, 248, 248)
        cells = (formats.date_format(line.entry.created_at, "SHORT_DATETIME_FORMAT"), text, line.amount,
                 line.balance_after)
        for width, value, align in zip(WIDTHS, cells, ALIGNS, strict=True):
            if value is text and len(wrapped) > 1:
                x, y = pdf.get_x(), pdf.get_y()
                pdf.multi_cell(width, LINE, value, fill=fill, align="L", padding=(PAD, PAD), new_x="RIGHT",
                               new_y="TOP")
                pdf.set_xy(x + width, y)
            else:
                pdf.cell(width, height, value, align=align, fill=fill)
        pdf.ln(height)


def render_statement_pdf(found: StatementView, *, customer) -> bytes:
    business = (getattr(getattr(connection, "tenant", None), "name", "")
                or portal_state().branding.get("portal_name", ""))
    title = _("Statement of account, %(period)s") % {"period": _period(found)}
    pdf = DocumentPDF(title)
    pdf.set_title(title)
    pdf.set_author(business)
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 7, business, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.cell(0, 5.5, _("Customer: %(name)s") % {"name": customer.display_name}, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5.5, _("Currency: %(currency)s") % {"currency": found.statement.currency},
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 6, _("Opening balance: %(amount)s") % {"amount": found.opening}, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, size=8.5)
    _table(pdf, all_lines(found))
    pdf.ln(3)
    pdf.set_font(FONT, size=10)
    for label, amount in ((_("Credited in the period"), found.credited), (_("Debited in the period"), found.debited)):
        pdf.cell(140, 6, label, align="R")
        pdf.cell(40, 6, amount, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, _("Closing balance: %(amount)s") % {"amount": found.closing}, new_x="LMARGIN", new_y="NEXT")
    if not found.statement.count:
        pdf.set_text_color(*GREY)
        pdf.set_font(FONT, size=9)
        pdf.cell(0, 6, _("No entries in this period."), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def statement_filename(found: StatementView) -> str:
    return f"statement-{found.statement.currency}-{found.first_day:%Y%m%d}-{found.last_day:%Y%m%d}.pdf"
