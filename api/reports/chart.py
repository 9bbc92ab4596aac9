"""The score chart of the PDF: area and theme percents as horizontal bars over the policy's band scale.

Each band of the scale is a shaded column with its name above it, so a reader sees where a bar lands without
knowing the numbers; the band boundaries are dashed lines and the value axis is marked at them. The earlier
total, when there is one, is its own grey row under this visit's total (a second series that costs no space in
the other rows), with a legend entry "Tidligere (dato): band, percent". Bars are one colour: the band is read
from the labelled columns, not from colour alone.

Speed (issue 5 asks for 50 reports a second on one core): a reportlab `HorizontalBarChart` draws the bars only;
its axis labels are widgets that cost far more than the bars. The texts (names, values, band names, axis numbers,
legend) are written after the shapes in one PDF text object, several times cheaper than one `String` shape each.
The parts that depend only on the band scale and the chart's size are built once per scale and size and shared
between drawings; they are never changed after they are built.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab import rl_config
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Group, Path, Rect
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from api.reports import day_short, fonts, percent_text
from domain.reports import BandStep, ReportContent

# Validating every attribute of every chart shape as it is set is a development aid that costs a large part of the
# chart's time; the attributes here are fixed and covered by tests. Process-wide, like all of rl_config.
rl_config.shapeChecking = 0

CURRENT = colors.HexColor("#1f4e79")
EARLIER = colors.HexColor("#8c8c8c")
INK = colors.HexColor("#222222")
# Light tints from the best band to the poorest; a scale with more bands reuses the last tint.
BAND_TINTS = tuple(colors.HexColor(c) for c in ("#d9efd9", "#e8f4d4", "#fbf3cf", "#fbe1c8", "#f6d0d0"))

ROW = 13  # points per bar row
LABEL_WIDTH = 165  # room for the category names left of the plot
RIGHT = 34  # room right of the plot for a value label at 100 % and the top band's name
TOP = 26  # band names and the chart's title above the plot
BOTTOM = 42  # value axis, its title and the legend
FONT_SIZE = 7.5

Row = tuple[str, float | None, bool]  # label, percent, bold


@dataclass(frozen=True)
class Label:
    """A text of the chart at (x, y) in the drawing's coordinates, anchored "start", "middle" or "end"."""

    x: float
    y: float
    text: str
    font: str = fonts.REGULAR
    anchor: str = "start"
    size: float = FONT_SIZE


class ChartDrawing(Drawing):
    """A drawing that writes its labels in one text object after its shapes (see the module's docstring)."""

    def __init__(self, width: float, height: float, labels: list[Label]) -> None:
        # Without an initial font the renderer starts in Helvetica, an unembedded font the PDF would then list.
        super().__init__(width, height, initialFontName=fonts.REGULAR)
        self._labels = labels

    def draw(self, showBoundary: Any = rl_config._unset_) -> None:  # reportlab's signature
        super().draw(showBoundary)
        text = self.canv.beginText()
        text.setFillColor(INK)
        font = None
        for label in self._labels:
            if font != (label.font, label.size):
                font = (label.font, label.size)
                text.setFont(*font)
            x = label.x
            if label.anchor != "start":
                width = stringWidth(label.text, label.font, label.size)
                x -= width if label.anchor == "end" else width / 2
            text.setTextOrigin(x, label.y)
            text.textOut(label.text)
        self.canv.drawText(text)


def score_chart(content: ReportContent, width: float) -> ChartDrawing | None:
    """The chart for `content`, `width` points wide; None when there is nothing to draw."""
    rows = _rows(content)
    if not rows:
        return None
    plot_x, plot_y, plot_w, plot_h = LABEL_WIDTH, BOTTOM, width - LABEL_WIDTH - RIGHT, ROW * len(rows)
    shapes, scale_labels = _scale_layer(content.band_scale, width, len(rows))
    labels = list(scale_labels)
    for i, (name, value, bold) in enumerate(rows):
        y = plot_y + plot_h - (i + 0.5) * ROW - FONT_SIZE / 3
        font = fonts.BOLD if bold else fonts.REGULAR
        labels.append(Label(plot_x - 4, y, _fit(name, LABEL_WIDTH - 8, font), font, "end"))
        # The value beside its bar, or "ikke scoret" where nothing in the area or theme was scored.
        labels.append(Label(plot_x + 3 + (0 if value is None else plot_w * value / 100), y, percent_text(value)))
    drawing = ChartDrawing(width, plot_y + plot_h + TOP, labels)
    drawing.add(shapes)
    drawing.add(_bars(rows, plot_x, plot_y, plot_w, plot_h))
    _legend(drawing, labels, content, plot_x, 4)
    return drawing


