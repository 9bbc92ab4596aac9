"""The facts the legal minimums are checked on (api/services/compliance.py), per provider and cycle.

The cycle is the one `api.services.cycles` dates; every row is loaded once for all providers, selecting only the
columns the facts read (never a report's content).
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Sequence, Set
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from api.services.cycles import (
    HELD_VISIT_COLUMNS,
    REPORT_FACT_COLUMNS,
    UNIT_SCOPE,
    HeldVisit,
    ProviderRow,
    UnitRow,
    active_units,
    held_visits,
    provider_origin,
    published_on,
)
from api.services.reading import column_rows
from api.tables import (
    ActionPlan,
    Assessment,
    FollowUpDialogue,
    ImpartialityDeclaration,
    IntensifiedSupervision,
    Report,
    Visit,
)
from domain.cycle import (
    COMBINED_SCOPE,
    PROVIDER_SCOPE,
    ConcernEpisode,
    Cycle,
    ProviderCycle,
    VisitFact,
    VisitKind,
    cycle_on,
)
from domain.errors import invalid
from domain.policy import ConcernLevel, SupervisionPolicy
from domain.providers import ProviderKind
from domain.states import ReportStatus

EARLIER_SHOWN = 3  # how many of the earlier reports, dialogues or escalations a fact names (the latest)


# What the minimums read of the rows around a visit: never a whole row, and never as ORM objects.
TIE_COLUMNS = (
    ImpartialityDeclaration.provider_id,
    ImpartialityDeclaration.user_id,
    ImpartialityDeclaration.declared_on,
)
EPISODE_COLUMNS = (
    IntensifiedSupervision.id,
    IntensifiedSupervision.provider_id,
    IntensifiedSupervision.started_on,
    IntensifiedSupervision.started_by_visit_id,
    IntensifiedSupervision.ended_on,
)
PLAN_COLUMNS = (ActionPlan.id, ActionPlan.intensified_id, ActionPlan.approved_on, ActionPlan.leader_name)
# The day of a held visit's follow-up dialogue, read with the visit: a lookup on the dialogue's unique visit_id per
# visit, where a join let PostgreSQL hash every dialogue in the country to find a municipality's.
FOLLOW_UP_ON = (
    select(FollowUpDialogue.held_on)
    .where(FollowUpDialogue.visit_id == Visit.id)
    .scalar_subquery()
    .label("follow_up_on")
)
COMPLIANCE_VISIT_COLUMNS = (*HELD_VISIT_COLUMNS, FOLLOW_UP_ON)


@dataclass
class _Rows:
    """Every row the minimums of a set of providers are checked on, loaded once for all of them (eight queries)."""

    visits: dict[uuid.UUID, list[HeldVisit]]  # COMPLIANCE_VISIT_COLUMNS: with the follow-up dialogue's day
    units: dict[uuid.UUID, list[UnitRow]]
    reports: dict[uuid.UUID, list[Any]]  # per visit: its current reports (not superseded), REPORT_FACT_COLUMNS
    published: dict[uuid.UUID, list[Any]]  # per provider: current published reports
    follow_ups: dict[uuid.UUID, date]  # visit id -> follow-up dialogue day (held visits)
    ties: dict[uuid.UUID, list[Any]]  # per provider: TIE_COLUMNS
    concern: dict[uuid.UUID, ConcernLevel]  # visit id -> the most serious concern at any scope of the visit
    episodes: dict[uuid.UUID, list[Any]]  # per provider: EPISODE_COLUMNS, by start
    plans: dict[uuid.UUID, list[Any]]  # per intensified supervision: PLAN_COLUMNS, oldest first


def _load(session: Session, ids: list[uuid.UUID], today: date) -> _Rows:
    visits = held_visits(session, ids, today, COMPLIANCE_VISIT_COLUMNS)
    follow_ups = {v.id: v.follow_up_on for held in visits.values() for v in held if v.follow_up_on is not None}
    reports, published = defaultdict(list), defaultdict(list)
    current = select(*REPORT_FACT_COLUMNS).where(Report.provider_id.in_(ids), Report.status != ReportStatus.SUPERSEDED)
    for r in column_rows(session, current):
        reports[r.visit_id].append(r)
        if r.status == ReportStatus.PUBLISHED and r.published_on is not None and published_on(r) <= today:
            published[r.provider_id].append(r)
    ties = defaultdict(list)
    for d in session.exec(select(*TIE_COLUMNS).where(ImpartialityDeclaration.provider_id.in_(ids))):
        ties[d.provider_id].append(d)
    concern: dict[uuid.UUID, ConcernLevel] = {}
    for visit_id, level in column_rows(
        session,
        select(Assessment.visit_id, Assessment.concern).where(
            Assessment.provider_id.in_(ids), Assessment.concern != ConcernLevel.NONE
        ),
    ):
        if ConcernLevel(level).rank > concern.get(visit_id, ConcernLevel.NONE).rank:
            concern[visit_id] = ConcernLevel(level)
    episodes = defaultdict(list)
    episode = IntensifiedSupervision
    for e in session.exec(select(*EPISODE_COLUMNS).where(episode.provider_id.in_(ids)).order_by(episode.started_on)):
        episodes[e.provider_id].append(e)
    plans = defaultdict(list)
    for p in session.exec(select(*PLAN_COLUMNS).where(ActionPlan.provider_id.in_(ids)).order_by(ActionPlan.created_at)):
        plans[p.intensified_id].append(p)
    units = active_units(session, ids)
    return _Rows(visits, units, reports, published, follow_ups, ties, concern, episodes, plans)


def compliance_cycles(
    session: Session,
    providers: Sequence[ProviderRow],
    policy: SupervisionPolicy,
    today: date,
    starting: date | None = None,
) -> dict[uuid.UUID, ProviderCycle]:
    """Each provider's cycle with the facts its minimums are checked on, as of `today`.

    The cycle is the one `today` falls in, or the one that starts on `starting` (a 422 when no cycle of the
    provider starts that day). Every row is loaded once for all providers, so the municipality's view costs the
    same few queries for ten providers as for a thousand.
    """
    ids = [p.id for p in providers]
    if not ids:
        return {}
    rows = _load(session, ids, today)
    return {p.id: _facts(p, rows, policy, today, starting) for p in providers}


def _cycle_starting(provider: ProviderRow, origin: date, months: int, starting: date | None, today: date) -> Cycle:
    cycle = cycle_on(origin, months, starting or today)
    if starting is not None and cycle.start != starting:
        message = (
            f"No supervision cycle of {provider.name} starts on {starting.isoformat()}: its cycles start on "
            f"{origin.isoformat()} and every {months} months after; "
        )
        if starting < origin:
            message += "the first cycle starts on that day, and there is none before it."
        else:
            message += f"the cycle that day falls in started on {cycle.start.isoformat()}."
        raise invalid("query.cycle_start", message)
    return cycle


def _facts(
    provider: ProviderRow, rows: _Rows, policy: SupervisionPolicy, today: date, starting: date | None
) -> ProviderCycle:
    months, kind = policy.cycle_months, ProviderKind(provider.kind)
    visits = rows.visits[provider.id]
    _, origin = provider_origin(provider, visits, months)
    cycle = _cycle_starting(provider, origin, months, starting, today)
    active = {u.id for u in rows.units[provider.id]}
    unit_ids = tuple(str(u.id) for u in rows.units[provider.id])
    published = sorted(rows.published[provider.id], key=lambda r: (published_on(r), r.id))
    in_cycle = [v for v in visits if cycle.start <= v.held_on <= cycle.end]
    latest: dict[str, date] = {}
    for r in published:
        scope = _domain_scope(kind, r, active)
        latest[scope] = published_on(r)  # later rows win
    return ProviderCycle(
        provider_id=str(provider.id),
        kind=kind,
        unit_ids=unit_ids,
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        previous_cycle_start=cycle.previous_start,
        visits=tuple(_visit_fact(v, provider, rows, visits, published, kind, active) for v in in_cycle),
        concerns=tuple(_episode(v, rows) for v in in_cycle if v.id in rows.concern),
        last_published_report_on=latest,
        as_of=today,
    )


def _domain_scope(kind: ProviderKind, report: Report, active: Set[uuid.UUID]) -> str:
    """The report's scope as `domain.cycle` names it: provider, combined, or the id of an active unit (`active`)."""
    if kind.is_childminding:
        return COMBINED_SCOPE
    if report.scope == UNIT_SCOPE and report.unit_id in active:
        return str(report.unit_id)
    return PROVIDER_SCOPE


