"""The suppression rule of network benchmarks, once: which cells of a benchmark table may be published to a caller.

A benchmark table (domain.benchmarks) is a set of cells. Each cell has a key (`CellKey`: a measure, a part, a
provider kind or all kinds, a band or all bands) and a population: the providers its figure is computed over. The
rule publishes a cell only when nothing a reader can compute from the published cells rests on fewer than `k`
providers from fewer than `m` municipalities (the network's thresholds, domain.networks.BenchmarkThresholds):

1. primary: the cell's own population rests on at least k providers from at least m municipalities;
2. the caller's complement: the caller knows its own figures, so everything above is judged on the population
   WITHOUT the caller's own providers (the network's figure minus the caller's must still rest on k and m);
3. differencing: for any two published cells of one slice (the same measure of the same part, so their figures
   subtract) where one's population contains the other's (a row total and a cell, a kind total and the network's
   total, or any containment the data happens to show), the difference must pass 1-2 as well. An empty difference
   fails: "all 30 providers are in band god" says something about each of them. Otherwise the smaller cell (on a
   tie, the more specific one) is suppressed too;
4. lines: a published total minus its published parts is the sum of its suppressed parts (the kinds of a column,
   the bands of a row), so that union must pass 1-2 too, or be empty (a derived zero is about no provider); and it
   is compared with every published cell and other such union of the slice as in 3. A failing union grows by
   suppressing its smallest published part (or, with none left, the total).

Suppressing only ever removes cells, so iterating until nothing changes ends. Cells of different measures or parts
are never compared: their figures count different things (a provider without a result in the period still counts
among those under intensified supervision), so no figure rests on their difference. What this does not audit is a
reader solving several lines of a table together for bounds (interval attacks by linear programming); rule 4 takes
away the exact sums such an attack starts from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from domain.networks import BenchmarkThresholds

Population = frozenset[str]  # provider ids


@dataclass(frozen=True)
class CellKey:
    """A cell's place: a measure, a part ("" the whole result), a kind and a band (None: all of them)."""

    measure: str
    part: str
    kind: str | None
    band: str | None

    @property
    def slice(self) -> tuple[str, str]:
        """Cells of one slice count the same thing, so their figures subtract."""
        return (self.measure, self.part)

    @property
    def specificity(self) -> int:
        return (self.kind is not None) + (self.band is not None)

    def __lt__(self, other: CellKey) -> bool:  # totals (None) before their parts
        return self._order < other._order

    @property
    def _order(self) -> tuple[str, str, str, str]:
        return (self.measure, self.part, self.kind or "", self.band or "")


def rests_on_enough(
    population: Population,
    municipality_of: Mapping[str, str],
    thresholds: BenchmarkThresholds,
    caller: str | None = None,
) -> bool:
    """Whether `population`, without the caller's own providers, has at least k providers from at least m
    municipalities (rules 1-2)."""
    return enough_for(municipality_of, thresholds, caller)(population)


def enough_for(
    municipality_of: Mapping[str, str], thresholds: BenchmarkThresholds, caller: str | None = None
) -> Callable[[Population], bool]:
    """`rests_on_enough` for one caller, as a function of the population (the caller's own set aside once)."""
    own = frozenset(p for p, m in municipality_of.items() if m == caller) if caller is not None else frozenset()
    k, m = thresholds.k, thresholds.m

    def enough(population: Population) -> bool:
        others = population - own if own else population
        if len(others) < k:
            return False
        seen: set[str] = set()
        for p in others:
            seen.add(municipality_of[p])
            if len(seen) >= m:
                return True
        return False

    return enough


@dataclass(frozen=True)
class _Line:
    """A published total and its parts (a partition of it): a column of kinds or a row of bands."""

    total: CellKey
    parts: tuple[CellKey, ...]


def _lines(keys: list[CellKey]) -> list[_Line]:
    present = set(keys)
    lines = []
    for key in keys:
        if key.kind is None:  # a column: the total over kinds and each kind's cell
            parts = tuple(k for k in keys if k.band == key.band and k.kind is not None)
            if parts:
                lines.append(_Line(key, parts))
        if key.band is None:  # a row: the total over bands and each band's cell
            parts = tuple(k for k in keys if k.kind == key.kind and k.band is not None)
            if parts:
                lines.append(_Line(key, parts))
    return [line for line in lines if line.total in present]


def published_cells(
    populations: Mapping[CellKey, Population],
    municipality_of: Mapping[str, str],
    thresholds: BenchmarkThresholds,
    caller: str | None = None,
) -> frozenset[CellKey]:
    """The cells that may be published to `caller` (a municipality id, or None for no member's view)."""

    enough = enough_for(municipality_of, thresholds, caller)
    shown = {key for key, population in populations.items() if enough(population)}
    slices: dict[tuple[str, str], list[CellKey]] = defaultdict(list)
    for key in sorted(populations):
        slices[key.slice].append(key)
    lines = {s: _lines(keys) for s, keys in slices.items()}
    while True:
        changed = False
        for s, keys in slices.items():
            while _settle(keys, lines[s], populations, shown, enough):
                changed = True
        if not changed:
            return frozenset(shown)


def _smaller(a: CellKey, b: CellKey, populations: Mapping[CellKey, Population]) -> CellKey:
    """Of two cells, the one to suppress: the smaller population, then the more specific, then the later key."""
    return max((a, b), key=lambda c: (-len(populations[c]), c.specificity, c))


def _settle(
    keys: list[CellKey],
    lines: list[_Line],
    populations: Mapping[CellKey, Population],
    shown: set[CellKey],
    enough: Callable[[Population], bool],
) -> bool:
    """Apply rules 3-4 to one slice; suppress one cell and say so, or say nothing is left to suppress."""
    published = [k for k in keys if k in shown]
    # Rule 3: two published cells, one containing the other.
    for i, a in enumerate(published):
        for b in published[i + 1 :]:
            pa, pb = populations[a], populations[b]
            small, big = (pa, pb) if len(pa) <= len(pb) else (pb, pa)
            if small <= big and not enough(big - small):
                shown.discard(_smaller(a, b, populations))
                return True
    # Rule 4: what a published total less its published parts gives away.
    derived: list[tuple[_Line, Population]] = []
    for line in lines:
        if line.total not in shown:
            continue
        hidden = [p for p in line.parts if p not in shown]
        if not hidden:
            continue
        union = frozenset().union(*(populations[p] for p in hidden))
        if union and not enough(union):
            return _grow(line, populations, shown)
        if union and union != populations[line.total]:  # all parts hidden: nothing beyond the total is derived
            derived.append((line, union))
    others: list[tuple[Hashable, Population, _Line | None]] = [(k, populations[k], None) for k in published]
    others += [(id(line), union, line) for line, union in derived]
    for line, union in derived:
        for key, population, other_line in others:
            if key == line.total or other_line is line:
                continue
            small, big = (union, population) if len(union) <= len(population) else (population, union)
            if small <= big and not enough(big - small):
                grow = line if other_line is None or len(union) <= len(population) else other_line
                return _grow(grow, populations, shown)
    return False


def _grow(line: _Line, populations: Mapping[CellKey, Population], shown: set[CellKey]) -> bool:
    """Suppress the line's smallest published part, or its total when no part is left to suppress."""
    left = [p for p in line.parts if p in shown]
    shown.discard(min(left, key=lambda p: (len(populations[p]), p)) if left else line.total)
    return True
