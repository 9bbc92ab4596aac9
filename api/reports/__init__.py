"""Rendering of a written supervision report (tilsynsrapport) that `domain.reports` assembled.

`api.reports.pdf.render_pdf(content) -> bytes` makes the PDF (reportlab); `api.reports.html.render_html(content,
pdf_url=...) -> str` makes a self-contained HTML page for the provider's website. Neither touches the database:
both take a `domain.reports.ReportContent`. This package itself holds only the Danish formatting both share, so
the HTML renderer never loads reportlab.
"""

from __future__ import annotations

from datetime import date

from domain.instruments import shown_percent
from domain.reports import BandStep, ReportContent

_MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip


def day_long(day: date) -> str:
    """A date as Danish prose writes it: "10. marts 2026"."""
    return f"{day.day}. {_MONTHS[day.month - 1]} {day.year}"


def day_short(day: date) -> str:
    """A date as Danish tables write it: "10.03.2026"."""
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def percent_text(value: float | None) -> str:
    """A percent with a Danish decimal comma and at most one decimal: "57,9 %", "66 %"; "ikke scoret" for None."""
    if value is None:
        return "ikke scoret"
    shown = shown_percent(value)  # truncated, never rounded across a band boundary
    number = f"{shown:.0f}" if shown == int(shown) else f"{shown:.1f}".replace(".", ",")
    return f"{number}\u00a0%"  # a no-break space keeps "57,9 %" on one line


def band_of(percent: float | None, scale: tuple[BandStep, ...]) -> str:
    """The band a percent falls in on the report's own scale (a boundary value belongs to the higher band)."""
    if percent is None:
        return "–"
    for step in sorted(scale, key=lambda s: s.lower_bound, reverse=True):
        if percent >= step.lower_bound:
            return step.label_da
    return "–"


def dagplejere_text(content: ReportContent) -> str:
    """What the dagpleje's combined report covers and how its result is made, in one paragraph."""
    count = sum(line.count for line in content.concern_counts)
    since = f" fra {day_long(content.period_from)}" if content.period_from else ""
    who = "dagplejer" if count == 1 else "dagplejere"
    return (
        f"Rapporten samler det seneste tilsyn hos hver af dagplejens {count} {who}{since} til "
        f"{day_long(content.visit_date)}. Resultatet er gennemsnittet af dagplejernes resultater, og "
        "bekymringsniveauet er det mest alvorlige hos nogen af dem. Tabellerne viser, hvor mange dagplejere der er "
        "på hvert niveau; den enkelte dagplejers resultat offentliggøres ikke."
    )
