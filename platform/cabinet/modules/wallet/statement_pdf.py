"""The reconciliation statement of a period as a PDF, in the reader's language (the platform's PDF base)."""

from __future__ import annotations

from django.db import connection
from django.utils import formats
from django.utils.translation import gettext as _
from fpdf.enums import TableCellFillMode
from fpdf.fonts import FontFace

from cabinet.pdf import FONT, GREY, DocumentPDF
from cabinet.portal.selectors import portal_state

from .selectors import StatementView, all_lines


def _period(found: StatementView) -> str:
    return _("%(first)s – %(last)s") % {"first": formats.date_format(found.first_day, "SHORT_DATE_FORMAT"),
                                         "last": formats.date_format(found.last_day, "SHORT_DATE_FORMAT")}


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
    widths = (28, 102, 25, 25)
    with pdf.table(col_widths=widths, width=sum(widths), text_align=("LEFT", "LEFT", "RIGHT", "RIGHT"),
                   headings_style=FontFace(family=FONT, emphasis="BOLD", fill_color=(235, 235, 235)),
                   cell_fill_color=(248, 248, 248), cell_fill_mode=TableCellFillMode.ROWS,
                   line_height=4.8, padding=1, repeat_headings=1) as table:
        heading = table.row()
        for text in (_("Date"), _("Entry"), _("Amount"), _("Balance")):
            heading.cell(text)
        for line in all_lines(found):
            row = table.row()
            row.cell(formats.date_format(line.entry.created_at, "SHORT_DATETIME_FORMAT"))
            row.cell(line.text.split(": ", 1)[-1])
            row.cell(line.amount)
            row.cell(line.balance_after)
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
