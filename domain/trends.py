"""Trends across supervisions: how the assessments, the escalations and the follow-up moved from one period to the next.

The development purpose of supervision lives in change over time, and the council discusses the daycare area at least
every second year (domain.law, Duty.POLITICAL_DISCUSSION). Everything here is a pure function over plain
records (the `...Fact` dataclasses) that `api.services.trends` reads set-based:
- the band and concern distribution of a period (each provider counted once: its latest scored assessment as a
  whole in the period), now against the period before, per provider kind too;
- the movement between bands (from X to Y, how many providers);
- the average percent of each area and theme, now against before;
- outcomes (domain.trend_outcomes): time under intensified supervision, action plans, reports published in time and
  recommendations followed up.

Imported KIDS history (`AssessmentSource.IMPORTED`) counts as an assessment: its total is the mean of its areas and
its band the policy's band for that total (`imported_assessment`); the history has no supervisor's judgement, so its
concern is what the band implies. A dagplejer is a person: `shows_unit_result` says who may see one's result.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.access import Role
from domain.cycle import add_months
from domain.errors import invalid
from domain.instruments import shown_percent
from domain.policy import Band, ConcernLevel, SupervisionPolicy
from domain.providers import ProviderKind, UnitKind

DEFAULT_PERIOD_MONTHS = 24  # the council's rhythm (§3a stk. 5) and the report duty's cycle


class AssessmentSource(StrEnum):
    """Where an assessment comes from: a visit of this service, or the KIDS history a municipality imported."""

    VISIT = "visit"
    IMPORTED = "imported"

    @property
    def label_da(self) -> str:
        return {AssessmentSource.VISIT: "tilsynsbesøg", AssessmentSource.IMPORTED: "importeret historik"}[self]


class PartKind(StrEnum):
    """An instrument's parts: areas (områder) and themes (temaer)."""

    AREA = "area"
    THEME = "theme"


class MovementDirection(StrEnum):
    """Which way a provider moved between two periods' bands."""

    UP = "up"
    SAME = "same"
    DOWN = "down"


@dataclass(frozen=True, order=True)
class Window:
    """A period of days, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise invalid("query.period_from", "A period's first day cannot come after its last day.")

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Window:
        """The equally long period just before this one: as many whole months when the window is whole months (the
        last two years against the two before), otherwise as many days."""
        end = self.start - timedelta(days=1)
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        for m in (months, months + 1):
            if m > 0 and add_months(self.end, -m) + timedelta(days=1) == self.start:
                return Window(add_months(end, -m) + timedelta(days=1), end)
        return Window(end - timedelta(days=self.days - 1), end)


def default_window(today: date, months: int = DEFAULT_PERIOD_MONTHS) -> Window:
    """The last `months` (two years) up to and including `today`."""
    return Window(add_months(today, -months) + timedelta(days=1), today)


@dataclass(frozen=True)
class PartFact:
    """One area's or theme's percent in an assessment."""

    kind: PartKind
    key: str
    name: str
    percent: float


@dataclass(frozen=True)
class AssessmentFact:
    """One assessment as trends read it: for the provider as a whole (`unit_id` None) or one unit."""

    provider_id: str
    unit_id: str | None
    provider_kind: ProviderKind
    assessed_on: date
    band_key: str | None  # None when unscored (an unannounced snapshot, insufficient observation)
    concern: ConcernLevel
    percent: float | None
    parts: tuple[PartFact, ...] = ()
    source: AssessmentSource = AssessmentSource.VISIT

    @property
    def scored(self) -> bool:
        return self.band_key is not None and self.percent is not None


def imported_assessment(
    policy: SupervisionPolicy,
    *,
    provider_id: str,
    unit_id: str | None,
    provider_kind: ProviderKind,
    assessed_on: date,
    parts: Sequence[PartFact],
) -> AssessmentFact:
    """An imported KIDS result as an assessment: the total is the mean of its areas (rounded down to one decimal, as
    every percent is shown), the band the policy's band for it, and the concern what that band implies."""
    areas = [p.percent for p in parts if p.kind is PartKind.AREA]
    percent = shown_percent(statistics.fmean(areas)) if areas else None
    band = policy.band_for(percent) if percent is not None else None
    concern = band.concern if band else ConcernLevel.NONE
    return AssessmentFact(
        provider_id,
        unit_id,
        provider_kind,
        assessed_on,
        band.key if band else None,
        concern,
        percent,
        tuple(parts),
        AssessmentSource.IMPORTED,
    )


def _later(a: AssessmentFact, b: AssessmentFact) -> bool:
    """Whether `a` is the later assessment; on one day a visit's outranks the imported history."""
    return (a.assessed_on, a.source is AssessmentSource.VISIT) > (b.assessed_on, b.source is AssessmentSource.VISIT)


def latest_per_provider(facts: Iterable[AssessmentFact], window: Window) -> dict[str, AssessmentFact]:
    """Each provider's latest scored assessment as a whole in the window: the one result a period counts for it."""
    latest: dict[str, AssessmentFact] = {}
    for f in facts:
        if f.unit_id is None and f.scored and window.contains(f.assessed_on):
            held = latest.get(f.provider_id)
            if held is None or _later(f, held):
                latest[f.provider_id] = f
    return latest


@dataclass(frozen=True)
class BandCount:
    band_key: str
    label_da: str
    providers: int


@dataclass(frozen=True)
class ConcernCount:
    concern: ConcernLevel
    providers: int


