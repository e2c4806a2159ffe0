"""The printable feedback sheet, laid out by ReportLab (platypus) in memory, never on disk.

It names the round table, the dates, the case by its reference (never the subject), the
answers by organisation name, and the text when the reader may read it. Every value from the
store is escaped before it reaches ReportLab's paragraph markup.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

# Bitstream Vera ships with ReportLab: embedded, it prints accented names the standard PDF
# fonts cannot.
FONT, BOLD = "Vera", "VeraBd"
_fonts_lock = threading.Lock()

NOT_RELEASED = "The text is shown to the addressee only once every organisation has consented."
SECRECY = ("Shared professional secrecy (art. 458ter Penal Code, LIVC-R): this sheet is given "
           "with the consent of every participating organisation of the case table and holds "
           "nothing covered by professional secrecy.")
STATUS = {"awaiting_consent": "awaiting consent", "released": "released",
          "refused": "refused"}


def _register_fonts() -> None:
    with _fonts_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
            pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=BOLD),
        "heading": ParagraphStyle("heading", parent=base["Heading2"], fontName=BOLD),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, leading=14),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName=FONT, fontSize=8,
                                leading=10, textColor=colors.grey),
    }


def _text(value: str) -> str:
    """A stored value as paragraph markup: escaped, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def render_sheet(sheet: dict[str, Any], table_name: str, reference: str,
                 printed_on: date) -> bytes:
    _register_fonts()
    styles = _styles()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
        bottomMargin=20 * mm, title=f"Feedback sheet {reference}", author=table_name,
        invariant=True)
    document.build(_story(sheet, table_name, reference, printed_on, styles))
    return out.getvalue()


def _story(sheet: dict[str, Any], table_name: str, reference: str, printed_on: date,
           styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    body = styles["body"]
    facts = [
        ("Round table", table_name),
        ("Case", reference),
        ("For", sheet["to_organisation"]["name"] or sheet["to_organisation_id"]),
        ("Status", STATUS.get(sheet["status"], sheet["status"])),
        ("Drafted on", sheet["drafted_on"]),
        ("Decided on", sheet["decided_on"] or "-"),
        ("Printed on", printed_on.isoformat()),
    ]
    story: list[Flowable] = [
        Paragraph("Feedback sheet", styles["title"]),
        _grid([[Paragraph(_text(k), body), Paragraph(_text(v), body)] for k, v in facts],
              (40 * mm, 130 * mm)),
        Paragraph("Consents", styles["heading"]),
        _consents(sheet, body),
        Paragraph("Text", styles["heading"]),
        Paragraph(_text(sheet["text"]) if sheet["text"] is not None else _text(NOT_RELEASED),
                  body),
        Spacer(1, 8 * mm),
        Paragraph(_text(SECRECY), styles["small"]),
    ]
    return story


def _consents(sheet: dict[str, Any], body: ParagraphStyle) -> Flowable:
    headers = ("Organisation", "Answer", "At (UTC)", "Reason")
    rows = [[Paragraph(_text(h), body) for h in headers]]
    for answer in sheet["consents"]:
        rows.append([
            Paragraph(_text(answer["organisation"]["name"] or answer["organisation_id"]), body),
            Paragraph("consents" if answer["consent"] else "refuses", body),
            Paragraph(_text(answer["at"][:16].replace("T", " ")), body),
            Paragraph(_text(answer["reason"] or ""), body),
        ])
    for waiting in sheet["awaiting"]:
        rows.append([Paragraph(_text(waiting["name"] or waiting["id"]), body),
                     Paragraph("no answer yet", body), Paragraph("", body),
                     Paragraph("", body)])
    return _grid(rows, (50 * mm, 30 * mm, 35 * mm, 55 * mm), header=True)


def _grid(rows: Sequence[Sequence[Flowable]], widths: tuple[float, ...],
          header: bool = False) -> Table:
    grid = Table([list(r) for r in rows], colWidths=list(widths), hAlign="LEFT")
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
    if header:
        grid.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))
    return grid
