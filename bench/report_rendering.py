"""How many typical report PDFs one core renders per second (issue 5 asks for at least 50).

The report is `tests.support.report_content.typical_content()`: an announced visit to one institution with two
units, three areas and six themes, an earlier result, four recommendations, the follow-up dialogue and the
leader's comment; two A4 pages. Rendering is single-threaded, as one request is. A few warm-up renderings come
first so that imports and the one-time font parsing are not counted.

Wall time is what a caller waits; CPU time is printed too because it moves less when other programs share the
machine. Whether reportlab's optional C accelerator (the `rl-accel` package) is installed is printed as well: it
takes a fifth or so off each report, since reportlab otherwise formats numbers and measures text in pure Python.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from dataclasses import dataclass

from reportlab.lib import rl_accel

from api.reports.pdf import render_pdf
from tests.support.report_content import typical_content

TARGET_PER_SECOND = 50
WARM_UP = 5
BATCH = 20  # reports per timed batch; the spread between batches shows how much the machine's load moved
_PAGE = re.compile(rb"/Type /Page\b(?!s)")


@dataclass(frozen=True)
class Result:
    count: int
    wall_seconds: float
    cpu_seconds: float
    pages: int
    size_bytes: int
    batch_rates: tuple[float, ...]  # reports per second in each batch of BATCH reports, in order

    @property
    def per_second(self) -> float:
        return self.count / self.wall_seconds

    @property
    def mean_ms(self) -> float:
        return 1000 * self.wall_seconds / self.count

    @property
    def mean_cpu_ms(self) -> float:
        return 1000 * self.cpu_seconds / self.count


def page_count(pdf: bytes) -> int:
    """Pages in a reportlab PDF (it writes every page as its own uncompressed object)."""
    return len(_PAGE.findall(pdf))


def accelerated() -> bool:
    """True when reportlab found its C accelerator (module `_rl_accel`) instead of the pure Python fallbacks."""
    return rl_accel.fp_str.__module__ == "_rl_accel"


def run(count: int) -> Result:
    """Render the typical report `count` times, after a warm-up, and time it."""
    content = typical_content()
    for _ in range(WARM_UP):
        pdf = render_pdf(content)
    rates = []
    wall, cpu = time.perf_counter(), time.process_time()
    batch_start = wall
    for n in range(1, count + 1):
        pdf = render_pdf(content)
        if n % BATCH == 0:
            now = time.perf_counter()
            rates.append(BATCH / (now - batch_start))
            batch_start = now
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return Result(count, wall, cpu, page_count(pdf), len(pdf), tuple(rates))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="how many reports to render (default 200)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    result = run(args.count)
    verdict = "met" if result.per_second >= TARGET_PER_SECOND else "NOT met"
    print(f"report rendering: {result.count} typical reports, single-threaded")
    print(f"pages per report: {result.pages} ({result.size_bytes / 1024:.0f} KiB)")
    print(f"reportlab accelerator (rl-accel): {'installed' if accelerated() else 'not installed'}")
    print(f"reports per second: {result.per_second:.1f}")
    print(f"mean ms per report: {result.mean_ms:.1f} (CPU {result.mean_cpu_ms:.1f} ms)")
    if len(result.batch_rates) > 1:
        low, mid, high = min(result.batch_rates), statistics.median(result.batch_rates), max(result.batch_rates)
        print(f"per batch of {BATCH}: slowest {low:.1f}, median {mid:.1f}, fastest {high:.1f} reports per second")
    print(f"target: at least {TARGET_PER_SECOND} reports per second: {verdict}")
    return 0
