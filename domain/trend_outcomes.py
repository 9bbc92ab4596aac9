"""What came of the supervision in a period: intensified supervision and how it ended, action plans and their outcome,
reports published in time and recommendations followed up; and a municipality's whole trend (`municipality_trends`).

Pure functions over plain records, like domain.trends. Each deadline is the one the rest of the service applies:
- a visit's report is in time when first published by the policy's `report_published_days` after the visit
  (`domain.cycle.due_after`, the rule compliance's documentation minimum uses); the dagpleje's visits to single
  dagplejere feed its one combined report, so they have no deadline of their own (as in domain.compliance);
- an action plan is approved in time by its `due_on` (the policy's `action_plan_days` after the serious concern),
  and completed in time by the last deadline of its own goals;
- a recommendation is followed up when done; one still to do after its `due_on` is overdue.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from domain.cycle import due_after
from domain.policy import SupervisionPolicy
from domain.providers import ProviderKind
from domain.states import RecommendationStatus
from domain.trends import (
    AssessmentFact,
    Distribution,
    Movement,
    PartTrend,
    Window,
    distribution,
    latest_per_provider,
    movements,
    part_trends,
)

# --- intensified supervision ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntensifiedFact:
    """One period of intensified supervision (skærpet tilsyn) of a provider."""

    provider_id: str
    started_on: date
    ended_on: date | None
    with_action_plan: bool


@dataclass(frozen=True)
class EndedWith:
    """How many periods that ended in the window ended on a provider result in a band (`band_key` None: unscored)."""

    band_key: str | None
    periods: int


@dataclass(frozen=True)
class IntensifiedSummary:
    """Intensified supervision in a window: how many ran, started, ended and still run at its end; how long the ended
    ones lasted (days); and the band of the provider's latest assessment by the day each ended."""

    running: int
    providers: int  # the providers those periods were of (a provider can have had two in the window)
    started: int
    ended: int
    ongoing_at_end: int
    with_action_plan: int
    median_days: float | None
    mean_days: float | None
    longest_days: int | None
    ongoing_days_median: float | None
    ended_with: tuple[EndedWith, ...]


def intensified_periods(
    episodes: Iterable[IntensifiedFact], window: Window, as_of: date
) -> tuple[list[IntensifiedFact], list[IntensifiedFact]]:
    """The periods that ran at some time in `window` (up to `as_of`), and those of them that ended in it."""
    end = min(window.end, as_of)
    running = [e for e in episodes if e.started_on <= end and (e.ended_on is None or e.ended_on >= window.start)]
    ended = [e for e in running if window.contains(e.ended_on) and e.ended_on <= end]  # type: ignore[operator]
    return running, ended


def ended_days(ended: Iterable[IntensifiedFact]) -> list[int]:
    """How many days each ended period lasted."""
    return [(e.ended_on - e.started_on).days for e in ended]  # type: ignore[operator]


def intensified_summary(
    episodes: Iterable[IntensifiedFact], assessments: Sequence[AssessmentFact], window: Window, as_of: date
) -> IntensifiedSummary:
    """The periods of intensified supervision that overlap `window`, counted as of `as_of`."""
    end = min(window.end, as_of)
    running, ended = intensified_periods(episodes, window, as_of)
    ongoing = [e for e in running if e.ended_on is None or e.ended_on > end]
    days = ended_days(ended)
    ongoing_days = [(end - e.started_on).days for e in ongoing]
    by_provider: dict[str, list[AssessmentFact]] = {}
    for a in assessments:
        if a.unit_id is None:
            by_provider.setdefault(a.provider_id, []).append(a)
    bands = Counter(_band_at_end(e, by_provider.get(e.provider_id, ())) for e in ended)
    return IntensifiedSummary(
        running=len(running),
        providers=len({e.provider_id for e in running}),
        started=sum(1 for e in running if window.contains(e.started_on)),
        ended=len(ended),
        ongoing_at_end=len(ongoing),
        with_action_plan=sum(1 for e in running if e.with_action_plan),
        median_days=statistics.median(days) if days else None,
        mean_days=round(statistics.fmean(days), 1) if days else None,
        longest_days=max(days) if days else None,
        ongoing_days_median=statistics.median(ongoing_days) if ongoing_days else None,
        ended_with=tuple(EndedWith(k, n) for k, n in sorted(bands.items(), key=lambda kv: (-kv[1], kv[0] or ""))),
    )


