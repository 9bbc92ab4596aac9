"""The council's summary as one self-contained HTML page, in Danish: `render_summary_html(summary, pdf_url=...)`.

The same page rules as the report's (api/reports/html.py): inline CSS only, nothing loaded from elsewhere, every
text escaped, `lang="da"`, one h1, tables with captions and header cells. The band distribution is drawn as a
stacked bar of both periods (decoration, `aria-hidden`) beside the table that says the same in numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

from api.reports import day_long, percent_text
from api.reports.council_document import SummaryDocument
from api.reports.html import BAND_TINTS, CSS, _e, _p, _paragraphs
from api.schemas.council_summary_content import CompareLine
from domain.council_summary import SummarySection, SummaryStatus

EXTRA_CSS = """
.stack{display:flex;height:1.6rem;border:1px solid #222;margin:.2rem 0 .6rem}
.stack span{display:block;height:100%;text-align:center;font-size:.8rem;line-height:1.6rem;overflow:hidden}
.figures{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}
.figures>div{flex:1 1 12rem;padding:.75rem 1rem;background:#eef4ea}
.figures strong{display:block;color:#1f4e79;font-size:1.6rem}
.comment{border-left:4px solid #1f4e79;padding:.3rem .75rem;background:#f4f7fa}
"""


def render_summary_html(d: SummaryDocument, *, pdf_url: str | None = None) -> str:
    """The summary as a complete HTML5 document; `pdf_url` (a path of this service) adds a link to the PDF."""
    c = d.content
    title = f"Sammenfatning af det pædagogiske tilsyn {c.period.label_da}"
    body = "\n".join([*_header(d, pdf_url), *_sections(d)])
    return (
        "<!DOCTYPE html>\n"
        '<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}{EXTRA_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
        "</body>\n</html>\n"
    )


def _header(d: SummaryDocument, pdf_url: str | None) -> list[str]:
    c = d.content
    standing = (
        f"Udkast, version {d.summary_version}"
        if d.status is SummaryStatus.DRAFT
        else f"Version {d.summary_version} · {d.status.label_da}"
    )
    q, i, m = c.quality, c.concern, c.compliance
    out = [
        "<header>",
        _p(c.municipality_name, "kicker"),
        "<h1>Sammenfatning af det pædagogiske tilsyn</h1>",
        _p(
            f"Til kommunalbestyrelsens drøftelse af udviklingen på dagtilbudsområdet ({c.legal_basis}), med fokus på "
            "udviklingen i dagtilbuddenes pædagogiske kvalitet."
        ),
        _p(f"Perioden {c.period.label_da}, sammenlignet med perioden før, {c.previous.label_da}.", "meta"),
        _p(f"{standing} · tallene er opgjort den {day_long(c.computed_on)}", "meta"),
    ]
    if d.correction_note:
        out.append(_p(f"Rettelse af version {d.summary_version - 1}: {d.correction_note}", "notice"))
    if pdf_url:
        out.append(f'<p><a href="{_e(pdf_url)}">Hent sammenfatningen som PDF</a></p>')
    out += [
        '<div class="figures">',
        _figure("Gennemsnitligt resultat", percent_text(q.mean_now), f"Perioden før: {percent_text(q.mean_before)}"),
        _figure("Under skærpet tilsyn", str(i.under_intensified), "dagtilbud i perioden"),
        _figure("Opfylder minimumskravene", f"{m.compliant_providers} af {m.providers}", "aktive dagtilbud"),
        "</div>",
        "</header>",
    ]
    overall = d.commentary.overall
    if overall:
        out += ["<h2>Forvaltningens samlede kommentar</h2>", f'<div class="comment">{_paragraphs(overall)}</div>']
    return out


def _figure(label: str, value: str, note: str) -> str:
    return f'<div>{_e(label)}<strong>{_e(value)}</strong><span class="note">{_e(note)}</span></div>'


def _stack(name: str, counts: list[int], bands: list[CompareLine]) -> str:
    total = sum(counts)
    if not total:
        return _p(f"{name}: ingen samlede vurderinger")
    parts = []
    for i, (count, band) in enumerate(zip(counts, bands, strict=True)):
        if count:
            tint = BAND_TINTS[min(i, len(BAND_TINTS) - 1)]
            width = f"{100 * count / total:.2f}"
            parts.append(f'<span style="width:{width}%;background:{tint}" title="{_e(band.label_da)}">{count}</span>')
    return f'<p class="note">{_e(name)}</p><div class="stack" aria-hidden="true">{"".join(parts)}</div>'


def _compare(caption: str, first: str, lines: list[CompareLine], d: SummaryDocument) -> str:
    rows = "".join(
        f'<tr><th scope="row">{_e(line.label_da)}</th><td class="num">{line.before}</td>'
        f'<td class="num">{line.now}</td></tr>'
        for line in lines
    )
    return (
        f'<table><caption>{_e(caption)}</caption><thead><tr><th scope="col">{_e(first)}</th>'
        f'<th scope="col" class="num">Perioden før ({_e(d.content.previous.label_da)})</th>'
        f'<th scope="col" class="num">Perioden ({_e(d.content.period.label_da)})</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _table(caption: str, header: list[str], rows: Iterable[list[str]]) -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in header)
    body = "".join(
        "<tr>" + f'<th scope="row">{_e(r[0])}</th>' + "".join(f'<td class="num">{_e(v)}</td>' for v in r[1:]) + "</tr>"
        for r in rows
    )
    return f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _comment(d: SummaryDocument, section: SummarySection) -> list[str]:
    text = getattr(d.commentary, section.value)
    return (
        [f'<div class="comment"><p><strong>Forvaltningens kommentar</strong></p>{_paragraphs(text)}</div>']
        if text
        else []
    )


def _mean(value: float | None) -> str:
    return percent_text(value) if value is not None else "–"


def _sections(d: SummaryDocument) -> list[str]:
    c = d.content
    q = c.quality
    out = [f"<section><h2>{_e(q.title_da)}</h2>", _p(q.text_da)]
    out.append(_stack(f"Perioden før ({c.previous.label_da})", [b.before for b in q.bands], q.bands))
    out.append(_stack(f"Perioden ({c.period.label_da})", [b.now for b in q.bands], q.bands))
    out.append(_compare("Dagtilbud på hvert niveau i de to perioder", "Niveau", q.bands, d))
    out.append(_compare("Bekymringsniveauer i de to perioder", "Kontrolperspektiv", q.concerns, d))
    if q.movements:
        rows = [[m.from_label_da, m.to_label_da, str(m.providers)] for m in q.movements]
        out.append(_table("Bevægelser mellem niveauer", ["Fra niveau", "Til niveau", "Dagtilbud"], rows))
    parts = [*q.areas, *q.themes]
    if parts:
        rows = [[p.name, _mean(p.before), _mean(p.now)] for p in parts]
        out.append(_table("Områder og temaer", ["Område og tema", "Perioden før", "Perioden"], rows))
    if q.kinds:
        rows = [
            [k.label_da, str(k.providers_before), _mean(k.mean_before), str(k.providers_now), _mean(k.mean_now)]
            for k in q.kinds
        ]
        out.append(
            _table(
                "Fordelt på slags dagtilbud",
                ["Slags dagtilbud", "Før: antal", "Før: gns.", "Nu: antal", "Nu: gns."],
                rows,
            )
        )
    out += [*_comment(d, SummarySection.QUALITY), "</section>"]
    s = c.concern
    out += [f"<section><h2>{_e(s.title_da)}</h2>", _p(s.text_da), _compare("Skærpet tilsyn", "Forløb", s.lines, d)]
    if s.ended_with:
        out.append(
            _table(
                "Sådan endte de afsluttede forløb",
                ["Seneste samlede vurdering", "Forløb"],
                ([e.label_da, str(e.count)] for e in s.ended_with),
            )
        )
    out += [*_comment(d, SummarySection.CONCERN), "</section>"]
    a = c.action_plans
    out += [f"<section><h2>{_e(a.title_da)}</h2>", _p(a.text_da), _compare("Handleplaner", "Handleplaner", a.lines, d)]
    out += [*_comment(d, SummarySection.ACTION_PLANS), "</section>"]
    m = c.compliance
    rows = [
        [x.label_da, x.legal_reference, str(x.met), str(x.not_met), str(x.pending), str(x.other)] for x in m.minimums
    ]
    header = ["Minimumskrav", "Lovgrundlag", "Opfyldt", "Ikke opfyldt", "Undervejs", "Ikke aktuelt"]
    out += [f"<section><h2>{_e(m.title_da)}</h2>", _p(m.text_da), _table("Minimumskravene", header, rows)]
    out += [*_comment(d, SummarySection.COMPLIANCE), "</section>"]
    p = c.publication
    out += [
        f"<section><h2>{_e(p.title_da)}</h2>",
        _p(p.text_da),
        _compare("Offentliggørelse og anbefalinger", "", p.lines, d),
    ]
    out += [*_comment(d, SummarySection.PUBLICATION), "</section>"]
    data = c.data
    out += [f"<section><h2>{_e(data.title_da)}</h2>", _p(data.text_da)]
    out.append("<ul>" + "".join(f"<li>{_e(source)}</li>" for source in data.sources) + "</ul>")
    out += [*_comment(d, SummarySection.DATA), f"<footer>Lovgrundlag: {_e(c.legal_basis)}.</footer>", "</section>"]
    return out