def _visit_fact(
    v: HeldVisit,
    provider: ProviderRow,
    rows: _Rows,
    visits: list[HeldVisit],
    published: list[Report],
    kind: ProviderKind,
    active: Set[uuid.UUID],
) -> VisitFact:
    own = rows.reports.get(v.id, [])
    done = [r for r in own if r.status == ReportStatus.PUBLISHED and r.published_on is not None]
    # In time when the last of the visit's reports (one per unit, say) is out; not published while one is missing.
    report_day = max((published_on(r) for r in done), default=None) if own and len(done) == len(own) else None
    people = {v.supervisor_id, v.co_observer_id} - {None}
    ties = [d for d in rows.ties[provider.id] if d.user_id in people and d.declared_on <= v.held_on]
    before = [w for w in visits if w.held_on < v.held_on]
    talked = [w for w in before if w.dialogue_held_on is not None or w.id in rows.follow_ups]
    earlier_reports = [r for r in published if published_on(r) < v.held_on]
    escalations = [e for e in rows.episodes[provider.id] if e.started_on < v.held_on]
    return VisitFact(
        id=str(v.id),
        kind=VisitKind(v.kind),
        held_on=v.held_on,
        systematic_observation=bool(v.instrument_id),
        based_on_curriculum=v.based_on_curriculum,
        dialogue_with_leadership_and_staff=v.dialogue_held_on is not None,
        follow_up_dialogue_on=_not_before(rows.follow_ups.get(v.id), v.held_on),
        supervisor_impartial=not ties,
        data_sources=tuple(json.loads(v.data_sources_json)),
        report_published_on=_not_before(report_day, v.held_on),
        report_scope=_domain_scope(kind, own[0], active) if own else PROVIDER_SCOPE,
        report_ids=tuple(str(r.id) for r in done),
        earlier_reports=_latest_ids(earlier_reports),
        earlier_dialogues=_latest_ids(talked),
        earlier_escalations=_latest_ids(escalations),
    )


