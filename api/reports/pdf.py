"""The report as a PDF, in Danish, with reportlab's platypus: `render_pdf(content) -> bytes`.

The layout follows what a reader looks for first: the cover section names the provider, the visit and the two
headline results side by side (development: the band; control: the concern and what follows from it, with the
paragraph of the law). Then the chart against the band scale, the tables, the follow-up and the basis of the
supervision. Tables repeat their header row when they break across pages; every page footer carries the
municipality's name and "Side X af Y".

Accessibility: the fonts are embedded TrueType (real, searchable, copyable text with æøå), and the document
carries its title (shown in the reader's title bar), author, subject and language (`/Lang (da-DK)` on the
catalog, set by reportlab's own `lang` option). The output is deterministic (`invariant=1`): the same content
gives the same bytes, so a rendered PDF can be cached and compared.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.paragraph import cleanBlockQuotedText

from api.reports import band_of, carried, dagplejere_text, day_long, day_short, fonts, percent_text
from api.reports.chart import score_chart
from api.reports.page import MARGIN, PAGE_WIDTH, RULE, build_pdf
from domain.reports import BandStep, ReportContent

# Compressed streams stay binary instead of also being ASCII85-encoded: plain PDF, a fifth smaller, and the
# encoder is pure Python unless the optional accelerator is installed. Process-wide, and this is reportlab's only user.
rl_config.useA85 = 0

FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
ACCENT = colors.HexColor("#1f4e79")
HEADER_FILL = colors.HexColor("#e4ebf2")
DEVELOPMENT_FILL = colors.HexColor("#eef4ea")
CONTROL_FILL = colors.HexColor("#f8efe4")


INK = colors.HexColor("#222222")
_BASE = {"fontName": fonts.REGULAR, "bulletFontName": fonts.REGULAR, "fontSize": 9, "leading": 12, "textColor": INK}


def _style(name: str, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(name, **{**_BASE, **kw})


# Built once: styles are immutable in use, and building them per report would be wasted work.
BODY = _style("body", spaceAfter=3)
SMALL = _style("small", fontSize=8.5, leading=11)
CELL_SIZE, CELL_PADDING, THEME_INDENT = 8.5, 6, 10  # reportlab's default cell padding is 6 points
CELL = _style("cell", fontSize=CELL_SIZE, leading=10.5)
CELL_AREA = _style("cell-area", fontName=fonts.BOLD, fontSize=CELL_SIZE, leading=10.5)
BULLET = _style("bullet", leftIndent=12, bulletIndent=2, spaceAfter=2)
KICKER = _style("kicker", fontName=fonts.BOLD, fontSize=10, textColor=ACCENT)
TITLE = _style("title", fontName=fonts.BOLD, fontSize=22, leading=26, spaceBefore=2, spaceAfter=2)
PROVIDER = _style("provider", fontName=fonts.BOLD, fontSize=15, leading=19, spaceAfter=4)
H2 = _style("h2", fontName=fonts.BOLD, fontSize=12, leading=15, spaceBefore=8, spaceAfter=3, textColor=ACCENT)
HEADLINE = _style("headline", fontName=fonts.BOLD, fontSize=10, leading=13)
RESULT_LABEL = _style("result-label", fontName=fonts.BOLD, fontSize=9, leading=11, textColor=ACCENT)
RESULT = _style("result", fontName=fonts.BOLD, fontSize=15, leading=19, spaceAfter=5, textColor=ACCENT)
NOTICE = _style("notice", backColor=colors.HexColor("#fff4cc"), borderPadding=5, spaceBefore=6, spaceAfter=8)

# Headings are kept with what follows by asking for room before them (CondPageBreak) instead of reportlab's
# keepWithNext or KeepTogether, which lay out the following flowables twice. The heights are estimates in points.
HEADING_HEIGHT = 26
LINES_AFTER_HEADING = 40  # about three lines of text
TABLE_ROW_HEIGHT = 15  # one line of cell text with its padding
SHORT_TABLE_ROWS = 6  # a table this short moves whole to the next page rather than break

HEADLINE_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("BACKGROUND", (0, 0), (0, 0), DEVELOPMENT_FILL),
        ("BACKGROUND", (1, 0), (1, 0), CONTROL_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
    ]
)
TABLE_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # the default would be Helvetica, which is not embedded
        ("FONTNAME", (0, 0), (-1, 0), fonts.BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), 10.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
)


def render_pdf(content: ReportContent) -> bytes:
    """The report as PDF bytes; the same content always gives the same bytes."""
    return build_pdf(
        _story(content),
        title=f"Tilsynsrapport: {content.provider_name}, {day_short(content.visit_date)}",
        author=content.municipality_name,
        subject="Pædagogisk tilsyn efter dagtilbudsloven §5 – "
        f"{content.visit_kind_label_da.lower()} den {day_long(content.visit_date)}",
        keywords=["tilsynsrapport", "pædagogisk tilsyn", "dagtilbudsloven"],
    )


def _text(value: str) -> str:
    """User text made safe for reportlab's paragraph markup; line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def _para(value: str, style: ParagraphStyle = BODY, bullet: str | None = None) -> Paragraph:
    """A paragraph of plain text; user text is never read as markup.

    reportlab parses every paragraph's text as markup, with a new HTML parser each time. Plain text needs none of
    that: the paragraph gets its one text fragment directly, a copy of the style's own. Text with line breaks goes
    through the parser (escaped) to keep them.
    """
    if "\n" in value:
        return Paragraph(_text(value), style, bulletText=bullet)
    fragment = _fragment(style).clone(text=cleanBlockQuotedText(value))
    return Paragraph(value, style, bulletText=bullet, frags=[fragment])


