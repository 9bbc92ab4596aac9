"""The report as one self-contained HTML page: `render_html(content, pdf_url=...) -> str`.

The page is what a provider links to or embeds (in an iframe) on its website, as the report duty of
dagtilbudsloven §5 requires. It is self-contained so it works anywhere and leaks nothing: inline CSS only, no
scripts, no fonts, images or styles from elsewhere, so the only address in it is the PDF link when one is given.
It is accessible: `lang="da"`, a title, one h1 and h2 per section, tables with captions and header cells, and a
chart whose bars are decoration (`aria-hidden`) beside the same numbers written out as text.

Every text comes from users (supervisors, leaders, the municipality) and is escaped, attributes included.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape
from urllib.parse import urlsplit

from api.reports import band_of, carried, dagplejere_text, day_long, day_short, percent_text
from domain.reports import BandStep, ReportContent

# What the page may do, as a Content-Security-Policy: load nothing (no scripts, fetches, fonts or styles from
# elsewhere), use its own inline styles and inline images, and submit no form. Who may frame it is the route's choice.
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def content_security_policy(*, frame_ancestors: str) -> str:
    """The page's policy, with the sites that may embed it (`*` for any, `'none'` for none)."""
    return f"{PAGE_POLICY}; frame-ancestors {frame_ancestors}"


