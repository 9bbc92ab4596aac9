"""Anonymised benchmarks across a network of municipalities: the cells, their figures, and who sees what.

Each member's providers go in as plain facts (`ProviderFacts`, one per provider, tagged with its municipality),
built by `provider_facts` from what the trends and compliance already compute (the band of each provider's latest
result, domain.trend_outcomes' deadlines for action plans and reports, domain.compliance's verdicts): a band or a
rate is never computed a second way here.

A benchmark table has cells along three dimensions, provider kind, part (the whole result, or one area or theme)
and band, for these measures (`Measure`): the band distribution, the share under concern, the share under
intensified supervision and the median length of the periods that ended, the action plans completed in time, the
reports published in time, and the share of providers that meet every legal minimum. Which cells a caller sees is
the suppression rule (domain.benchmark_suppression); beside each shown cell the caller sees its own figure.

Names. A municipality's name appears beside a figure only where it agreed (`named_beside_figures`), and only
beside a cell whose population says nothing about its providers: a kind's or the network's totals. Beside a band
or the providers that had an action plan or an intensified period the name would tell which municipality has such
a provider (and a kind a municipality has one of, like its dagpleje, would name that provider), so never there.
No provider's or person's name or id is ever part of a benchmark: cells carry counts and rates only.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.benchmark_suppression import CellKey, Population, published_cells
from domain.networks import BenchmarkThresholds
from domain.policy import ConcernLevel, SupervisionPolicy
from domain.providers import ProviderKind
from domain.trend_outcomes import (
    ActionPlanFact,
    IntensifiedFact,
    ReportFact,
    action_plan_summary,
    ended_days,
    intensified_periods,
    publication_summary,
)
from domain.trends import AssessmentFact, Window

WHOLE = ""  # the part of a cell that is the whole result, not one area or theme


class Measure(StrEnum):
    """What a benchmark cell counts."""

    BANDS = "bands"  # providers per band of their latest result in the period (whole, or one area or theme)
    UNDER_CONCERN = "under_concern"  # share whose latest result is bekymring or alvorlig bekymring
    INTENSIFIED = "intensified"  # share under intensified supervision (skærpet tilsyn) at some time in the period
    INTENSIFIED_DAYS = "intensified_days"  # median days of the intensified periods that ended in the period
    ACTION_PLANS_IN_TIME = "action_plans_in_time"  # share of completed action plans completed by their goals' deadline
    REPORTS_IN_TIME = "reports_in_time"  # share of judged visit reports published by the policy's deadline
    COMPLIANT = "compliant"  # share of providers that meet every legal minimum in their current cycle

    @property
    def label_da(self) -> str:
        return _LABELS[self]

    @property
    def sensitive_population(self) -> bool:
        """Whether being counted in the measure at all says something about a provider (it had an intensified period
        that ended, or an action plan): no name ever stands beside such a cell."""
        return self in (Measure.INTENSIFIED_DAYS, Measure.ACTION_PLANS_IN_TIME)


_LABELS = {
    Measure.BANDS: "fordeling på niveauer",
    Measure.UNDER_CONCERN: "andel med bekymring",
    Measure.INTENSIFIED: "andel under skærpet tilsyn",
    Measure.INTENSIFIED_DAYS: "varighed af skærpet tilsyn (median, dage)",
    Measure.ACTION_PLANS_IN_TIME: "handleplaner gennemført til tiden",
    Measure.REPORTS_IN_TIME: "rapporter offentliggjort til tiden",
    Measure.COMPLIANT: "andel der opfylder minimumskravene",
}


def part_id(kind: str, key: str) -> str:
    """A part's id in a cell: `area:<key>` or `theme:<key>`."""
    return f"{kind}:{key}"