@cache
def _fragment(style: ParagraphStyle) -> Any:
    """The text fragment reportlab's parser makes for a plain word in `style` (read-only; copied per use)."""
    return Paragraph("x", style).frags[0]


def _bullets(items: Iterable[str]) -> list[Flowable]:
    return [_para(item, BULLET, bullet="•") for item in items]


def _table(
    header: list[str],
    rows: list[list[Any]],
    widths: list[float],
    *,
    right: tuple[int, ...] = (),
    style: Iterable[tuple[Any, ...]] = (),
) -> Table:
    """A table whose header row repeats on every page it spans; it breaks between rows, never inside one."""
    body = [[_cell(v, widths[i]) if isinstance(v, str) else v for i, v in enumerate(row)] for row in rows]
    table = Table([header, *body], colWidths=widths, repeatRows=1, splitByRow=1, hAlign="LEFT")
    table.setStyle(TABLE_STYLE)
    table.setStyle([*(("ALIGN", (i, 0), (i, -1), "RIGHT") for i in right), *style])
    return table


def _cell(text: str, width: float, font: str = fonts.REGULAR, style: ParagraphStyle = CELL) -> str | Paragraph:
    """A plain string when the text fits on one line, else a paragraph that wraps.

    Plain strings are laid out several times faster than paragraphs, and most cells (a percent, a band, a date, a
    name) fit; a long text (a recommendation) still wraps.
    """
    if "\n" not in text and stringWidth(text, font, CELL_SIZE) <= width - 2 * CELL_PADDING:
        return text
    return _para(text, style)


def _scaled(fractions: Iterable[float]) -> list[float]:
    return [FRAME_WIDTH * f for f in fractions]


def _result(label: str, value: str, note: str) -> list[Flowable]:
    """A headline result: its perspective as a label, the result large below it, then what it is about."""
    return [_para(label, RESULT_LABEL), _para(value, RESULT), _para(note, SMALL)]


def _story(content: ReportContent) -> Iterable[Flowable]:
    yield from _cover(content)
    yield from _results(content)
    yield from _development(content)
    yield from _follow_up(content)
    yield from _basis(content)