# Tints from the best band to the poorest, as in the PDF; a scale with more bands reuses the last tint.
BAND_TINTS = ("#d9efd9", "#e8f4d4", "#fbf3cf", "#fbe1c8", "#f6d0d0")

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#fff;color:#222;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
main{max-width:56rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:2rem;line-height:1.2;margin:.2rem 0 .4rem}
h1 span{display:block;font-size:1.4rem}
h2{color:#1f4e79;font-size:1.3rem;margin:2rem 0 .5rem}
p{margin:.3rem 0}
a{color:#1f4e79}
.kicker{color:#1f4e79;font-weight:700;margin:0}
.meta{color:#444}
.notice{background:#fff4cc;padding:.5rem .75rem;border-left:4px solid #c9a400}
.headline{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}
.headline>div{flex:1 1 16rem;padding:.75rem 1rem}
.development{background:#eef4ea}.control{background:#f8efe4}
.result{margin:0}.result .label{display:block;color:#1f4e79;font-weight:700;font-size:.95rem}
.result .value{display:block;color:#1f4e79;font-size:1.6rem;line-height:1.3}
.note{font-size:.9rem;color:#444}
figure{margin:1rem 0}
figcaption{font-weight:700;font-size:.95rem;margin-bottom:.4rem}
.chart{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr 4.5rem;gap:.2rem .5rem;align-items:center}
.chart .name{text-align:right;font-size:.85rem}
.chart .area{font-weight:700}
.track{position:relative;height:1.05rem}
.bar{position:absolute;left:0;top:.15rem;bottom:.15rem;background:#1f4e79}
.bar.earlier{background:#8c8c8c}
.chart .value{font-size:.85rem;white-space:nowrap}
.scale{position:relative;height:1.3rem;font-size:.75rem;color:#333}
.scale span{position:absolute;top:0;text-align:center;white-space:nowrap}
.scale span:first-child{text-align:left;padding-left:.2rem}
.legend{font-size:.85rem;margin-top:.5rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 .8rem;vertical-align:-.1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}
caption{text-align:left;font-weight:700;padding:.3rem 0}
th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #b7c4d1}
thead th{background:#e4ebf2;border-bottom:2px solid #1f4e79}
td.num,th.num{text-align:right;white-space:nowrap}
tbody th{font-weight:400}tbody th.area{font-weight:700}tbody th.theme{padding-left:1.5rem}
footer{margin-top:2.5rem;padding-top:.5rem;border-top:1px solid #b7c4d1;color:#444;font-size:.9rem}
@media print{a[href]::after{content:""}}
"""


def render_html(content: ReportContent, *, pdf_url: str | None = None) -> str:
    """The report as a complete HTML5 document (UTF-8 text); `pdf_url` adds a link to the PDF.

    `pdf_url` must be a web address or a relative path: another scheme (javascript:, data:) is refused.
    """
    if pdf_url and urlsplit(pdf_url).scheme.lower() not in ("", "http", "https"):
        raise ValueError(f"The PDF link must be an http(s) address or a relative path, not {pdf_url!r}.")
    c = content
    title = f"Tilsynsrapport: {c.provider_name}, {day_short(c.visit_date)}"
    body = "\n".join(
        [
            *_header(c, pdf_url),
            *_results(c),
            *_chart(c),
            *_tables(c),
            *_development(c),
            *_follow_up(c),
            *_basis(c),
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _e(text: str) -> str:
    return escape(text, quote=True)


def _p(text: str, cls: str | None = None) -> str:
    return f'<p class="{cls}">{_e(text)}</p>' if cls else f"<p>{_e(text)}</p>"


def _clamp(percent: float) -> float:
    """A number for a CSS percentage: 0 to 100, whatever the data says."""
    return max(0.0, min(100.0, float(percent)))


def _time(day: date) -> str:
    return f'<time datetime="{day.isoformat()}">{_e(day_long(day))}</time>'


def _list(items: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>"


def _header(c: ReportContent, pdf_url: str | None) -> list[str]:
    out = [
        "<header>",
        _p(c.municipality_name, "kicker"),
        f"<h1>Tilsynsrapport <span>{_e(c.provider_name)}</span></h1>",
        _p(f"{c.provider_kind_label_da} · rapporten omfatter {c.scope_label_da}", "meta"),
    ]
    if c.unit_names:
        out.append(_p("Enheder: " + ", ".join(c.unit_names), "meta"))
    out.append(f'<p class="meta">{_e(c.visit_kind_label_da)} den {_time(c.visit_date)}</p>')
    published = f" · offentliggjort den {_time(c.published_on)}" if c.published_on else ""
    out.append(f'<p class="meta">Version {c.report_version}{published}</p>')
    if c.replaces_version is not None:
        out.append(_p(f"Erstatter version {c.replaces_version}: {c.correction_note or 'rettet version'}", "notice"))
    if pdf_url:
        # target="_top": embedded in an iframe on the provider's website, the PDF opens in the page, not the frame.
        out.append(f'<p><a href="{_e(pdf_url)}" target="_top">Hent rapporten som PDF</a></p>')
    out.append("</header>")
    return out


def _results(c: ReportContent) -> list[str]:
    band = c.band_label_da or "ikke vurderet"
    if c.percent is not None:
        band += f" ({percent_text(c.percent)})"
    out = [
        '<section aria-labelledby="resultat">',
        '<h2 id="resultat">Resultat</h2>',
        '<div class="headline">',
        _result("development", "Udviklingsperspektiv:", band, "Kvaliteten af det pædagogiske læringsmiljø"),
        _result("control", "Kontrolperspektiv:", c.concern_label_da, "Bekymring, og hvad loven fører med sig"),
        "</div>",
    ]
    if c.concern_justification:
        out.append(_p(f"Bekymringsniveauet er fastsat på andet grundlag end scoren: {c.concern_justification}"))
    if c.consequences:
        out.append("<p><strong>Det følger af kontrolperspektivet:</strong></p>")
        out.append(
            _list(
                f"{q.text} – {q.legal_reference}" + (f" (frist {day_long(q.due_on)})" if q.due_on else "")
                for q in c.consequences
            )
        )
    if c.summary:
        out += ["<h2>Samlet vurdering</h2>", _paragraphs(c.summary)]
    out.append("</section>")
    return out


def _result(cls: str, label: str, value: str, note: str) -> str:
    return (
        f'<div class="{cls}"><p class="result"><span class="label">{_e(label)}</span> '
        f'<strong class="value">{_e(value)}</strong></p><p class="note">{_e(note)}</p></div>'
    )


def _paragraphs(text: str) -> str:
    """User prose: a blank line starts a new paragraph, a single line break stays a line break."""
    parts = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
    return "".join("<p>" + "<br>".join(_e(line) for line in part.split("\n")) + "</p>" for part in parts)


def _steps(scale: tuple[BandStep, ...]) -> list[tuple[BandStep, float, str]]:
    """The scale from the best band down, each with its upper bound and tint."""
    out, upper = [], 100.0
    for i, step in enumerate(sorted(scale, key=lambda s: s.lower_bound, reverse=True)):
        out.append((step, upper, BAND_TINTS[min(i, len(BAND_TINTS) - 1)]))
        upper = step.lower_bound
    return out


def _chart(c: ReportContent) -> list[str]:
    rows: list[tuple[str, float | None, str]] = []  # name, percent, kind
    if c.percent is not None:
        rows.append(("Samlet", c.percent, "area"))
    if c.earlier is not None and c.earlier.percent is not None:
        rows.append((f"Tidligere ({day_short(c.earlier.assessed_on)})", c.earlier.percent, "earlier"))
    rows += [(a.name, a.percent, "area") for a in c.areas]
    rows += [(t.name, t.percent, "theme") for t in c.themes]
    if not rows:
        return []
    steps = _steps(c.band_scale)
    # The band columns behind every bar: one gradient with hard stops, from 0 % on the left. The best band's name
    # (first) starts at its boundary and may run on to the right, where the values column leaves room.
    stops = ",".join(f"{tint} {_clamp(s.lower_bound):g}% {_clamp(upper):g}%" for s, upper, tint in reversed(steps))
    track = f"background:linear-gradient(to right,{stops})" if steps else "background:#eee"
    scale = "".join(
        f'<span style="left:{_clamp(s.lower_bound):g}%;width:{_clamp(upper - s.lower_bound):g}%">'
        f"{_e(s.label_da)}</span>"
        for s, upper, _ in steps
    )
    out = [
        '<section aria-labelledby="chart">',
        '<h2 id="chart">Resultater fordelt på områder og temaer</h2>',
        "<figure>",
        "<figcaption>Procent for hvert område og tema, vist mod niveauerne i kommunens tilsynskoncept</figcaption>",
        '<div class="chart">',
        f'<span></span><div class="scale" aria-hidden="true">{scale}</div><span></span>',
    ]
    for name, percent, kind in rows:
        cls = "bar earlier" if kind == "earlier" else "bar"
        bar = "" if percent is None else f'<span class="{cls}" style="width:{_clamp(percent):g}%"></span>'
        name_class = "name area" if kind != "theme" else "name"
        out.append(
            f'<span class="{name_class}">{_e(name)}</span>'
            f'<div class="track" style="{track}" aria-hidden="true">{bar}</div>'
            f'<span class="value">{_e(percent_text(percent))}</span>'
        )
    out.append("</div>")
    legend = f'<span class="swatch" style="background:#1f4e79"></span>Dette tilsyn ({day_short(c.visit_date)})'
    if c.earlier is not None:
        earlier = c.earlier.band_label_da or "ikke vurderet"
        if c.earlier.percent is not None:
            earlier += f", {percent_text(c.earlier.percent)}"
        legend += (
            '<span class="swatch" style="background:#8c8c8c"></span>'
            f"Tidligere ({day_short(c.earlier.assessed_on)}): {_e(earlier)}"
        )
    out += [f'<p class="legend">{legend}</p>', "</figure>", "</section>"]
    return out


def _table(caption: str, header: list[str], rows: list[str], numeric: tuple[int, ...] = ()) -> str:
    head = "".join(
        f'<th scope="col" class="num">{_e(h)}</th>' if i in numeric else f'<th scope="col">{_e(h)}</th>'
        for i, h in enumerate(header)
    )
    return (
        f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _tables(c: ReportContent) -> list[str]:
    out = []
    if c.areas or c.themes:
        rows = []
        areas = {a.name for a in c.areas}

        def row(name: str, percent: float | None, cls: str) -> str:
            band = band_of(percent, c.band_scale)
            return (
                f'<tr><th scope="row" class="{cls}">{_e(name)}</th>'
                f'<td class="num">{_e(percent_text(percent))}</td><td>{_e(band)}</td></tr>'
            )

        for area in c.areas:
            rows.append(row(area.name, area.percent, "area"))
            rows += [row(t.name, t.percent, "theme") for t in c.themes if t.area == area.name]
        rows += [row(t.name, t.percent, "theme") for t in c.themes if t.area not in areas]
        out.append(_table("Områder og temaer", ["Område og tema", "Procent", "Niveau"], rows, numeric=(1,)))
    if c.carried_forward:
        header, cells, _ = carried.table(c, 1)
        rows = [
            f'<tr><th scope="row">{_e(r[0])}</th>' + "".join(f"<td>{_e(v)}</td>" for v in r[1:]) + "</tr>"
            for r in cells
        ]
        out += [f"<h2>{_e(carried.TITLE)}</h2>", _p(carried.intro(c)), _table(carried.TITLE, header, rows)]
    if c.band_counts or c.concern_counts:
        out += ["<h2>Dagplejerne samlet</h2>", _p(dagplejere_text(c))]
        for caption, first, lines in (
            ("Dagplejere på hvert niveau", "Niveau", c.band_counts),
            ("Dagplejere på hvert bekymringsniveau", "Kontrolperspektiv", c.concern_counts),
        ):
            rows = [
                f'<tr><th scope="row">{_e(line.label_da)}</th><td class="num">{line.count}</td></tr>' for line in lines
            ]
            out.append(_table(caption, [first, "Dagplejere"], rows, numeric=(1,)))
    if c.unit_results:
        rows = [
            f'<tr><th scope="row">{_e(u.name)}</th><td class="num">{_e(percent_text(u.percent))}</td>'
            f"<td>{_e(u.band_label_da or '–')}</td><td>{_e(u.concern_label_da)}</td></tr>"
            for u in c.unit_results
        ]
        header = ["Enhed", "Procent", "Udviklingsperspektiv", "Kontrolperspektiv"]
        out.append(_table("Resultater for enhederne", header, rows, numeric=(1,)))
    if c.band_scale:
        rows = []
        for i, (step, upper, _) in enumerate(_steps(c.band_scale)):
            low = percent_text(step.lower_bound)
            span = f"{low} til 100 %" if i == 0 else f"{low} til under {percent_text(upper)}"
            rows.append(
                f'<tr><th scope="row">{_e(step.label_da)}</th><td>{_e(span)}</td>'
                f"<td>{_e(step.concern_label_da)}</td></tr>"
            )
        header = ["Niveau (udviklingsperspektiv)", "Procent", "Kontrolperspektiv"]
        out.append(_table("Kommunens niveauer", header, rows))
    return out


def _development(c: ReportContent) -> list[str]:
    out = []
    if c.strengths:
        out += ["<h2>Styrker</h2>", _list(c.strengths)]
    out.append("<h2>Anbefalinger</h2>")
    if c.recommendations:
        rows = [
            f'<tr><td class="num">{n}</td><td>{_e(r.text)}</td><td>{_e(r.owner)}</td>'
            f'<td class="num">{_time(r.due_on)}</td></tr>'
            for n, r in enumerate(c.recommendations, start=1)
        ]
        header = ["Nr.", "Anbefaling", "Ansvarlig", "Frist"]
        out.append(_table("Anbefalinger med ansvarlig og frist", header, rows, numeric=(0, 3)))
    else:
        out.append(_p("Tilsynet giver ingen anbefalinger."))
    return out


def _follow_up(c: ReportContent) -> list[str]:
    out = []
    if c.follow_up:
        f = c.follow_up
        out += [
            "<h2>Opfølgningssamtale</h2>",
            f"<p>Opfølgningssamtale {f.number} med ledelsen blev holdt den {_time(f.held_on)}.</p>",
            _paragraphs(f.summary),
        ]
        if f.agreed_follow_up:
            out.append(_p(f"Aftalt opfølgning: {f.agreed_follow_up}"))
    out.append("<h2>Dagtilbudslederens kommentar</h2>")
    out.append(_paragraphs(c.leader_comment) if c.leader_comment else _p("Lederen har ikke kommenteret rapporten."))
    return out


def _basis(c: ReportContent) -> list[str]:
    out = ["<h2>Grundlag for tilsynet</h2>"]
    if c.data_used:
        out += [_p("Data, der indgik i tilsynet:"), _list(c.data_used)]
    if c.supervisors:
        out.append(_p("Tilsynsførende: " + ", ".join(c.supervisors)))
    policy = "kommunens standardkoncept" if c.policy_version == 0 else f"version {c.policy_version}"
    out.append(_p(f"Tilsynskoncept: {policy}.", "note"))
    if c.legal_basis:
        out += ["<h2>Lovgrundlag</h2>", *(_p(line) for line in c.legal_basis)]
    out.append(f"<footer>{_e(c.municipality_name)} · tilsynsrapport efter dagtilbudsloven §5</footer>")
    return out
