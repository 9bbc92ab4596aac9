"""Context beside the score: the providers' results grouped by a context indicator (the socio-economic profile).

A committee sees whether quality follows social background by grouping each provider's result in quartiles of the
indicator's latest value. Context never changes a band or a concern: the bar is the same for every child. So the
grouping takes the results (frozen `AssessmentFact`s) and hands back the very same objects, sorted into groups; it
has no way to write a band, and a property test (tests/domain/test_context.py) shows every provider's band and
concern in the groups equal the input's.

What a role sees of a group is the small-number rule of domain.indicators (`present`, applied to the group's mean
percent with its number of providers as the base): beyond admin and supervisors a group of fewer providers than the
indicator's threshold shows its counts as "<5" and no mean. The indicator's own values (a group's range) are shown
only to roles that see the indicator (`visible_to`): the socio-economic profile is not publishable by default.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from domain.access import Role
from domain.indicators import SEES_RAW_NUMBERS, IndicatorDefinition, present, visible_to
from domain.policy import Band, ConcernLevel
from domain.trends import AssessmentFact

CONTEXT_INDICATOR = "socio_economic_profile"  # the default catalogue's key (domain.indicator_catalogue)
GROUPS = 4  # quartiles
K = TypeVar("K", bound=Hashable)


def quartile_of(values: Mapping[K, float]) -> dict[K, int]:
    """Each key's quartile of `values`, 1 (lowest) to 4: 1 + floor(4 x (how many have a strictly lower value) / n).

    Equal values share a quartile, so the split does not depend on the order of ties. The one quartile rule of the
    service: the context beside the score and the supervisors' calibration both group by it.
    """
    ordered = sorted(values.values())
    strictly_lower: dict[float, int] = {}
    for index, value in enumerate(ordered):
        strictly_lower.setdefault(value, index)
    return {key: 1 + GROUPS * strictly_lower[value] // len(ordered) for key, value in values.items()}


@dataclass(frozen=True)
class ContextGroup:
    """One quartile (1 = the lowest values of the indicator): its range and the results of its providers. Number 0
    holds the providers without a value (no range)."""

    number: int
    low: float | None
    high: float | None
    results: tuple[AssessmentFact, ...]


@dataclass(frozen=True)
class Grouping:
    """The results grouped by context; `without_context` holds the results of providers with no value."""

    groups: tuple[ContextGroup, ...]
    without_context: tuple[AssessmentFact, ...]

    @property
    def unplaced(self) -> ContextGroup:
        """The providers without a context value, as group 0."""
        return ContextGroup(0, None, None, self.without_context)


def group_by_context(results: Mapping[str, AssessmentFact], context: Mapping[str, float]) -> Grouping:
    """Group each provider's result (by provider id) in quartiles of its context value.

    Providers are ranked by value (then id, so the split is reproducible); equal values share the quartile of the
    first of them. The results are passed through untouched: a group holds the same objects it was given.
    """
    ranked = sorted((p for p in results if p in context), key=lambda p: (context[p], p))
    numbers = quartile_of({p: context[p] for p in ranked})
    groups = []
    for number in range(1, GROUPS + 1):
        members = [p for p in ranked if numbers[p] == number]
        if members:
            values = [context[p] for p in members]
            groups.append(ContextGroup(number, min(values), max(values), tuple(results[p] for p in members)))
    without = tuple(results[p] for p in sorted(results) if p not in context)
    return Grouping(tuple(groups), without)


@dataclass(frozen=True)
class Shown:
    """A count as a role may see it: `value` None and `display` "<5" when the small-number rule hides it."""

    value: int | None
    display: str


@dataclass(frozen=True)
class ShownGroup:
    """A group as a role may see it."""

    number: int
    low: float | None  # the indicator's range in the group: only for roles that see the indicator
    high: float | None
    providers: Shown
    bands: tuple[tuple[str, str, Shown], ...]  # band key, Danish label, count (high to low)
    concerns: tuple[tuple[ConcernLevel, Shown], ...]
    mean_percent: float | None
    suppressed: bool
    provider_ids: tuple[str, ...] | None  # which providers: only for admin and supervisors


def shown_group(group: ContextGroup, indicator: IndicatorDefinition, bands: Sequence[Band], role: Role) -> ShownGroup:
    """`group` as `role` may see it, by the small-number rule of domain.indicators."""
    results = group.results
    percents = [r.percent for r in results if r.percent is not None]
    mean = round(statistics.fmean(percents), 1) if percents else 0.0
    presented = present(indicator, mean, len(results), role)
    hidden = presented.suppressed

    def shown(count: int) -> Shown:
        return Shown(None, presented.display) if hidden else Shown(count, str(count))

    by_band, by_concern = Counter(r.band_key for r in results), Counter(r.concern for r in results)
    in_order = sorted(bands, key=lambda b: b.lower_bound, reverse=True)
    sees_values = visible_to(indicator, role) and not hidden
    return ShownGroup(
        number=group.number,
        low=group.low if sees_values else None,
        high=group.high if sees_values else None,
        providers=shown(len(results)),
        bands=tuple((b.key, b.label_da, shown(by_band.get(b.key, 0))) for b in in_order),
        concerns=tuple((c, shown(by_concern.get(c, 0))) for c in ConcernLevel),
        mean_percent=None if hidden or not percents else presented.value,
        suppressed=hidden,
        provider_ids=tuple(r.provider_id for r in results) if role in SEES_RAW_NUMBERS else None,
    )