@dataclass(frozen=True)
class Distribution:
    """How many providers a period counts in each band (high to low) and at each concern level, and how many of
    those rest on imported history."""

    window: Window
    bands: tuple[BandCount, ...]
    concerns: tuple[ConcernCount, ...]
    providers: int
    imported: int
    mean_percent: float | None


def distribution(latest: Mapping[str, AssessmentFact], window: Window, bands: Sequence[Band]) -> Distribution:
    """The band and concern distribution of one period's results (`latest_per_provider`)."""
    by_band = Counter(f.band_key for f in latest.values())
    by_concern = Counter(f.concern for f in latest.values())
    known = {b.key for b in bands}
    counts = [BandCount(b.key, b.label_da, by_band.get(b.key, 0)) for b in _high_to_low(bands)]
    # A band of an earlier policy, no longer in the table, still counts (under its own key).
    counts += [BandCount(k, k, n) for k, n in sorted(by_band.items(), key=lambda kv: str(kv[0])) if k not in known]
    percents = [f.percent for f in latest.values() if f.percent is not None]
    return Distribution(
        window,
        tuple(counts),
        tuple(ConcernCount(c, by_concern.get(c, 0)) for c in ConcernLevel),
        len(latest),
        sum(1 for f in latest.values() if f.source is AssessmentSource.IMPORTED),
        _mean(percents),
    )


def _high_to_low(bands: Sequence[Band]) -> list[Band]:
    return sorted(bands, key=lambda b: b.lower_bound, reverse=True)


@dataclass(frozen=True)
class Movement:
    """How many providers went from one band (the period before) to another (now)."""

    from_band: str
    to_band: str
    direction: MovementDirection
    providers: int


def movements(
    before: Mapping[str, AssessmentFact], now: Mapping[str, AssessmentFact], bands: Sequence[Band]
) -> tuple[Movement, ...]:
    """The movement between bands of the providers with a result in both periods, the biggest flows first."""
    rank = {b.key: i for i, b in enumerate(sorted(bands, key=lambda b: b.lower_bound))}
    flows = Counter((before[p].band_key, now[p].band_key) for p in now.keys() & before.keys())
    out = []
    for (a, b), n in flows.items():
        ra, rb = rank.get(a or "", -1), rank.get(b or "", -1)
        direction = MovementDirection.SAME if a == b else MovementDirection.UP if rb > ra else MovementDirection.DOWN
        out.append(Movement(a or "", b or "", direction, n))
    return tuple(sorted(out, key=lambda m: (-m.providers, -rank.get(m.from_band, -1), -rank.get(m.to_band, -1))))


@dataclass(frozen=True)
class PartTrend:
    """One area's or theme's average percent over the providers that have it, now and in the period before."""

    kind: PartKind
    key: str
    name: str
    now: float | None
    now_providers: int
    before: float | None
    before_providers: int

    @property
    def change(self) -> float | None:
        return None if self.now is None or self.before is None else round(self.now - self.before, 1)


def part_trends(before: Mapping[str, AssessmentFact], now: Mapping[str, AssessmentFact]) -> tuple[PartTrend, ...]:
    """Per area and theme, the mean of the providers' latest results now and before (areas first, then themes)."""
    names: dict[tuple[PartKind, str], str] = {}
    values: dict[tuple[PartKind, str], tuple[list[float], list[float]]] = {}
    for i, period in enumerate((now, before)):
        for f in period.values():
            for p in f.parts:
                key = (p.kind, p.key)
                if p.name and (key not in names or i == 0):
                    names[key] = p.name
                values.setdefault(key, ([], []))[i].append(p.percent)
    order = {PartKind.AREA: 0, PartKind.THEME: 1}
    return tuple(
        PartTrend(kind, key, names.get((kind, key), key), _mean(n), len(n), _mean(b), len(b))
        for (kind, key), (n, b) in sorted(values.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    )


def _mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


# --- one provider over time --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeSeries:
    """One scope's assessments over time (the provider as a whole, or one unit), oldest first."""

    unit_id: str | None
    points: tuple[AssessmentFact, ...]

    def part_series(self) -> dict[tuple[PartKind, str], tuple[tuple[date, float], ...]]:
        """Each area's and theme's percent over time."""
        series: dict[tuple[PartKind, str], list[tuple[date, float]]] = {}
        for f in self.points:
            for p in f.parts:
                series.setdefault((p.kind, p.key), []).append((f.assessed_on, p.percent))
        return {k: tuple(v) for k, v in series.items()}


def provider_series(facts: Iterable[AssessmentFact]) -> tuple[ScopeSeries, ...]:
    """A provider's assessments per scope, oldest first: the provider as a whole first, then each unit."""
    scopes: dict[str | None, list[AssessmentFact]] = {}
    for f in facts:
        scopes.setdefault(f.unit_id, []).append(f)
    ordered = sorted(scopes.items(), key=lambda kv: (kv[0] is not None, kv[0] or ""))
    return tuple(
        ScopeSeries(unit_id, tuple(sorted(points, key=lambda f: (f.assessed_on, f.source is AssessmentSource.VISIT))))
        for unit_id, points in ordered
    )


SEES_DAGPLEJER_RESULTS = frozenset({Role.ADMIN, Role.SUPERVISOR})


def shows_unit_result(unit_kind: UnitKind, role: Role) -> bool:
    """Whether `role` sees a unit's own percent, band and concern: a dagplejer is a person, so a dagplejer's result
    stays with the administration and its supervisors (domain.reports counts them in the combined report, unnamed).
    A department's result is the institution's, shown to all who see the provider's trend."""
    return unit_kind is not UnitKind.CHILDMINDER or role in SEES_DAGPLEJER_RESULTS
