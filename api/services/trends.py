"""Trends across supervisions and context beside the score: the facts read set-based, the rules of domain.trends,
domain.trend_outcomes and domain.context applied.

Every read here selects columns, never table objects, in a handful of queries per municipality whatever its
history (tests/api/test_trends.py proves none of the history is loaded as objects). Imported KIDS history
(historical_assessment) counts as assessments with source `imported` (domain.trends.imported_assessment).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, select

from api.services.indicators import catalogue, definition
from api.services.policy import policy_in_force
from api.tables import (
    ActionPlan,
    ActionPlanItem,
    Assessment,
    HistoricalAssessment,
    IndicatorValue,
    IntensifiedSupervision,
    Provider,
    Recommendation,
    Report,
    Visit,
)
from domain.context import CONTEXT_INDICATOR
from domain.errors import invalid, not_found
from domain.escalation import EscalationState
from domain.indicators import IndicatorDefinition, latest_period_key_on
from domain.policy import ConcernLevel, SupervisionPolicy
from domain.providers import ProviderKind
from domain.states import RecommendationStatus, VisitStatus
from domain.trend_outcomes import (
    ActionPlanFact,
    IntensifiedFact,
    MunicipalityTrends,
    RecommendationFact,
    ReportFact,
)
from domain.trend_outcomes import (
    municipality_trends as compute_trends,
)
from domain.trends import (
    AssessmentFact,
    PartFact,
    PartKind,
    Window,
    default_window,
    imported_assessment,
    latest_per_provider,
)

MAX_PERIOD_DAYS = 3653  # ten years: the history and the period before both stay within reach


@dataclass(frozen=True)
class Trends:
    """A municipality's trends for two periods, and what they were computed under."""

    now: Window
    before: Window
    as_of: date
    policy: SupervisionPolicy
    policy_version: int
    kind: ProviderKind | None
    trends: MunicipalityTrends


def windows(today: date, period_from: date | None, period_to: date | None) -> tuple[Window, Window]:
    """The period asked for (by default the last two years) and the equally long one before it."""
    if period_from is None and period_to is None:
        now = default_window(today)
    else:
        end = period_to or today
        now = Window(period_from or default_window(end).start, end)
    if now.days > MAX_PERIOD_DAYS:
        raise invalid("query.period_from", "A period is at most ten years long.")
    return now, now.previous()


def municipality_trends(
    session: Session,
    municipality_id: uuid.UUID,
    period_start: date | None = None,
    period_end: date | None = None,
    *,
    today: date,
    kind: ProviderKind | None = None,
) -> Trends:
    """The municipality's trends (or those of its providers of one kind): `period_start`..`period_end` (by default the
    last two years up to `today`) against the equally long period before. Eight column queries."""
    now, before = windows(today, period_start, period_end)
    row, policy = policy_in_force(session, municipality_id, today)
    span = Window(before.start, now.end)
    kinds = _provider_kinds(session, municipality_id, kind)
    assessments = [
        *_assessments(session, municipality_id, kind, span, kinds, whole_only=True),
        *imported(session, policy, municipality_id, kinds, span, whole_only=True),
    ]
    computed = compute_trends(
        policy,
        now,
        before,
        today,
        assessments=assessments,
        intensified=_intensified(session, municipality_id, kinds, span),
        action_plans=_action_plans(session, municipality_id, kinds, span),
        reports=_reports(session, municipality_id, kinds, span),
        recommendations=_recommendations(session, municipality_id, kinds, span),
    )
    return Trends(now, before, today, policy, row.number if row else 0, kind, computed)


# --- the facts ---------------------------------------------------------------------------------------------------


def _provider_kinds(session: Session, municipality_id: uuid.UUID, kind: ProviderKind | None) -> dict[uuid.UUID, str]:
    conditions = [Provider.municipality_id == municipality_id]
    if kind is not None:
        conditions.append(Provider.kind == kind)
    return dict(session.exec(select(Provider.id, Provider.kind).where(*conditions)).all())


def _of_municipality(municipality_id: uuid.UUID, kind: ProviderKind | None) -> list:
    conditions = [Provider.municipality_id == municipality_id]
    return conditions + ([Provider.kind == kind] if kind is not None else [])


def stored_parts(parts: dict) -> tuple[PartFact, ...]:
    """The areas and themes stored with an assessment (api.services.assessments), those with a percent. A part
    written without its key (by an older writer) goes by its name."""
    return tuple(
        PartFact(kind, p.get("key") or p["name"], p.get("name") or p["key"], p["percent"])
        for kind, name in ((PartKind.AREA, "areas"), (PartKind.THEME, "themes"))
        for p in (parts or {}).get(name, [])
        if p.get("percent") is not None and (p.get("key") or p.get("name"))
    )


