"""Supervisor calibration (kalibrering): does each supervisor judge as the others do? For the administration only.

Consistent judgement is part of impartiality: a provider's band should not depend on who happened to lead the visit.
The rule reads the provider-level assessments of completed visits in a period (the provider's pooled result, never a
unit's, so a dagplejer's own score never enters) and, per supervisor who led them:

- **what they led:** how many, how many had a percent (the rest had too little observation to give one), the mean
  percent, and how many fell in each band.
- **against the others on comparable providers** (`compare_with_others`): each of the supervisor's assessments with a
  percent is set against the mean percent of the OTHER supervisors' assessments of comparable providers, and the
  supervisor's difference is the mean of those per-assessment differences, in percentage points (negative: they
  score lower). Comparing assessment by assessment, rather than one mean against another, keeps a supervisor who
  happens to visit weaker providers from looking strict.
  *Comparable* means: the same provider kind and, where the municipality has a socio-economic profile for enough
  providers (`MINIMUM_GROUPED_PROVIDERS`), the same socio-economic quartile; the narrower group is used only when
  the others have at least `MINIMUM_REFERENCE` assessments in it, otherwise the same kind alone; when the others have
  fewer than that in the same kind too, the assessment has no reference and is not compared. The spread is the
  (sample) standard deviation of the per-assessment differences: how much the supervisor varies around their mean
  difference (None below two compared assessments).
- **the flag:** the supervisor's mean difference (as shown, to 0.1) is more than `THRESHOLD_POINTS` points either
  way AND rests on at least `MINIMUM_ASSESSMENTS` compared assessments. With two supervisors the comparison is
  symmetric: the flag says that someone judges differently, not who is right; that is the conversation.
- **against the provider's own observations** (`own_differences`): per area, the mean over the supervisor's visits of
  (supervisor's percent - the provider's own percent), taken from `domain.own_observations.compare`, the very
  comparison the visit's dialogue view shows (its `difference` is own minus supervisor's, so the sign turns here).

Not measured: agreement between a visit's lead supervisor and its co-observer. An observation records who entered it
by display name only (`observed_by`), not by account, and the visit's assessment pools every observation, so the two
observers' scores cannot reliably be told apart. Imported KIDS history names no supervisor and is not read here.

Context (the quartile) only chooses what is compared with what: it never changes an assessment, band or concern.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from domain.context import quartile_of
from domain.own_observations import Comparison

# A supervisor is flagged when their mean difference from the others is more than this many percentage points ...
THRESHOLD_POINTS = 10.0
# ... and rests on at least this many compared assessments.
MINIMUM_ASSESSMENTS = 5
# The others' assessments a group of comparable providers needs before it serves as the reference.
MINIMUM_REFERENCE = 3
# Providers with a socio-economic profile the municipality needs before providers are grouped in quartiles.
MINIMUM_GROUPED_PROVIDERS = 8

K = TypeVar("K", bound=Hashable)
_WHOLE_KIND = 0  # the quartile slot of a group that is the whole kind


class ScoringDirection(StrEnum):
    """Which way a supervisor's scores differ from the others'."""

    LOWER = "lower"
    HIGHER = "higher"

    @property
    def label_da(self) -> str:
        return {"lower": "lavere end de øvrige", "higher": "højere end de øvrige"}[self.value]


class Comparable(StrEnum):
    """The group an assessment was compared within."""

    KIND_AND_QUARTILE = "kind_and_quartile"
    KIND = "kind"


@dataclass(frozen=True)
class Assessed:
    """One provider-level assessment of a completed visit, as calibration reads it."""

    supervisor_id: str  # who led the visit
    provider_kind: str
    quartile: int | None  # the provider's socio-economic quartile (1 lowest .. 4), None when not grouped
    percent: float | None  # None: too little observation to give a percent
    band_key: str | None


@dataclass(frozen=True)
class KindResult:
    """A supervisor's assessments of one provider kind."""

    provider_kind: str
    led: int
    mean_percent: float | None
    compared: int
    mean_difference: float | None


@dataclass(frozen=True)
class SupervisorResult:
    """One supervisor's judgement beside the others'. Differences are in percentage points, supervisor minus others."""

    supervisor_id: str
    led: int
    with_percent: int
    mean_percent: float | None
    bands: Mapping[str, int]  # band key -> how many of their assessments fell in it
    compared: int  # assessments that had a reference among comparable providers
    compared_by_quartile: int  # of those, compared within the same kind and socio-economic quartile
    mean_difference: float | None
    spread: float | None
    flagged: bool
    direction: ScoringDirection | None
    by_kind: tuple[KindResult, ...]


@dataclass(frozen=True)
class AreaDifference:
    """One area: the supervisor's percent minus the provider's own, averaged over the visits where both had one."""

    key: str
    name: str
    visits: int
    mean_difference: float


def _mean(values: Sequence[float]) -> float | None:
    return round(math.fsum(values) / len(values), 1) if values else None


def _spread(values: Sequence[float]) -> float | None:
    """The sample standard deviation, to 0.1; None below two values. In floats: `statistics.stdev` computes exactly,
    in fractions, which cost a municipality's read several milliseconds for nothing shown beyond one decimal."""
    if len(values) < 2:
        return None
    mean = math.fsum(values) / len(values)
    return round(math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)), 1)


