"""The base of the platform's PDF documents (fpdf2 with the bundled DejaVu Sans, so Cyrillic prints): A4 with
15 mm margins, the regular and bold faces registered, and a footer "<text> · Page 1 of 2"."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "modules" / "orders" / "fonts"
FONT = "DejaVu"
GREY = (110, 110, 110)


class DocumentPDF(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*GREY)
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 5, f"{self.footer_text} · {page}", align="C")