def _cover(c: ReportContent) -> Iterable[Flowable]:
    yield _para(c.municipality_name, KICKER)
    yield _para("Tilsynsrapport", TITLE)
    yield _para(c.provider_name, PROVIDER)
    yield _para(f"{c.provider_kind_label_da} · rapporten omfatter {c.scope_label_da}")
    if c.unit_names:
        yield _para("Enheder: " + ", ".join(c.unit_names))
    yield _para(f"{c.visit_kind_label_da} den {day_long(c.visit_date)}")
    version = f"Version {c.report_version}"
    if c.published_on:
        version += f" · offentliggjort den {day_long(c.published_on)}"
    yield _para(version, SMALL)
    if c.replaces_version is not None:
        note = f"Erstatter version {c.replaces_version}: {c.correction_note or 'rettet version'}"
        yield _para(note, NOTICE)
    yield Spacer(0, 6)
    band = c.band_label_da or "ikke vurderet"
    if c.percent is not None:
        band += f" ({percent_text(c.percent)})"
    development = _result("Udviklingsperspektiv:", band, "Kvaliteten af det pædagogiske læringsmiljø")
    control = _result("Kontrolperspektiv:", c.concern_label_da, "Bekymring, og hvad loven fører med sig")
    headline = Table([[development, control]], colWidths=[FRAME_WIDTH / 2 - 3] * 2, spaceBefore=2, spaceAfter=6)
    headline.setStyle(HEADLINE_STYLE)
    yield headline
    if c.concern_justification:
        yield _para(f"Bekymringsniveauet er fastsat på andet grundlag end scoren: {c.concern_justification}")
    if c.consequences:
        yield _para("Det følger af kontrolperspektivet:", HEADLINE)
        yield from _bullets(
            f"{q.text} – {q.legal_reference}" + (f" (frist {day_long(q.due_on)})" if q.due_on else "")
            for q in c.consequences
        )
    if c.summary:
        yield from _heading("Samlet vurdering")
        yield _para(c.summary)


def _results(c: ReportContent) -> Iterable[Flowable]:
    chart = score_chart(c, FRAME_WIDTH)
    if chart is not None:
        yield from _heading("Resultater fordelt på områder og temaer", room=chart.height)
        yield chart
    if c.earlier is not None and (chart is None or c.earlier.percent is None):
        # Otherwise the chart shows the earlier result as its own bar, with its band in the legend.
        earlier = c.earlier.band_label_da or "ikke vurderet"
        if c.earlier.percent is not None:
            earlier += f" ({percent_text(c.earlier.percent)})"
        yield _para(f"Tidligere tilsyn den {day_long(c.earlier.assessed_on)}: {earlier}.", SMALL)
    if c.areas or c.themes:
        yield from _section("Områder og temaer", _scores_table(c))
    if c.carried_forward:
        yield from _heading(carried.TITLE)
        yield _para(carried.intro(c))
        yield _table(*carried.table(c, FRAME_WIDTH))
    if c.band_counts or c.concern_counts:
        yield from _heading("Dagplejerne samlet")
        yield _para(dagplejere_text(c))
        widths = _scaled((0.5, 0.2))
        bands = [[line.label_da, str(line.count)] for line in c.band_counts]
        yield from _section("Dagplejere på hvert niveau", _table(["Niveau", "Dagplejere"], bands, widths, right=(1,)))
        concerns = [[line.label_da, str(line.count)] for line in c.concern_counts]
        header = ["Kontrolperspektiv", "Dagplejere"]
        yield from _section("Dagplejere på hvert bekymringsniveau", _table(header, concerns, widths, right=(1,)))
    if c.unit_results:
        rows = [[u.name, percent_text(u.percent), u.band_label_da or "–", u.concern_label_da] for u in c.unit_results]
        header = ["Enhed", "Procent", "Udviklingsperspektiv", "Kontrolperspektiv"]
        widths = _scaled((0.37, 0.13, 0.25, 0.25))
        yield from _section("Resultater for enhederne", _table(header, rows, widths, right=(1,)))
    if c.band_scale:
        yield from _section("Kommunens niveauer", _scale_table(c.band_scale))


def _heading(title: str, room: float = LINES_AFTER_HEADING) -> list[Flowable]:
    """A heading that starts a new page unless `room` points fit under it on this one."""
    return [CondPageBreak(HEADING_HEIGHT + room), _para(title, H2)]


