"""The page every tilsyn PDF is printed on: A4 with its margins, embedded fonts, Danish metadata, and a footer with
the municipality and "Side X af Y". The report (api/reports/pdf.py) and the council's summary (council_pdf.py) both
build through `build_pdf`, so their pages and metadata cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from io import BytesIO
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from api.reports import fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
RULE = colors.HexColor("#b7c4d1")


def build_pdf(story: Iterable[Flowable], *, title: str, author: str, subject: str, keywords: list[str]) -> bytes:
    """The story on tilsyn's pages, as PDF bytes; `author` (the municipality) is also in every footer. The same
    story always gives the same bytes."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=MARGIN + 6 * mm,
        title=title,
        author=author,
        subject=subject,
        creator="tilsyn",
        producer="tilsyn (reportlab)",
        keywords=keywords,
        lang="da-DK",
        initialFontName=fonts.REGULAR,  # else the canvas starts in Helvetica, an unembedded font the PDF lists
        displayDocTitle=1,
        invariant=1,
    )
    doc.build(list(story), canvasmaker=partial(_NumberedCanvas, municipality=author))
    return buffer.getvalue()


class _NumberedCanvas(Canvas):
    """Holds every page back until the end, so each footer can say "Side X af Y" in one layout pass."""

    def __init__(self, *args: Any, municipality: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fonts.seed(self._doc)  # before any text: the same font subsets in every report, built once (fonts.py)
        self._municipality = municipality
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for state in self._held:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        y = MARGIN - 2 * mm
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, y + 10, PAGE_WIDTH - MARGIN, y + 10)
        self.setFillColor(colors.HexColor("#444444"))
        self.setFont(fonts.REGULAR, 8)
        self.drawString(MARGIN, y, self._municipality)
        self.drawRightString(PAGE_WIDTH - MARGIN, y, f"Side {self._pageNumber} af {total}")