def _band_at_end(episode: IntensifiedFact, own: Sequence[AssessmentFact]) -> str | None:
    """The band of the provider's latest assessment after the start and by the end (the one the decision rests on)."""
    found = [a for a in own if episode.started_on < a.assessed_on <= episode.ended_on]  # type: ignore[operator]
    return max(found, key=lambda a: a.assessed_on).band_key if found else None


# --- action plans -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionPlanFact:
    """One action plan (handleplan): the day it was made, its approval deadline and the last deadline of its goals."""

    provider_id: str
    made_on: date
    due_on: date
    approved_on: date | None
    completed_on: date | None
    last_goal_deadline: date | None


@dataclass(frozen=True)
class ActionPlanSummary:
    """The plans made in a window: approved in time or late (or not yet), completed in time or late, still open."""

    plans: int
    approved_in_time: int
    approved_late: int
    not_approved: int
    completed_in_time: int
    completed_late: int
    open: int
    open_overdue: int


def action_plan_summary(plans: Iterable[ActionPlanFact], window: Window, as_of: date) -> ActionPlanSummary:
    made = [p for p in plans if window.contains(p.made_on)]

    def done_in_time(p: ActionPlanFact) -> bool:
        return p.last_goal_deadline is None or p.completed_on <= p.last_goal_deadline  # type: ignore[operator]

    completed = [p for p in made if p.completed_on is not None and p.completed_on <= as_of]
    still_open = [p for p in made if p not in completed]
    return ActionPlanSummary(
        plans=len(made),
        approved_in_time=sum(1 for p in made if p.approved_on is not None and p.approved_on <= p.due_on),
        approved_late=sum(1 for p in made if p.approved_on is not None and p.approved_on > p.due_on),
        not_approved=sum(1 for p in made if p.approved_on is None),
        completed_in_time=sum(1 for p in completed if done_in_time(p)),
        completed_late=sum(1 for p in completed if not done_in_time(p)),
        open=len(still_open),
        open_overdue=sum(1 for p in still_open if p.last_goal_deadline is not None and p.last_goal_deadline < as_of),
    )


# --- reports published in time ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFact:
    """A completed visit and the day its report was first published (the earliest of its scopes'), if it was."""

    provider_id: str
    provider_kind: ProviderKind
    held_on: date
    first_published_on: date | None


@dataclass(frozen=True)
class PublicationSummary:
    """The visits held in a window whose report has a deadline: published in time, late, missing (deadline passed,
    not published) or pending (still in time). `share_in_time` is of those whose deadline has passed or that are
    published (pending ones are not judged yet)."""

    visits: int
    in_time: int
    late: int
    missing: int
    pending: int
    deadline_days: int

    @property
    def share_in_time(self) -> float | None:
        judged = self.in_time + self.late + self.missing
        return round(100 * self.in_time / judged, 1) if judged else None


def publication_summary(
    reports: Iterable[ReportFact], window: Window, policy: SupervisionPolicy, as_of: date
) -> PublicationSummary:
    days = policy.deadlines.report_published_days
    counts: Counter[str] = Counter()
    for r in reports:
        if not window.contains(r.held_on) or r.held_on > as_of or r.provider_kind.is_childminding:
            continue
        due = due_after(r.held_on, days=days)
        published = r.first_published_on if r.first_published_on and r.first_published_on <= as_of else None
        if published is not None:
            counts["in_time" if published <= due else "late"] += 1
        else:
            counts["missing" if as_of > due else "pending"] += 1
    return PublicationSummary(
        sum(counts.values()), counts["in_time"], counts["late"], counts["missing"], counts["pending"], days
    )


