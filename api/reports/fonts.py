"""The fonts of the PDF: reportlab's bundled Bitstream Vera, registered once as embedded TrueType.

The PDF's 14 standard fonts are not embedded and have no glyphs outside Latin-1 in many readers' fallbacks;
embedding Vera (which covers æøå, § and the en dash) makes the text render the same everywhere and stay real,
searchable text. Vera ships inside the reportlab package, so no system font is needed.
"""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "Vera"
BOLD = "VeraBd"
ITALIC = "VeraIt"
FAMILY = "Vera"


def register() -> None:
    """Register the fonts and the family (bold/italic for <b> and <i> in paragraphs); cheap after the first call."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file in ((REGULAR, "Vera.ttf"), (BOLD, "VeraBd.ttf"), (ITALIC, "VeraIt.ttf"), ("VeraBI", "VeraBI.ttf")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, file))
    pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic="VeraBI")


# Parsing a TrueType file costs milliseconds; doing it at import keeps it out of every rendering.
register()