def assessment_facts(rows: Sequence, kinds: dict[uuid.UUID, str]) -> list[AssessmentFact]:
    return [
        AssessmentFact(
            str(provider_id),
            str(unit_id) if unit_id else None,
            ProviderKind(kinds[provider_id]),
            assessed_on,
            band_key,
            ConcernLevel(concern),
            percent,
            stored_parts(parts),
        )
        for provider_id, unit_id, assessed_on, band_key, concern, percent, parts in rows
    ]


ASSESSMENT_COLUMNS = (
    Assessment.provider_id,
    Assessment.unit_id,
    Assessment.assessed_on,
    Assessment.band_key,
    Assessment.concern,
    Assessment.percent,
    Assessment.parts,
)


def _assessments(
    session: Session,
    municipality_id: uuid.UUID,
    kind: ProviderKind | None,
    span: Window,
    kinds: dict[uuid.UUID, str],
    *,
    whole_only: bool,
) -> list[AssessmentFact]:
    statement = (
        select(*ASSESSMENT_COLUMNS)
        .join(Provider, Provider.id == Assessment.provider_id)
        .where(*_of_municipality(municipality_id, kind), Assessment.assessed_on.between(span.start, span.end))
    )
    if whole_only:
        statement = statement.where(Assessment.unit_id.is_(None))
    return assessment_facts(session.exec(statement).all(), kinds)


def _imported_facts(policy: SupervisionPolicy, rows: Sequence, kinds: dict[uuid.UUID, str]) -> list[AssessmentFact]:
    """Imported rows (one area or theme each) as assessments: one per provider or unit, day and instrument."""
    grouped: dict[tuple, list[PartFact]] = {}
    for provider_id, unit_id, assessed_on, instrument_key, area_key, theme_key, percent in rows:
        part = (
            PartFact(PartKind.THEME, theme_key, "", percent)
            if theme_key
            else PartFact(PartKind.AREA, area_key, "", percent)
        )
        grouped.setdefault((provider_id, unit_id, assessed_on, instrument_key), []).append(part)
    return [
        imported_assessment(
            policy,
            provider_id=str(provider_id),
            unit_id=str(unit_id) if unit_id else None,
            provider_kind=ProviderKind(kinds[provider_id]),
            assessed_on=assessed_on,
            parts=parts,
        )
        for (provider_id, unit_id, assessed_on, _), parts in grouped.items()
        if provider_id in kinds
    ]


_HISTORY_COLUMNS = (
    HistoricalAssessment.provider_id,
    HistoricalAssessment.unit_id,
    HistoricalAssessment.assessed_on,
    HistoricalAssessment.instrument_key,
    HistoricalAssessment.area_key,
    HistoricalAssessment.theme_key,
    HistoricalAssessment.percent,
)


def imported(
    session: Session,
    policy: SupervisionPolicy,
    municipality_id: uuid.UUID,
    kinds: dict[uuid.UUID, str],
    span: Window | None,
    *,
    whole_only: bool,
    provider_id: uuid.UUID | None = None,
) -> list[AssessmentFact]:
    statement = select(*_HISTORY_COLUMNS).where(HistoricalAssessment.municipality_id == municipality_id)
    if provider_id is not None:
        statement = statement.where(HistoricalAssessment.provider_id == provider_id)
    if span is not None:
        statement = statement.where(HistoricalAssessment.assessed_on.between(span.start, span.end))
    if whole_only:
        statement = statement.where(HistoricalAssessment.unit_id.is_(None))
    return _imported_facts(policy, session.exec(statement).all(), kinds)


def _intensified(
    session: Session, municipality_id: uuid.UUID, kinds: dict[uuid.UUID, str], span: Window
) -> list[IntensifiedFact]:
    t = IntensifiedSupervision
    rows = session.exec(
        select(t.provider_id, t.started_on, t.ended_on, t.state).where(
            t.municipality_id == municipality_id,
            t.started_on <= span.end,
            or_(t.ended_on.is_(None), t.ended_on >= span.start),
        )
    ).all()
    return [
        IntensifiedFact(str(p), started, ended, EscalationState(state).has_action_plan)
        for p, started, ended, state in rows
        if p in kinds
    ]


def _action_plans(
    session: Session, municipality_id: uuid.UUID, kinds: dict[uuid.UUID, str], span: Window
) -> list[ActionPlanFact]:
    p = ActionPlan
    # Correlated, so only this municipality's plans' goals are read (through the index on plan_id).
    last_deadline = select(func.max(ActionPlanItem.deadline)).where(ActionPlanItem.plan_id == p.id).scalar_subquery()
    rows = session.exec(
        select(p.provider_id, p.created_at, p.due_on, p.approved_on, p.completed_on, last_deadline).where(
            p.municipality_id == municipality_id, p.due_on >= span.start
        )
    ).all()
    return [
        ActionPlanFact(str(provider), created.date(), due, approved, completed, last)
        for provider, created, due, approved, completed, last in rows
        if provider in kinds
    ]