# --- recommendations -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationFact:
    """A recommendation (anbefaling) given at a visit on `given_on`, due by `due_on`, and where it stands."""

    provider_id: str
    given_on: date
    due_on: date
    status: RecommendationStatus


@dataclass(frozen=True)
class RecommendationSummary:
    """The recommendations given in a window, by status; overdue ones are still to do after their due day."""

    given: int
    done: int
    in_progress: int
    open: int
    dropped: int
    overdue: int

    @property
    def share_followed_up(self) -> float | None:
        return round(100 * self.done / self.given, 1) if self.given else None


def recommendation_summary(
    recommendations: Iterable[RecommendationFact], window: Window, as_of: date
) -> RecommendationSummary:
    given = [r for r in recommendations if window.contains(r.given_on)]
    status = Counter(r.status for r in given)
    still = (RecommendationStatus.OPEN, RecommendationStatus.IN_PROGRESS)
    return RecommendationSummary(
        given=len(given),
        done=status[RecommendationStatus.DONE],
        in_progress=status[RecommendationStatus.IN_PROGRESS],
        open=status[RecommendationStatus.OPEN],
        dropped=status[RecommendationStatus.DROPPED],
        overdue=sum(1 for r in given if r.status in still and r.due_on < as_of),
    )


# --- the municipality's trend ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodOutcomes:
    """What came of the supervision in one window."""

    intensified: IntensifiedSummary
    action_plans: ActionPlanSummary
    publication: PublicationSummary
    recommendations: RecommendationSummary


@dataclass(frozen=True)
class KindTrend:
    """One provider kind's band distribution now and before."""

    kind: ProviderKind
    now: Distribution
    before: Distribution


@dataclass(frozen=True)
class MunicipalityTrends:
    """A municipality's trend: now against the period before."""

    now: Distribution
    before: Distribution
    movements: tuple[Movement, ...]
    parts: tuple[PartTrend, ...]
    by_kind: tuple[KindTrend, ...]
    outcomes_now: PeriodOutcomes
    outcomes_before: PeriodOutcomes
    latest_now: dict[str, AssessmentFact]  # each provider's result now: what the context grouping groups


def municipality_trends(
    policy: SupervisionPolicy,
    now: Window,
    before: Window,
    as_of: date,
    *,
    assessments: Sequence[AssessmentFact],
    intensified: Sequence[IntensifiedFact] = (),
    action_plans: Sequence[ActionPlanFact] = (),
    reports: Sequence[ReportFact] = (),
    recommendations: Sequence[RecommendationFact] = (),
) -> MunicipalityTrends:
    """Every trend of a municipality (or of the providers of one kind, when the facts are filtered so)."""
    latest_now, latest_before = latest_per_provider(assessments, now), latest_per_provider(assessments, before)
    bands = policy.bands
    kinds = sorted({f.provider_kind for f in (*latest_now.values(), *latest_before.values())})
    by_kind = tuple(
        KindTrend(
            kind,
            distribution({p: f for p, f in latest_now.items() if f.provider_kind is kind}, now, bands),
            distribution({p: f for p, f in latest_before.items() if f.provider_kind is kind}, before, bands),
        )
        for kind in kinds
    )

    def outcomes(window: Window) -> PeriodOutcomes:
        return PeriodOutcomes(
            intensified_summary(intensified, assessments, window, as_of),
            action_plan_summary(action_plans, window, as_of),
            publication_summary(reports, window, policy, as_of),
            recommendation_summary(recommendations, window, as_of),
        )

    return MunicipalityTrends(
        now=distribution(latest_now, now, bands),
        before=distribution(latest_before, before, bands),
        movements=movements(latest_before, latest_now, bands),
        parts=part_trends(latest_before, latest_now),
        by_kind=by_kind,
        outcomes_now=outcomes(now),
        outcomes_before=outcomes(before),
        latest_now=latest_now,
    )