def _section(title: str, table: Table) -> list[Flowable]:
    """A heading and its table. A short table moves whole to the next page rather than leave a row or two behind;
    a longer one fills the page and breaks between rows (its header repeats), with at least a few rows under the
    heading."""
    rows = len(table._cellvalues)
    return [*_heading(title, room=TABLE_ROW_HEIGHT * min(rows, SHORT_TABLE_ROWS + 1)), table]


def _scores_table(c: ReportContent) -> Table:
    """Each area in bold with its themes indented under it; themes of an unknown area come last."""
    widths = _scaled((0.55, 0.15, 0.30))
    rows: list[list[Any]] = []
    style: list[tuple[Any, ...]] = []

    def add(name: str, percent: float | None, area: bool) -> None:
        at = (0, len(rows) + 1)  # + 1: the header row
        if area:
            style.append(("FONTNAME", at, at, fonts.BOLD))
            name_cell = _cell(name, widths[0], fonts.BOLD, CELL_AREA)
        else:
            style.append(("LEFTPADDING", at, at, CELL_PADDING + THEME_INDENT))
            name_cell = _cell(name, widths[0] - THEME_INDENT)
        rows.append([name_cell, percent_text(percent), band_of(percent, c.band_scale)])

    areas = {a.name for a in c.areas}
    for area in c.areas:
        add(area.name, area.percent, area=True)
        for theme in (t for t in c.themes if t.area == area.name):
            add(theme.name, theme.percent, area=False)
    for theme in (t for t in c.themes if t.area not in areas):
        add(theme.name, theme.percent, area=False)
    return _table(["Område og tema", "Procent", "Niveau"], rows, widths, right=(1,), style=style)


def _scale_table(scale: tuple[BandStep, ...]) -> Table:
    steps = sorted(scale, key=lambda s: s.lower_bound, reverse=True)
    rows, upper = [], None
    for step in steps:
        low = percent_text(step.lower_bound)
        span = f"{low} til 100 %" if upper is None else f"{low} til under {percent_text(upper)}"
        rows.append([step.label_da, span, step.concern_label_da])
        upper = step.lower_bound
    header = ["Niveau (udviklingsperspektiv)", "Procent", "Kontrolperspektiv"]
    return _table(header, rows, _scaled((0.35, 0.3, 0.35)))


def _development(c: ReportContent) -> Iterable[Flowable]:
    if c.strengths:
        yield from _heading("Styrker")
        yield from _bullets(c.strengths)
    if c.recommendations:
        rows = [[str(n), r.text, r.owner, day_short(r.due_on)] for n, r in enumerate(c.recommendations, start=1)]
        header = ["Nr.", "Anbefaling", "Ansvarlig", "Frist"]
        yield from _section("Anbefalinger", _table(header, rows, _scaled((0.07, 0.55, 0.24, 0.14))))
    else:
        yield from _heading("Anbefalinger")
        yield _para("Tilsynet giver ingen anbefalinger.")


def _follow_up(c: ReportContent) -> Iterable[Flowable]:
    if c.follow_up:
        f = c.follow_up
        yield from _heading("Opfølgningssamtale")
        yield _para(f"Opfølgningssamtale {f.number} med ledelsen blev holdt den {day_long(f.held_on)}.")
        yield _para(f.summary)
        if f.agreed_follow_up:
            yield _para(f"Aftalt opfølgning: {f.agreed_follow_up}")
    yield from _heading("Dagtilbudslederens kommentar")
    yield _para(c.leader_comment or "Lederen har ikke kommenteret rapporten.")


def _basis(c: ReportContent) -> Iterable[Flowable]:
    yield from _heading("Grundlag for tilsynet")
    if c.data_used:
        yield _para("Data, der indgik i tilsynet:")
        yield from _bullets(c.data_used)
    if c.supervisors:
        yield _para("Tilsynsførende: " + ", ".join(c.supervisors))
    policy = "kommunens standardkoncept" if c.policy_version == 0 else f"version {c.policy_version}"
    yield _para(f"Tilsynskoncept: {policy}.", SMALL)
    if c.legal_basis:
        yield from _heading("Lovgrundlag")
        for line in c.legal_basis:
            yield _para(line)
