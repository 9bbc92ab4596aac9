"""The council's summary as a PDF, in Danish: `render_summary_pdf(summary) -> bytes`.

Built like the report PDF (api/reports/pdf.py), with its fonts, styles, tables and numbered pages: the first page
names the municipality, the period and the version, gives the key figures and charts the band distribution of both
periods; then one section per part of the summary, each with the administration's commentary on it. Rendered from
the content alone (`api.schemas.council_summary_content`), never from the database: the same content always gives
the same bytes, and the time does not grow with the number of providers.
"""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.lib.pagesizes import A4
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table

from api.reports import day_long, percent_text
from api.reports.council_chart import band_columns, part_bars, stacked_bands
from api.reports.council_document import SummaryDocument
from api.reports.page import build_pdf
from api.reports.pdf import (
    HEADING_HEIGHT,
    HEADLINE,
    HEADLINE_STYLE,
    KICKER,
    MARGIN,
    NOTICE,
    RESULT,
    RESULT_LABEL,
    SHORT_TABLE_ROWS,
    SMALL,
    TABLE_ROW_HEIGHT,
    TITLE,
    _bullets,
    _heading,
    _para,
    _scaled,
    _table,
)
from api.schemas.council_summary_content import CompareLine
from domain.council_summary import OVERALL, SummarySection, SummaryStatus


def render_summary_pdf(doc_: SummaryDocument) -> bytes:
    """The summary as PDF bytes."""
    c = doc_.content
    return build_pdf(
        _story(doc_),
        title=f"Sammenfatning af det pædagogiske tilsyn {c.period.label_da}",
        author=c.municipality_name,
        subject=f"Til den politiske drøftelse af dagtilbudsområdet ({c.legal_basis})",
        keywords=["pædagogisk tilsyn", "sammenfatning", "dagtilbudsloven"],
    )


def _width() -> float:
    return A4[0] - 2 * MARGIN


def _story(d: SummaryDocument) -> Iterable[Flowable]:
    yield from _cover(d)
    yield from _quality(d)
    yield from _concern(d)
    yield from _action_plans(d)
    yield from _compliance(d)
    yield from _publication(d)
    yield from _data(d)


def _section(title: str, table: Table) -> list[Flowable]:
    """A table under a sub-heading of the section, kept together as the report's tables are (api/reports/pdf.py)."""
    rows = len(table._cellvalues)
    room = HEADING_HEIGHT + TABLE_ROW_HEIGHT * min(rows, SHORT_TABLE_ROWS + 1)
    return [CondPageBreak(room), Spacer(0, 4), _para(title, HEADLINE), table]


def _comment(d: SummaryDocument, key: str) -> str | None:
    return getattr(d.commentary, key, None)


def _commentary(d: SummaryDocument, section: SummarySection) -> Iterable[Flowable]:
    text = _comment(d, section.value)
    if text:
        yield Spacer(0, 4)
        yield _para("Forvaltningens kommentar", RESULT_LABEL)
        yield _para(text)


def _compare_table(header: str, lines: list[CompareLine], d: SummaryDocument) -> Table:
    rows = [[line.label_da, str(line.before), str(line.now)] for line in lines]
    head = [header, f"Perioden før\n{d.content.previous.label_da}", f"Perioden\n{d.content.period.label_da}"]
    return _table(head, rows, _scaled((0.44, 0.28, 0.28)), right=(1, 2))


def _key_figure(label: str, value: str, note: str) -> list[Flowable]:
    return [_para(label, RESULT_LABEL), _para(value, RESULT), _para(note, SMALL)]


def _cover(d: SummaryDocument) -> Iterable[Flowable]:
    c = d.content
    yield _para(c.municipality_name, KICKER)
    yield _para("Sammenfatning af det pædagogiske tilsyn", TITLE)
    yield _para(
        f"Til kommunalbestyrelsens drøftelse af udviklingen på dagtilbudsområdet ({c.legal_basis}), med fokus på "
        "udviklingen i dagtilbuddenes pædagogiske kvalitet."
    )
    yield _para(f"Perioden {c.period.label_da}, sammenlignet med perioden før, {c.previous.label_da}.")
    if d.status is SummaryStatus.DRAFT:
        standing = f"Udkast, version {d.summary_version} · tallene er beregnet den {day_long(c.computed_on)}"
    else:
        standing = (
            f"Version {d.summary_version} · {d.status.label_da} · tallene er opgjort den {day_long(c.computed_on)}"
        )
    yield _para(standing, SMALL)
    if d.correction_note:
        yield _para(f"Rettelse af version {d.summary_version - 1}: {d.correction_note}", NOTICE)
    yield Spacer(0, 6)
    q, i, m = c.quality, c.concern, c.compliance
    figures = [
        _key_figure(
            "Gennemsnitligt resultat", percent_text(q.mean_now), f"Perioden før: {percent_text(q.mean_before)}"
        ),
        _key_figure("Under skærpet tilsyn", str(i.under_intensified), "dagtilbud i perioden"),
        _key_figure("Opfylder minimumskravene", f"{m.compliant_providers} af {m.providers}", "aktive dagtilbud"),
    ]
    boxes = Table([figures], colWidths=[_width() / 3 - 2] * 3, spaceBefore=2, spaceAfter=8)
    boxes.setStyle(HEADLINE_STYLE)
    yield boxes
    yield stacked_bands(q.bands, c.previous.label_da, c.period.label_da, _width())
    yield Spacer(0, 8)
    yield band_columns(q.bands, _width())
    overall = _comment(d, OVERALL)
    if overall:
        yield from _heading("Forvaltningens samlede kommentar")
        yield _para(overall)