@dataclass(frozen=True)
class ProviderFacts:
    """One provider's facts for the period, as a benchmark counts them. Never shown: only the cells are."""

    provider_id: str
    municipality_id: str
    kind: ProviderKind
    band_key: str | None = None  # its latest result as a whole in the period; None: no scored result
    concern: ConcernLevel | None = None
    part_bands: tuple[tuple[str, str], ...] = ()  # (part id, band key) of that result's areas and themes
    intensified: bool = False
    intensified_days: tuple[int, ...] = ()  # the intensified periods that ended in the period, in days
    plans_completed: int = 0
    plans_in_time: int = 0
    reports_judged: int = 0
    reports_in_time: int = 0
    compliant: bool | None = None  # None: not checked


def provider_facts(
    municipality_id: str,
    policy: SupervisionPolicy,
    window: Window,
    as_of: date,
    *,
    kinds: Mapping[str, ProviderKind],
    latest: Mapping[str, AssessmentFact],
    intensified: Sequence[IntensifiedFact] = (),
    action_plans: Sequence[ActionPlanFact] = (),
    reports: Sequence[ReportFact] = (),
    compliant: Mapping[str, bool] | None = None,
) -> list[ProviderFacts]:
    """Each of a member's providers as facts: the rules of domain.trends, domain.trend_outcomes and
    domain.compliance (already applied to `compliant`) applied per provider, under the member's own policy."""
    episodes, plans, visits = _by_provider(intensified), _by_provider(action_plans), _by_provider(reports)
    facts = []
    for provider_id, kind in kinds.items():
        result = latest.get(provider_id)
        running, ended = intensified_periods(episodes[provider_id], window, as_of)
        plan = action_plan_summary(plans[provider_id], window, as_of)
        published = publication_summary(visits[provider_id], window, policy, as_of)
        facts.append(
            ProviderFacts(
                provider_id,
                municipality_id,
                kind,
                band_key=result.band_key if result else None,
                concern=result.concern if result else None,
                part_bands=tuple(
                    (part_id(p.kind, p.key), policy.band_for(p.percent).key)
                    for p in (result.parts if result else ())
                    if 0 <= p.percent <= 100
                ),
                intensified=bool(running),
                intensified_days=tuple(ended_days(ended)),
                plans_completed=plan.completed_in_time + plan.completed_late,
                plans_in_time=plan.completed_in_time,
                reports_judged=published.in_time + published.late + published.missing,
                reports_in_time=published.in_time,
                compliant=(compliant or {}).get(provider_id),
            )
        )
    return facts


def _by_provider(facts: Iterable) -> defaultdict[str, list]:
    grouped: defaultdict[str, list] = defaultdict(list)
    for f in facts:
        grouped[f.provider_id].append(f)
    return grouped


# --- the cells ---------------------------------------------------------------------------------------------------


def _coordinates(f: ProviderFacts) -> Iterable[tuple[Measure, str, str | None]]:
    """Where a provider counts: (measure, part, band) for each measure whose population it belongs to."""
    if f.band_key is not None:
        yield Measure.BANDS, WHOLE, f.band_key
        yield Measure.UNDER_CONCERN, WHOLE, None
    for part, band in f.part_bands:
        yield Measure.BANDS, part, band
    yield Measure.INTENSIFIED, WHOLE, None
    if f.intensified_days:
        yield Measure.INTENSIFIED_DAYS, WHOLE, None
    if f.plans_completed:
        yield Measure.ACTION_PLANS_IN_TIME, WHOLE, None
    if f.reports_judged:
        yield Measure.REPORTS_IN_TIME, WHOLE, None
    if f.compliant is not None:
        yield Measure.COMPLIANT, WHOLE, None


_VALUES: dict[StrEnum, str] = {**{m: m.value for m in Measure}, **{k: k.value for k in ProviderKind}}


def populations(facts: Iterable[ProviderFacts]) -> dict[CellKey, Population]:
    """Every cell the facts fill, with the providers it rests on: each kind and all kinds, each band and all bands."""
    cells: dict[tuple, set[str]] = defaultdict(set)
    for f in facts:
        kinds = (_VALUES[f.kind], None)
        for measure, part, band in _coordinates(f):
            for kind in kinds:
                cells[(_VALUES[measure], part, kind, None)].add(f.provider_id)
                if band is not None:
                    cells[(_VALUES[measure], part, kind, band)].add(f.provider_id)
    return {CellKey(*key): frozenset(providers) for key, providers in cells.items()}


