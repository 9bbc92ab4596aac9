"""The fonts of the PDF: reportlab's bundled Bitstream Vera, registered once as embedded TrueType.

The PDF's 14 standard fonts are not embedded and have no glyphs outside Latin-1 in many readers' fallbacks;
embedding Vera (which covers æøå, § and the en dash) makes the text render the same everywhere and stay real,
searchable text. Vera ships inside the reportlab package, so no system font is needed.

Speed: a PDF embeds a subset of each font it uses, and cutting that subset out of the TrueType file and compressing
it costs about a fifth of a report. reportlab numbers a font's characters in the order a document first uses them,
so two reports with the same characters would still get different subsets. `seed(doc)` gives the non-ASCII letters
and signs Danish reports use fixed codes at the start of every document, so the subset of a font is the same from
report to report, and it is cut out and compressed once per process and reused (a report with a rarer character
gets its own subset, built as before). The seeded glyphs are embedded even where unused: a few kilobytes.
With the codes fixed, how a text made only of ASCII and the seeded characters splits into codes is the same in
every seeded document too, so that is remembered per text instead of worked out character by character each time
it is drawn.
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFStreamFilterZCompress
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "Vera"
BOLD = "VeraBd"
ITALIC = "VeraIt"
BOLD_ITALIC = "VeraBI"
FAMILY = "Vera"
FILES = {REGULAR: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf", BOLD_ITALIC: "VeraBI.ttf"}

# reportlab keeps ASCII at its own codes and gives other characters the free codes 1-31 first, in the order of use:
# these (31 at most) take them in this order in every document. The no-break space is written as a space.
SEEDED = "æøåÆØÅéÉüÜöÖäÄ§–—…•·«»“”„‘’°½"
SUBSETS_KEPT = 16  # per font: distinct subsets (character sets) whose built font file is kept
SPLITS_KEPT = 4096  # per font: texts whose codes are remembered
_FIXED = frozenset(map(chr, range(32, 127))) | frozenset(SEEDED) | {"\u00a0"}


class _Reference:
    """The stand-in document in which a font's fixed codes are worked out once (see `EmbeddedFont.splitString`)."""


_REFERENCE = _Reference()


class _FontFileFlate(PDFStreamFilterZCompress):
    """reportlab's Flate filter, remembering the compressed bytes of the font files it has compressed before."""

    @lru_cache(maxsize=4 * SUBSETS_KEPT)  # noqa: B019 - one instance for the process's life
    def encode(self, text: bytes) -> bytes:
        return zlib.compress(text)


_FONT_FILE_FLATE = _FontFileFlate()


class EmbeddedFont(TTFont):
    """A TrueType font whose embedded subsets are built once per process and character set, not per document."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        face = self.face
        make_subset, add_subset_objects = face.makeSubset, face.addSubsetObjects

        @lru_cache(maxsize=SUBSETS_KEPT)
        def subset_of(codes: tuple[int, ...]) -> bytes:
            return make_subset(list(codes))

        def add_objects(doc: Any, fontname: str, subset: list[int]) -> Any:
            reference = add_subset_objects(doc, fontname, subset)
            font_file = doc.idToObject[f"fontFile:{face.filename}({fontname})"]
            if font_file.filters:  # compressed documents only
                font_file.filters = [_FONT_FILE_FLATE]
            return reference

        face.makeSubset = lambda subset: subset_of(tuple(subset))
        face.addSubsetObjects = add_objects
        super().splitString(SEEDED, _REFERENCE)
        self._split_fixed = lru_cache(maxsize=SPLITS_KEPT)(
            lambda text: super(EmbeddedFont, self).splitString(text, _REFERENCE)
        )

    def splitString(self, text: str | bytes, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        """reportlab's split of `text` into (subset, codes); remembered for fixed characters in a seeded document."""
        state = self.state.get(doc)
        if getattr(state, "seeded", False) and isinstance(text, str) and _FIXED.issuperset(text):
            return self._split_fixed(text)
        return super().splitString(text, doc, encoding)


def register() -> None:
    """Register the fonts and the family (bold/italic for <b> and <i> in paragraphs); cheap after the first call."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file in FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(EmbeddedFont(name, file))
    pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)


def seed(doc: Any) -> None:
    """Give the SEEDED characters their fixed codes in `doc` (a canvas's `_doc`) before anything is drawn.

    This only numbers characters; a font is still embedded only when the document uses it.
    """
    for name in FILES:
        font = pdfmetrics.getFont(name)
        fresh = doc not in font.state  # nothing numbered yet: the codes will be the fixed ones
        font.splitString(SEEDED, doc)
        if fresh:
            font.state[doc].seeded = True


# Parsing a TrueType file costs milliseconds; doing it at import keeps it out of every rendering.
register()