def _rows(content: ReportContent) -> list[Row]:
    """The rows from the top: the total, the earlier total, the areas (bold), then the themes."""
    rows: list[Row] = []
    if content.percent is not None:
        rows.append(("Samlet", content.percent, True))
    if content.earlier is not None and content.earlier.percent is not None:
        rows.append((f"Tidligere ({day_short(content.earlier.assessed_on)})", content.earlier.percent, True))
    rows += [(area.name, area.percent, True) for area in content.areas]
    rows += [(theme.name, theme.percent, False) for theme in content.themes]
    return rows


def _bars(rows: list[Row], x: float, y: float, w: float, h: float) -> HorizontalBarChart:
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = x, y, w, h
    # Categories run bottom-up in reportlab; the rows are reversed so the first row is at the top, as tables read.
    up = rows[::-1]
    chart.data = [[value if value is not None else 0 for _, value, _ in up]]
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = CURRENT
    chart.barSpacing = 0
    chart.groupSpacing = 4
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 10
    # The axes (lines, marks, numbers) are drawn once per scale and size by _scale_layer.
    chart.categoryAxis.visible = 0
    chart.valueAxis.visible = 0
    for i, (label, value, _) in enumerate(up):
        if value is None:
            chart.bars[(0, i)].fillColor = None
        elif label.startswith("Tidligere"):
            chart.bars[(0, i)].fillColor = EARLIER
    return chart


@lru_cache(maxsize=64)
def _scale_layer(scale: tuple[BandStep, ...], width: float, row_count: int) -> tuple[Group, tuple[Label, ...]]:
    """The band columns, the boundaries and the axes, with their texts: shared, never changed.

    Lines that share a style are one path each, and the value axis is marked at 0, 100 and the band boundaries,
    the numbers a reader compares a bar with.
    """
    x, y, w, h = LABEL_WIDTH, BOTTOM, width - LABEL_WIDTH - RIGHT, ROW * row_count
    group = Group()
    labels = [Label(x, y + h + 18, "Niveauer i kommunens tilsynskoncept", fonts.BOLD)]
    boundaries = Path(strokeColor=INK, strokeWidth=0.5, strokeDashArray=(2, 2), fillColor=None)
    axes = Path(strokeColor=INK, strokeWidth=0.6, fillColor=None)
    axes.moveTo(x, y + h)
    axes.lineTo(x, y)
    axes.lineTo(x + w, y)
    marks = {0.0, 100.0}
    upper = 100.0
    for i, step in enumerate(sorted(scale, key=lambda s: s.lower_bound, reverse=True)):
        left, right = x + w * step.lower_bound / 100, x + w * upper / 100
        group.add(Rect(left, y, right - left, h, fillColor=BAND_TINTS[min(i, len(BAND_TINTS) - 1)], strokeColor=None))
        if step.lower_bound > 0:
            boundaries.moveTo(left, y)
            boundaries.lineTo(left, y + h + 4)
        marks.add(step.lower_bound)
        room = right - left + (RIGHT - 4 if i == 0 else 0)  # the top band's name may use the room right of the plot
        name = _fit(step.label_da, room - 2, fonts.REGULAR, FONT_SIZE - 0.5)
        labels.append(Label(left + room / 2, y + h + 8, name, anchor="middle", size=FONT_SIZE - 0.5))
        upper = step.lower_bound
    for mark in sorted(marks):
        axes.moveTo(x + w * mark / 100, y)
        axes.lineTo(x + w * mark / 100, y - 3)
        labels.append(Label(x + w * mark / 100, y - 12, f"{mark:g}", anchor="middle"))
    labels.append(Label(x + w / 2, y - 22, "Procent", anchor="middle"))
    group.add(boundaries)
    group.add(axes)
    return group, tuple(labels)


def _legend(drawing: Drawing, labels: list[Label], content: ReportContent, x: float, y: float) -> None:
    entries = [(CURRENT, f"Dette tilsyn ({day_short(content.visit_date)})")]
    earlier = content.earlier
    if earlier is not None and earlier.percent is not None:
        band = f"{earlier.band_label_da}, " if earlier.band_label_da else ""
        entries.append(
            (EARLIER, f"Tidligere ({day_short(earlier.assessed_on)}): {band}{percent_text(earlier.percent)}")
        )
    for colour, text in entries:
        drawing.add(Rect(x, y, 8, 8, fillColor=colour, strokeColor=None))
        labels.append(Label(x + 11, y + 1, text))
        x += 20 + stringWidth(text, fonts.REGULAR, FONT_SIZE)


def _fit(text: str, width: float, font: str, size: float = FONT_SIZE) -> str:
    """`text`, shortened with an ellipsis until it fits `width` points (long theme names in a narrow column)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