@dataclass(frozen=True)
class Figure:
    """A cell's figure: how many providers from how many municipalities it rests on, what it counts (providers in
    the band, under concern; periods; plans; reports; compliant providers) and its value (a percent, or days)."""

    providers: int
    municipalities: int
    count: int
    value: float | None


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def figure(key: CellKey, facts: Sequence[ProviderFacts], row_total: int | None = None) -> Figure:
    """The figure of one cell over the facts of its population (`row_total`: the providers of its row, for a band's
    share; None when that total is not shown)."""
    n, municipalities = len(facts), len({f.municipality_id for f in facts})
    measure = Measure(key.measure)
    if measure is Measure.BANDS:
        return Figure(n, municipalities, n, _share(n, row_total) if key.band is not None and row_total else None)
    if measure is Measure.UNDER_CONCERN:
        count = sum(1 for f in facts if f.concern not in (None, ConcernLevel.NONE))
        return Figure(n, municipalities, count, _share(count, n))
    if measure is Measure.INTENSIFIED:
        count = sum(1 for f in facts if f.intensified)
        return Figure(n, municipalities, count, _share(count, n))
    if measure is Measure.INTENSIFIED_DAYS:
        days = [d for f in facts for d in f.intensified_days]
        return Figure(n, municipalities, len(days), float(statistics.median(days)) if days else None)
    if measure is Measure.ACTION_PLANS_IN_TIME:
        done, in_time = sum(f.plans_completed for f in facts), sum(f.plans_in_time for f in facts)
        return Figure(n, municipalities, done, _share(in_time, done))
    if measure is Measure.REPORTS_IN_TIME:
        judged, in_time = sum(f.reports_judged for f in facts), sum(f.reports_in_time for f in facts)
        return Figure(n, municipalities, judged, _share(in_time, judged))
    count = sum(1 for f in facts if f.compliant)
    return Figure(n, municipalities, count, _share(count, n))


@dataclass(frozen=True)
class BenchmarkCell:
    """A shown cell: the network's figure, the caller's own beside it (None: none of its providers is in the cell)
    and the ids of the municipalities named beside it."""

    key: CellKey
    network: Figure
    own: Figure | None
    named: tuple[str, ...]


def names_may_stand_beside(key: CellKey) -> bool:
    """Whether names may stand beside a cell at all: not beside a band, nor a measure whose population tells."""
    return key.band is None and not Measure(key.measure).sensitive_population


def benchmark_table(
    facts: Sequence[ProviderFacts],
    thresholds: BenchmarkThresholds,
    caller: str | None,
    *,
    named: Iterable[str] = (),
) -> tuple[BenchmarkCell, ...]:
    """The cells `caller` (a member's municipality id) may see, with its own figure beside each; `named` are the
    members that agreed to their names beside figures."""
    by_id = {f.provider_id: f for f in facts}
    cells = populations(facts)
    municipality_of = {f.provider_id: f.municipality_id for f in facts}
    shown = published_cells(cells, municipality_of, thresholds, caller)
    agreed = frozenset(named)
    own = frozenset(f.provider_id for f in facts if f.municipality_id == caller)
    out = []
    for key in sorted(shown):
        row = CellKey(key.measure, key.part, key.kind, None)
        own_members = [by_id[p] for p in cells[key] & own]
        members = [by_id[p] for p in cells[key]]
        out.append(
            BenchmarkCell(
                key,
                figure(key, members, len(cells[row]) if row in shown else None),
                figure(key, own_members, len(cells[row] & own)) if own_members else None,
                tuple(sorted({f.municipality_id for f in members} & agreed)) if names_may_stand_beside(key) else (),
            )
        )
    return tuple(out)