def _quality(d: SummaryDocument) -> Iterable[Flowable]:
    q = d.content.quality
    yield from _heading(q.title_da)
    yield _para(q.text_da)
    yield from _section("Niveauer i de to perioder", _compare_table("Niveau", q.bands, d))
    yield from _section("Bekymringsniveauer i de to perioder", _compare_table("Kontrolperspektiv", q.concerns, d))
    if q.movements:
        rows = [[m.from_label_da, m.to_label_da, str(m.providers)] for m in q.movements]
        table = _table(
            ["Fra niveau (perioden før)", "Til niveau (perioden)", "Dagtilbud"],
            rows,
            _scaled((0.4, 0.4, 0.2)),
            right=(2,),
        )
        yield from _section("Bevægelser mellem niveauer", table)
    chart = part_bars(q.areas, _width(), "Områderne: gennemsnitlig procent i de to perioder")
    if chart is not None:
        yield CondPageBreak(chart.height + 8)
        yield Spacer(0, 8)
        yield chart
    parts = [*q.areas, *q.themes]
    if parts:
        rows = [[p.name, _mean(p.before), _mean(p.now), _change(p.change)] for p in parts]
        header = ["Område og tema", "Perioden før", "Perioden", "Ændring"]
        yield from _section(
            "Områder og temaer", _table(header, rows, _scaled((0.46, 0.18, 0.18, 0.18)), right=(1, 2, 3))
        )
    if q.kinds:
        rows = [
            [k.label_da, str(k.providers_before), _mean(k.mean_before), str(k.providers_now), _mean(k.mean_now)]
            for k in q.kinds
        ]
        header = ["Slags dagtilbud", "Før: antal", "Før: gns.", "Nu: antal", "Nu: gns."]
        yield from _section(
            "Fordelt på slags dagtilbud",
            _table(header, rows, _scaled((0.36, 0.16, 0.16, 0.16, 0.16)), right=(1, 2, 3, 4)),
        )
    yield from _commentary(d, SummarySection.QUALITY)


def _change(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:+.1f}".replace(".", ",")
    return f"{text} point"


def _mean(value: float | None) -> str:
    return percent_text(value) if value is not None else "–"


def _concern(d: SummaryDocument) -> Iterable[Flowable]:
    s = d.content.concern
    yield from _heading(s.title_da)
    yield _para(s.text_da)
    yield from _section("Skærpet tilsyn i de to perioder", _compare_table("Forløb", s.lines, d))
    if s.ended_with:
        rows = [[e.label_da, str(e.count)] for e in s.ended_with]
        table = _table(["Seneste samlede vurdering ved afslutningen", "Forløb"], rows, _scaled((0.6, 0.2)), right=(1,))
        yield from _section("Sådan endte de afsluttede forløb", table)
    yield from _commentary(d, SummarySection.CONCERN)


def _action_plans(d: SummaryDocument) -> Iterable[Flowable]:
    s = d.content.action_plans
    yield from _heading(s.title_da)
    yield _para(s.text_da)
    yield from _section("Handleplaner i de to perioder", _compare_table("Handleplaner", s.lines, d))
    yield from _commentary(d, SummarySection.ACTION_PLANS)


def _compliance(d: SummaryDocument) -> Iterable[Flowable]:
    s = d.content.compliance
    yield from _heading(s.title_da)
    yield _para(s.text_da)
    rows = [
        [m.label_da, m.legal_reference, str(m.met), str(m.not_met), str(m.pending), str(m.other)] for m in s.minimums
    ]
    header = ["Minimumskrav", "Lovgrundlag", "Opfyldt", "Ikke\nopfyldt", "Under-\nvejs", "Ikke\naktuelt"]
    widths = _scaled((0.33, 0.27, 0.1, 0.1, 0.1, 0.1))
    yield from _section("Minimumskravene", _table(header, rows, widths, right=(2, 3, 4, 5)))
    yield from _commentary(d, SummarySection.COMPLIANCE)


def _publication(d: SummaryDocument) -> Iterable[Flowable]:
    s = d.content.publication
    yield from _heading(s.title_da)
    yield _para(s.text_da)
    yield from _section("Offentliggørelse og anbefalinger i de to perioder", _compare_table("", s.lines, d))
    yield from _commentary(d, SummarySection.PUBLICATION)


def _data(d: SummaryDocument) -> Iterable[Flowable]:
    s = d.content.data
    yield from _heading(s.title_da)
    yield _para(s.text_da)
    yield from _bullets(s.sources)
    yield from _commentary(d, SummarySection.DATA)
    yield _para(f"Lovgrundlag: {d.content.legal_basis}.", SMALL)