def _not_before(day: date | None, first: date) -> date | None:
    """A day recorded before the act it follows (a data error, or a plan already in place) read as that act's day."""
    return None if day is None else max(day, first)


def _latest_ids(rows: list) -> tuple[str, ...]:
    return tuple(str(r.id) for r in rows[-EARLIER_SHOWN:][::-1])


def _episode(v: HeldVisit, rows: _Rows) -> ConcernEpisode:
    """The concern a visit raised and what followed: the intensified supervision it started or found running,
    and that period's action plan."""
    held = rows.episodes[v.provider_id]
    episode = next((e for e in held if e.started_by_visit_id == v.id), None) or next(
        (e for e in held if e.started_on <= v.held_on and (e.ended_on is None or e.ended_on >= v.held_on)), None
    )
    plans = rows.plans.get(episode.id, []) if episode else []
    plan = next((p for p in plans if p.approved_on is not None), plans[0] if plans else None)
    return ConcernEpisode(
        concern=rows.concern[v.id],
        raised_on=v.held_on,
        intensified_started_on=episode.started_on if episode else None,
        # A plan approved before this concern was raised was already in place when it came: in time.
        action_plan_approved_on=_not_before(plan.approved_on if plan else None, v.held_on),
        action_plan_with_leader=bool(plan and plan.leader_name.strip()),
        visit_id=str(v.id),
        intensified_id=str(episode.id) if episode else None,
        action_plan_id=str(plan.id) if plan else None,
    )
