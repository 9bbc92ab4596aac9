"""The provider's own observations (egne observationer): what they are for, which visit they sit beside, and how
they are compared with the supervisor's.

Kolding's framework lets "leader and staff make KIDS observations themselves, which can enter the discussion with
the supervisor". They are recorded with the municipality's instrument, scored by the same functions as the
supervisor's (`domain.instruments.pool`), and shown beside the supervisor's in the visit's dialogue and evidence,
marked `source: provider`. Where the two see a theme differently is the conversation.

They never count: no assessment, band, concern or escalation is ever computed from them. The only code that reads
them is the side-by-side view; the assessment reads the visit's observations and nothing else.

Which own observations sit beside a visit (`period_of_visit`): those observed after the previous completed visit
to the same provider was held, up to and including the day the visit was held. The visit's own day is included,
so an own observation made alongside the supervisor's counts for that visit; the previous visit's day is not,
because that observation belonged to the previous visit. A visit not yet held takes everything since the previous
visit (nothing observed later than today exists). Without a previous completed visit there is no lower limit.
Each own observation thereby belongs to exactly one visit's period.

The comparison (`compare`): per area and per theme, the supervisor's percent and the provider's own percent, each
over all scored items of its observations pooled (as the provider-level assessment pools units), both shown
rounded down to one decimal (`shown_percent`), and the difference `provider - supervisor` of the shown values. A
part is flagged when the two differ by more than `DIFFERENCE_THRESHOLD` percentage points. Only own observations
made with the visit's instrument version are compared; others are listed, not compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.instruments import Instrument, PartScore, pool

# Percentage points by which the supervisor's and the provider's own percent of an area or theme may differ before
# the part is flagged as one to talk about.
DIFFERENCE_THRESHOLD = 15.0


class ObservationSource(StrEnum):
    """Who made an observation: the supervisor during a visit, or the provider's own leader and staff."""

    SUPERVISOR = "supervisor"
    PROVIDER = "provider"

    @property
    def label_da(self) -> str:
        return {"supervisor": "tilsynets observation", "provider": "dagtilbuddets egen observation"}[self.value]


@dataclass(frozen=True)
class Period:
    """The days whose own observations sit beside a visit: after `after` (exclusive) up to `up_to` (inclusive).

    None at either end means no limit there.
    """

    after: date | None
    up_to: date | None

    def contains(self, day: date) -> bool:
        return (self.after is None or day > self.after) and (self.up_to is None or day <= self.up_to)


def period_of_visit(visit_held_on: date | None, previous_held_on: date | None) -> Period:
    """The period a visit covers for own observations (the module's rule).

    `visit_held_on` is None for a visit not yet held; `previous_held_on` is the day the provider's latest completed
    visit before this one was held, None if there is none.
    """
    if visit_held_on is not None and previous_held_on is not None and previous_held_on >= visit_held_on:
        raise ValueError("The previous visit must have been held before this one.")
    return Period(previous_held_on, visit_held_on)


@dataclass(frozen=True)
class PartComparison:
    """One area or theme as the supervisor and the provider's own observations see it."""

    key: str
    name: str
    supervisor_percent: float | None
    provider_percent: float | None
    difference: float | None  # provider - supervisor, in percentage points of the shown values; None if one is
    differs: bool  # the two differ by more than the threshold
    supervisor_scored: int
    provider_scored: int


@dataclass(frozen=True)
class Comparison:
    areas: tuple[PartComparison, ...]
    themes: tuple[PartComparison, ...]
    threshold: float


def difference(supervisor: float | None, provider: float | None) -> float | None:
    """`provider - supervisor` in percentage points, to one decimal; None when either has no percent."""
    if supervisor is None or provider is None:
        return None
    return round(provider - supervisor, 1)


def differs(diff: float | None, threshold: float = DIFFERENCE_THRESHOLD) -> bool:
    """Whether a difference is large enough to flag: more than `threshold` percentage points either way."""
    return diff is not None and abs(diff) > threshold


def _compared(supervisor: PartScore, provider: PartScore, threshold: float) -> PartComparison:
    ours, theirs = supervisor.display_percent, provider.display_percent
    diff = difference(ours, theirs)
    return PartComparison(
        supervisor.key,
        supervisor.name,
        ours,
        theirs,
        diff,
        differs(diff, threshold),
        supervisor.scored,
        provider.scored,
    )


def compare(
    instrument: Instrument,
    supervisor_scores: Sequence[Mapping[str, int | None]],
    provider_scores: Sequence[Mapping[str, int | None]],
    threshold: float = DIFFERENCE_THRESHOLD,
) -> Comparison:
    """The per-area and per-theme comparison, each side pooled by the assessment's own scoring (`pool`).

    The coverage threshold is irrelevant to parts (it only withholds a total), so 1 is passed.
    """
    ours = pool(instrument, supervisor_scores, 1)
    theirs = pool(instrument, provider_scores, 1)
    areas = tuple(_compared(s, p, threshold) for s, p in zip(ours.areas, theirs.areas, strict=True))
    themes = tuple(_compared(s, p, threshold) for s, p in zip(ours.themes, theirs.themes, strict=True))
    return Comparison(areas, themes, threshold)
