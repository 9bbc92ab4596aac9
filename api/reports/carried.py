"""The report's "Opfølgning fra sidste tilsyn" (domain.carry_forward) as rows, shared by the PDF and the HTML page.

Where the lines carry no percent (the dagpleje's combined report: no dagplejer's result is shown), the table has no
percent columns, only why and how it went.
"""

from __future__ import annotations

from api.reports import day_short, percent_text
from domain.reports import CarriedLine, ReportContent

TITLE = "Opfølgning fra sidste tilsyn"


def with_percents(content: ReportContent) -> bool:
    return any(line.before_percent is not None or line.after_percent is not None for line in content.carried_forward)


def intro(content: ReportContent) -> str:
    text = (
        "Tilsynet fulgte op på de områder og temaer, som sidste tilsyn fandt svage (i et niveau med bekymring), "
        "hvor en indikator fik laveste score, eller som en åben anbefaling eller en handleplan nævner."
    )
    if with_percents(content):
        return text + " Før er resultatet ved det tidligere tilsyn, efter er resultatet ved dette tilsyn."
    return text + " Udviklingen vises uden procenter, så ingen enkelt dagplejers resultat kan genkendes."


def _scored(percent: float | None, band: str | None) -> str:
    if percent is None:
        return "–"
    return f"{percent_text(percent)} ({band})" if band else percent_text(percent)


def _change(line: CarriedLine) -> str:
    if line.change is None:
        return "–"
    return f"{line.change:+.1f}".replace(".", ",") + " point"


def _before(line: CarriedLine) -> str:
    text = _scored(line.before_percent, line.before_band_label_da)
    return f"{text}, {day_short(line.before_on)}" if line.before_on and line.before_percent is not None else text


def table(content: ReportContent, width: float) -> tuple[list[str], list[list[str]], list[float]]:
    """The header, the rows and the column widths (shares of `width`)."""
    if with_percents(content):
        header = ["Område eller tema", "Hvorfor", "Før", "Efter", "Ændring", "Udvikling"]
        shares = (0.2, 0.26, 0.16, 0.14, 0.1, 0.14)
        rows = [
            [
                line.name,
                "; ".join(line.reasons),
                _before(line),
                _scored(line.after_percent, line.after_band_label_da),
                _change(line),
                line.outcome_label_da,
            ]
            for line in content.carried_forward
        ]
    else:
        header = ["Område eller tema", "Hvorfor", "Udvikling"]
        shares = (0.3, 0.5, 0.2)
        rows = [[line.name, "; ".join(line.reasons), line.outcome_label_da] for line in content.carried_forward]
    return header, rows, [width * s for s in shares]