def _reports(
    session: Session, municipality_id: uuid.UUID, kinds: dict[uuid.UUID, str], span: Window
) -> list[ReportFact]:
    first = func.min(func.coalesce(Report.first_published_on, Report.published_on))
    rows = session.exec(
        select(Visit.provider_id, Visit.held_on, first)
        .outerjoin(Report, Report.visit_id == Visit.id)
        .where(
            Visit.municipality_id == municipality_id,
            Visit.status == VisitStatus.COMPLETED,
            Visit.held_on.between(span.start, span.end),
        )
        .group_by(Visit.id, Visit.provider_id, Visit.held_on)
    ).all()
    return [
        ReportFact(str(p), ProviderKind(kinds[p]), held_on, published) for p, held_on, published in rows if p in kinds
    ]


def _recommendations(
    session: Session, municipality_id: uuid.UUID, kinds: dict[uuid.UUID, str], span: Window
) -> list[RecommendationFact]:
    rows = session.exec(
        select(Recommendation.provider_id, Visit.held_on, Recommendation.due_on, Recommendation.status)
        .join(Visit, Visit.id == Recommendation.visit_id)
        .where(Visit.municipality_id == municipality_id, Visit.held_on.between(span.start, span.end))
    ).all()
    return [
        RecommendationFact(str(p), held_on, due_on, RecommendationStatus(status))
        for p, held_on, due_on, status in rows
        if p in kinds
    ]


def latest_results(
    session: Session, municipality_id: uuid.UUID, window: Window, *, kind: ProviderKind | None = None
) -> tuple[SupervisionPolicy, dict[str, AssessmentFact]]:
    """The policy in force at the window's end and each provider's latest result as a whole in the window (visits and
    imported history). Three column queries."""
    _, policy = policy_in_force(session, municipality_id, window.end)
    kinds = _provider_kinds(session, municipality_id, kind)
    facts = [
        *_assessments(session, municipality_id, kind, window, kinds, whole_only=True),
        *imported(session, policy, municipality_id, kinds, window, whole_only=True),
    ]
    return policy, latest_per_provider(facts, window)


@dataclass(frozen=True)
class PeriodFacts:
    """A municipality's facts of one period as the trends read them, per provider: what the network benchmarks
    count (domain.benchmarks.provider_facts)."""

    policy: SupervisionPolicy
    kinds: dict[uuid.UUID, str]
    latest: dict[str, AssessmentFact]
    intensified: list[IntensifiedFact]
    action_plans: list[ActionPlanFact]
    reports: list[ReportFact]


def period_facts(session: Session, municipality_id: uuid.UUID, window: Window, today: date) -> PeriodFacts:
    """Each provider's latest result as a whole in `window`, and the outcomes' facts, under the policy in force
    `today` (as `municipality_trends` reads them). Seven column queries."""
    _, policy = policy_in_force(session, municipality_id, today)
    kinds = _provider_kinds(session, municipality_id, None)
    facts = [
        *_assessments(session, municipality_id, None, window, kinds, whole_only=True),
        *imported(session, policy, municipality_id, kinds, window, whole_only=True),
    ]
    return PeriodFacts(
        policy,
        kinds,
        latest_per_provider(facts, window),
        _intensified(session, municipality_id, kinds, window),
        _action_plans(session, municipality_id, kinds, window),
        _reports(session, municipality_id, kinds, window),
    )


# --- context: the socio-economic profile --------------------------------------------------------------------------


def context_values(
    session: Session, municipality_id: uuid.UUID, up_to: date
) -> tuple[IndicatorDefinition, dict[str, float]]:
    """The context indicator's definition and each provider's latest value of it (its own, not a unit's) in a period
    that has begun by `up_to`. One query (besides the catalogue)."""
    row = catalogue(session, municipality_id).get(CONTEXT_INDICATOR)
    if row is None:  # the default catalogue is materialised on first use; a key is never removed
        raise not_found("indicator")
    d = definition(row)
    newest = (
        func.row_number()
        .over(partition_by=IndicatorValue.provider_id, order_by=IndicatorValue.period.desc())
        .label("newest")
    )
    ranked = (
        select(IndicatorValue.provider_id, IndicatorValue.value, newest)
        .where(
            IndicatorValue.indicator_id == row.id,
            IndicatorValue.scope_id == IndicatorValue.provider_id,
            IndicatorValue.period <= latest_period_key_on(d.period_kind, up_to),
        )
        .subquery()
    )
    rows = session.exec(select(ranked.c.provider_id, ranked.c.value).where(ranked.c.newest == 1)).all()
    return d, {str(p): float(v) for p, v in rows}