def quartiles(values: Mapping[K, float], minimum: int = MINIMUM_GROUPED_PROVIDERS) -> dict[K, int]:
    """Each key's quartile of `values` (domain.context's rule); empty when fewer than `minimum`: too few to group."""
    return quartile_of(values) if len(values) >= minimum else {}


class _Sums:
    """Count and sum of percents per group, for everyone and per supervisor, so 'the others' is a subtraction."""

    def __init__(self, rows: Iterable[Assessed]) -> None:
        self.everyone: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
        self.mine: dict[tuple[str, str, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
        for row in rows:
            if row.percent is None:
                continue
            for group in _groups(row):
                for cell in (self.everyone[group], self.mine[(row.supervisor_id, *group)]):
                    cell[0] += 1
                    cell[1] += row.percent

    def others(self, supervisor_id: str, group: tuple[str, int]) -> tuple[int, float]:
        count, total = self.everyone.get(group, (0.0, 0.0))
        own_count, own_total = self.mine.get((supervisor_id, *group), (0.0, 0.0))
        return int(count - own_count), total - own_total


def _groups(row: Assessed) -> list[tuple[str, int]]:
    """The groups of comparable providers the assessment belongs to, the narrowest first."""
    whole = (row.provider_kind, _WHOLE_KIND)
    return [(row.provider_kind, row.quartile), whole] if row.quartile is not None else [whole]


def _reference(row: Assessed, sums: _Sums, minimum: int = MINIMUM_REFERENCE) -> tuple[float, Comparable] | None:
    """The others' mean percent on providers comparable with the assessment's, and which group it is; None if none."""
    for group in _groups(row):
        count, total = sums.others(row.supervisor_id, group)
        if count >= minimum:
            level = Comparable.KIND if group[1] == _WHOLE_KIND else Comparable.KIND_AND_QUARTILE
            return total / count, level
    return None


def flag(mean_difference: float | None, compared: int) -> ScoringDirection | None:
    """The direction a supervisor is flagged in: more than the threshold either way, on enough assessments."""
    if mean_difference is None or compared < MINIMUM_ASSESSMENTS or abs(mean_difference) <= THRESHOLD_POINTS:
        return None
    return ScoringDirection.LOWER if mean_difference < 0 else ScoringDirection.HIGHER


def _by_kind(rows: Sequence[Assessed], differences: Mapping[int, float]) -> tuple[KindResult, ...]:
    kinds: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        kinds[row.provider_kind].append(index)
    return tuple(
        KindResult(
            provider_kind=kind,
            led=len(indexes),
            mean_percent=_mean([p for i in indexes if (p := rows[i].percent) is not None]),
            compared=sum(1 for i in indexes if i in differences),
            mean_difference=_mean([differences[i] for i in indexes if i in differences]),
        )
        for kind, indexes in sorted(kinds.items())
    )


def _supervisor(supervisor_id: str, rows: Sequence[Assessed], sums: _Sums) -> SupervisorResult:
    differences: dict[int, float] = {}
    by_quartile = 0
    for index, row in enumerate(rows):
        found = None if row.percent is None else _reference(row, sums)
        if found is not None:
            differences[index] = row.percent - found[0]  # type: ignore[operator]
            by_quartile += found[1] is Comparable.KIND_AND_QUARTILE
    values = list(differences.values())
    mean_difference = _mean(values)
    direction = flag(mean_difference, len(values))
    percents = [r.percent for r in rows if r.percent is not None]
    return SupervisorResult(
        supervisor_id=supervisor_id,
        led=len(rows),
        with_percent=len(percents),
        mean_percent=_mean(percents),
        bands=dict(Counter(r.band_key for r in rows if r.band_key is not None)),
        compared=len(values),
        compared_by_quartile=by_quartile,
        mean_difference=mean_difference,
        spread=_spread(values),
        flagged=direction is not None,
        direction=direction,
        by_kind=_by_kind(rows, differences),
    )


def compare_with_others(rows: Sequence[Assessed]) -> dict[str, SupervisorResult]:
    """Each supervisor who led an assessment in `rows`, compared with the others (the module's rule)."""
    sums = _Sums(rows)
    led: dict[str, list[Assessed]] = defaultdict(list)
    for row in rows:
        led[row.supervisor_id].append(row)
    return {supervisor_id: _supervisor(supervisor_id, own, sums) for supervisor_id, own in led.items()}


@dataclass(frozen=True)
class OwnResult:
    """A supervisor's visits compared with the provider's own observations."""

    visits: int  # visits where at least one area had both percents
    areas: tuple[AreaDifference, ...]


def own_differences(comparisons: Iterable[Comparison]) -> OwnResult:
    """Per area: the mean of (supervisor's percent - the provider's own) over visits where both had a percent.

    Each comparison is one visit's, from `domain.own_observations.compare`; areas are matched by key, in the order
    first seen, with the name first seen.
    """
    names: dict[str, str] = {}
    values: dict[str, list[float]] = defaultdict(list)
    visits = 0
    for comparison in comparisons:
        compared = [area for area in comparison.areas if area.difference is not None]
        visits += bool(compared)
        for area in comparison.areas:
            names.setdefault(area.key, area.name)
        for area in compared:
            values[area.key].append(-area.difference)  # type: ignore[operator]
    areas = tuple(
        AreaDifference(key, name, len(values[key]), _mean(values[key]))  # type: ignore[arg-type]
        for key, name in names.items()
        if values[key]
    )
    return OwnResult(visits, areas)
