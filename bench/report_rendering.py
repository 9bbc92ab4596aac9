"""How many typical report PDFs one core renders per second (issue 11 asks for at least 50), and what that costs
against a plain reportlab document measured in the same run.

The report is `tests.support.report_content.typical_content()`: an announced visit to one institution with two
units, three areas and six themes, an earlier result, four recommendations, the follow-up dialogue and the
leader's comment; two A4 pages. The reference is reportlab on its own: the same texts as plain paragraphs in
reportlab's sample styles (Helvetica, not embedded), no chart, no tables, about as many pages. The two are timed in
alternating rounds, single-threaded and pinned to one core, as one request is; the ratio per round (report time
over plain time) moves far less than either time when other programs share the machine. A few warm-up renderings
come first so that imports and the one-time font parsing are not counted.

Wall time is what a caller waits; CPU time is printed too. Whether reportlab's C accelerator (the `rl-accel`
package, a dependency) is in use is printed as well: without it reportlab formats numbers and measures text in
pure Python, a quarter or so slower.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import rl_accel
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

from api.reports.pdf import render_pdf
from domain.reports import ReportContent
from tests.support.report_content import typical_content

TARGET_PER_SECOND = 50
WARM_UP = 5
ROUNDS = 10  # alternating rounds of the report and the plain document
_PAGE = re.compile(rb"/Type /Page\b(?!s)")


@dataclass(frozen=True)
class Timing:
    count: int
    wall_seconds: float
    cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.count / self.wall_seconds

    @property
    def mean_ms(self) -> float:
        return 1000 * self.wall_seconds / self.count

    @property
    def mean_cpu_ms(self) -> float:
        return 1000 * self.cpu_seconds / self.count


@dataclass(frozen=True)
class Result:
    report: Timing
    plain: Timing
    ratios: tuple[float, ...]  # report CPU time over plain CPU time, per round
    rates: tuple[float, ...]  # reports per second, per round
    pages: int
    plain_pages: int
    size_bytes: int

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)


def page_count(pdf: bytes) -> int:
    """Pages in a reportlab PDF (it writes every page as its own uncompressed object)."""
    return len(_PAGE.findall(pdf))


def accelerated() -> bool:
    """True when reportlab found its C accelerator (module `_rl_accel`) instead of the pure Python fallbacks."""
    return rl_accel.fp_str.__module__ == "_rl_accel"


def plain_pdf(content: ReportContent) -> bytes:
    """The reference: the report's texts as plain reportlab paragraphs in its sample styles, nothing else."""
    styles = getSampleStyleSheet()
    body, heading = styles["Normal"], styles["Heading2"]
    texts = [
        content.municipality_name,
        content.provider_name,
        content.summary or "",
        content.concern_justification or "",
        *(f"{s.name}: {s.percent}" for s in (*content.areas, *content.themes)),
        *content.strengths,
        *(f"{r.text} ({r.owner}, {r.due_on})" for r in content.recommendations),
        *((content.follow_up.summary, content.follow_up.agreed_follow_up or "") if content.follow_up else ()),
        content.leader_comment or "",
        *content.data_used,
        *content.supervisors,
    ]
    story = []
    for n in range(3):  # about two pages of text, as the report has
        story.append(Paragraph(f"Afsnit {n + 1}", heading))
        story += [Paragraph(escape(text), body) for text in texts if text]
    buffer = BytesIO()
    SimpleDocTemplate(buffer, invariant=1).build(story)
    return buffer.getvalue()


def _time(render: Callable[[ReportContent], bytes], content: ReportContent, count: int) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        render(content)
    return Timing(count, time.perf_counter() - wall, time.process_time() - cpu)


def run(count: int, rounds: int = ROUNDS) -> Result:
    """Render the typical report `count` times and the plain document as often, in alternating rounds."""
    content = typical_content()
    for _ in range(WARM_UP):
        pdf, plain = render_pdf(content), plain_pdf(content)
    per_round = max(1, count // rounds)
    reports, plains = [], []
    for _ in range(rounds):
        reports.append(_time(render_pdf, content, per_round))
        plains.append(_time(plain_pdf, content, per_round))
    ratios = tuple(r.cpu_seconds / p.cpu_seconds for r, p in zip(reports, plains, strict=True))
    total = per_round * rounds

    def summed(timings: list[Timing]) -> Timing:
        return Timing(total, sum(t.wall_seconds for t in timings), sum(t.cpu_seconds for t in timings))

    rates = tuple(t.per_second for t in reports)
    return Result(summed(reports), summed(plains), ratios, rates, page_count(pdf), page_count(plain), len(pdf))


def pin_to_one_core() -> int | None:
    """Run on one core (the last, as `taskset` would), so the figures are one core's; None where unsupported."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="how many reports to render (default 200)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    core = pin_to_one_core()
    result = run(args.count)
    report, plain = result.report, result.plain
    verdict = "met" if report.per_second >= TARGET_PER_SECOND else "NOT met"
    where = f"pinned to core {core}" if core is not None else "not pinned"
    print(f"report rendering: {report.count} typical reports and {plain.count} plain documents, alternating in")
    print(f"  {len(result.ratios)} rounds, single-threaded, {where}")
    print(f"pages: report {result.pages} ({result.size_bytes / 1024:.0f} KiB), plain reportlab {result.plain_pages}")
    print(f"reportlab accelerator (rl-accel): {'in use' if accelerated() else 'NOT in use'}")
    print(f"{'':22}{'report':>10}{'plain':>10}")
    print(f"{'per second':22}{report.per_second:>10.1f}{plain.per_second:>10.1f}")
    print(f"{'ms each (wall)':22}{report.mean_ms:>10.1f}{plain.mean_ms:>10.1f}")
    print(f"{'ms each (CPU)':22}{report.mean_cpu_ms:>10.1f}{plain.mean_cpu_ms:>10.1f}")
    low, high = min(result.ratios), max(result.ratios)
    print(f"report / plain reportlab (CPU, median of rounds): {result.ratio:.2f} (rounds {low:.2f} to {high:.2f})")
    slow, mid = min(result.rates), statistics.median(result.rates)
    print(f"reports per second per round: slowest {slow:.1f}, median {mid:.1f}, fastest {max(result.rates):.1f}")
    print(f"target: at least {TARGET_PER_SECOND} reports per second: {verdict}")
    return 0
