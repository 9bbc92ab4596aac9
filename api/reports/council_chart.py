"""The charts of the council's summary: the band distribution of both periods, stacked and side by side, and the
areas now against before. reportlab.graphics bar charts draw the bars; the texts are written in one text object
(`api.reports.chart.ChartDrawing`), as the report's chart does, in the same colours: the period in the report's blue,
the period before in its grey, each band in its tint from the best band to the poorest.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Rect
from reportlab.pdfbase.pdfmetrics import stringWidth

from api.reports import fonts, percent_text
from api.reports.chart import BAND_TINTS, CURRENT, EARLIER, FONT_SIZE, INK, ChartDrawing, Label, _fit
from api.schemas.council_summary_content import CompareLine, PartLine

ROW = 20  # points per stacked row
LABEL_WIDTH = 120  # room for the row names left of the stacked bars
TITLE_ROOM = 16


def _tint(i: int):  # type: ignore[no-untyped-def]
    return BAND_TINTS[min(i, len(BAND_TINTS) - 1)]


def _legend(
    drawing: ChartDrawing, labels: list[Label], entries: Sequence[tuple[object, str]], x: float, y: float
) -> None:
    for colour, text in entries:
        drawing.add(Rect(x, y, 8, 8, fillColor=colour, strokeColor=INK, strokeWidth=0.3))
        labels.append(Label(x + 11, y + 1, text))
        x += 22 + stringWidth(text, fonts.REGULAR, FONT_SIZE)


def stacked_bands(bands: Sequence[CompareLine], previous_label: str, period_label: str, width: float) -> ChartDrawing:
    """Two 100 % bars, the period before above the period, split by band (best band left) with each count in it."""
    rows = (
        ("Perioden før", previous_label, [b.before for b in bands]),
        ("Perioden", period_label, [b.now for b in bands]),
    )
    plot_x, plot_w = LABEL_WIDTH, width - LABEL_WIDTH - 4
    bottom, plot_h = 26, ROW * len(rows)
    labels = [Label(0, bottom + plot_h + 6, "Dagtilbud fordelt på niveauer (seneste samlede vurdering)", fonts.BOLD)]
    drawing = ChartDrawing(width, bottom + plot_h + TITLE_ROOM, labels)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = plot_x, bottom, plot_w, plot_h
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.visible = 0
    chart.valueAxis.visible = 0
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.barSpacing, chart.groupSpacing = 0, 5
    up = rows[::-1]  # reportlab counts categories from the bottom
    shares = []
    for _, _, counts in up:
        total = sum(counts)
        shares.append([100 * c / total if total else 0 for c in counts])
    chart.data = [[shares[r][i] for r in range(len(up))] for i in range(len(bands))] or [[0] * len(up)]
    chart.bars.strokeColor = INK
    chart.bars.strokeWidth = 0.3
    for i in range(len(bands)):
        chart.bars[i].fillColor = _tint(i)
    drawing.add(chart)
    for r, (name, period, counts) in enumerate(up):
        y = bottom + (r + 0.5) * ROW
        labels.append(Label(plot_x - 4, y + 1, name, fonts.BOLD, "end"))
        labels.append(Label(plot_x - 4, y - FONT_SIZE, period, anchor="end", size=FONT_SIZE - 1))
        total, left = sum(counts), plot_x
        if not total:
            labels.append(Label(plot_x + 4, y - FONT_SIZE / 3, "ingen samlede vurderinger"))
            continue
        for count in counts:
            share = plot_w * count / total
            if count and share >= 12:
                labels.append(Label(left + share / 2, y - FONT_SIZE / 3, str(count), anchor="middle"))
            left += share
    _legend(drawing, labels, [(_tint(i), b.label_da) for i, b in enumerate(bands)], plot_x, 6)
    return drawing


def band_columns(bands: Sequence[CompareLine], width: float, height: float = 150) -> ChartDrawing:
    """Per band, the number of providers in the period before (grey) and the period (blue), side by side."""
    bottom, left, top = 30, 24, TITLE_ROOM + 12
    plot_w, plot_h = width - left - 4, height - bottom - top
    peak = max([1, *(b.now for b in bands), *(b.before for b in bands)])
    labels = [Label(0, height - 10, "Antal dagtilbud på hvert niveau i de to perioder", fonts.BOLD)]
    drawing = ChartDrawing(width, height, labels)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = left, bottom, plot_w, plot_h
    chart.data = [[b.before for b in bands] or [0], [b.now for b in bands] or [0]]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, peak
    chart.valueAxis.visible = 0
    chart.categoryAxis.visible = 0
    chart.bars.strokeColor = None
    chart.bars[0].fillColor, chart.bars[1].fillColor = EARLIER, CURRENT
    chart.barSpacing, chart.groupSpacing = 2, 14
    drawing.add(chart)
    drawing.add(Rect(left, bottom, plot_w, 0.6, fillColor=INK, strokeColor=None))
    group = plot_w / max(1, len(bands))
    bar = (group - chart.groupSpacing - chart.barSpacing) / 2
    for i, b in enumerate(bands):
        x0 = left + i * group + chart.groupSpacing / 2
        labels.append(
            Label(left + (i + 0.5) * group, bottom - 11, _fit(b.label_da, group - 2, fonts.REGULAR), anchor="middle")
        )
        for j, value in enumerate((b.before, b.now)):
            x = x0 + j * (bar + chart.barSpacing) + bar / 2
            labels.append(Label(x, bottom + plot_h * value / peak + 2, str(value), anchor="middle"))
    _legend(drawing, labels, [(EARLIER, "Perioden før"), (CURRENT, "Perioden")], left, 4)
    return drawing


def part_bars(parts: Sequence[PartLine], width: float, title: str) -> ChartDrawing | None:
    """Per area (or theme), the mean percent in the period before (grey) and the period (blue), on 0-100."""
    if not parts:
        return None
    label_w, right, bottom, row = 150, 36, 24, 22
    plot_x, plot_w, plot_h = label_w, width - label_w - right, row * len(parts)
    labels = [Label(0, bottom + plot_h + 6, title, fonts.BOLD)]
    drawing = ChartDrawing(width, bottom + plot_h + TITLE_ROOM, labels)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = plot_x, bottom, plot_w, plot_h
    up = list(parts)[::-1]
    chart.data = [[p.now or 0 for p in up], [p.before or 0 for p in up]]  # series 0 is drawn lowest in each group
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.valueAxis.visible = 0
    chart.categoryAxis.visible = 0
    chart.bars.strokeColor = None
    chart.bars[0].fillColor, chart.bars[1].fillColor = CURRENT, EARLIER
    chart.barSpacing, chart.groupSpacing = 1, 5
    drawing.add(chart)
    drawing.add(Rect(plot_x, bottom, 0.6, plot_h, fillColor=INK, strokeColor=None))
    bar = (row - chart.groupSpacing - chart.barSpacing) / 2
    for i, p in enumerate(up):
        y = bottom + i * row + chart.groupSpacing / 2
        labels.append(
            Label(
                plot_x - 4,
                bottom + (i + 0.5) * row - FONT_SIZE / 3,
                _fit(p.name, label_w - 8, fonts.REGULAR),
                anchor="end",
            )
        )
        for j, value in enumerate((p.now, p.before)):
            at = plot_x + 3 + (plot_w * value / 100 if value is not None else 0)
            labels.append(Label(at, y + j * (bar + chart.barSpacing) + 1, percent_text(value), size=FONT_SIZE - 1))
    _legend(drawing, labels, [(EARLIER, "Perioden før"), (CURRENT, "Perioden")], plot_x, 4)
    return drawing
