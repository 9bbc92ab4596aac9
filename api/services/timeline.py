"""A provider's timeline: every event of its supervision, in date order (newest first)."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial

from sqlmodel import Session, SQLModel, select

from api.schemas import overview as schema
from api.services.continuous_supervision import timeline_events as conversation_events
from api.services.reading import danish_day, rows
from api.tables import (
    ActionPlan,
    Assessment,
    AuditEvent,
    ConcernNotice,
    FollowUpDialogue,
    IntensifiedSupervision,
    ParentBoardNotice,
    Provider,
    Recommendation,
    Unit,
    Visit,
)
from domain.escalation import EscalationState
from domain.instruments import shown_percent_text
from domain.policy import ConcernLevel
from domain.states import ConcernStatus, VisitStatus

K = schema.TimelineKind
_RANK = {kind: i for i, kind in enumerate(schema.TimelineKind)}  # declared in the order things happen within a day
_TRIAGED = ("triaged", "dismissed", "visit_planned")
Happened = list[tuple[date | None, schema.TimelineKind, str]]
Reached = dict[tuple[str, str], date]


def _status_reached(session: Session, provider: Provider, entity_type: str, ids: list[uuid.UUID]) -> Reached:
    """(entity id, status) -> the first day the record had that status, as the audit trail recorded it."""
    if not ids:
        return {}
    rows = session.exec(
        select(AuditEvent.entity_id, AuditEvent.at, AuditEvent.changes)
        .where(AuditEvent.municipality_id == provider.municipality_id, AuditEvent.entity_type == entity_type)
        .where(AuditEvent.entity_id.in_([str(i) for i in ids]))
        .order_by(AuditEvent.at)
    ).all()
    reached: Reached = {}
    for entity_id, at, changes in rows:
        change = (changes or {}).get("status")
        if isinstance(change, list) and len(change) == 2 and change[1]:
            reached.setdefault((entity_id, str(change[1])), danish_day(at))
    return reached


def _visit_events(v: Visit, reached: Reached) -> Happened:
    kind = f"{v.kind.capitalize()} visit"
    happened: Happened = [(danish_day(v.created_at), K.VISIT_PLANNED, f"{kind} planned for {v.planned_on}")]
    if v.status == VisitStatus.COMPLETED:
        happened.append((v.held_on, K.VISIT_COMPLETED, f"{kind} held"))
    if v.status == VisitStatus.CANCELLED:
        # When it was cancelled is in the audit trail; a row without history falls back on its last change.
        on = reached.get((str(v.id), VisitStatus.CANCELLED.value), danish_day(v.updated_at))
        reason = f": {v.cancelled_reason}" if v.cancelled_reason else ""
        happened.append((on, K.VISIT_CANCELLED, f"{kind} cancelled{reason}"))
    return happened


def _assessment_events(a: Assessment, units: dict[uuid.UUID, str]) -> Happened:
    what = f"Assessment of {units.get(a.unit_id, 'a unit')}" if a.unit_id else "Assessment"
    score = (
        f"{shown_percent_text(a.percent)} % ({a.band_label})"
        if a.percent is not None
        else "too little observed for a percent"
    )
    concern = ConcernLevel(a.concern).label_da if a.concern in set(ConcernLevel) else a.concern
    return [(a.assessed_on, K.ASSESSMENT_MADE, f"{what}: {score}, {concern}")]


def _intensified_events(e: IntensifiedSupervision) -> Happened:
    state = EscalationState(e.state).label_da if e.state in set(EscalationState) else e.state
    return [
        (e.started_on, K.INTENSIFIED_STARTED, f"Intensified supervision started: {state}"),
        (e.ended_on, K.INTENSIFIED_ENDED, "Intensified supervision ended"),
    ]


def _plan_events(p: ActionPlan, opened: date | None) -> Happened:
    # A plan is opened for comments by informing the parent board of it (§5b stk. 5): that notice dates it.
    window = f" until {p.comment_window_ends}" if p.comment_window_ends else ""
    return [
        (danish_day(p.created_at), K.ACTION_PLAN_CREATED, f"Action plan drafted, due for approval by {p.due_on}"),
        (opened, K.ACTION_PLAN_OPENED_FOR_COMMENTS, f"Action plan opened for the parent board's comments{window}"),
        (p.approved_on, K.ACTION_PLAN_APPROVED, "Action plan approved"),
        (p.completed_on, K.ACTION_PLAN_COMPLETED, "Action plan completed"),
    ]


def _notice_events(n: ConcernNotice, reached: Reached) -> Happened:
    happened: Happened = [(n.received_on, K.CONCERN_RECEIVED, f"Concern notice received ({n.source})")]
    if n.status != ConcernStatus.RECEIVED:
        days = [day for (i, status), day in reached.items() if i == str(n.id) and status in _TRIAGED]
        happened.append(
            (min(days, default=danish_day(n.updated_at)), K.CONCERN_TRIAGED, f"Concern notice triaged: {n.status}")
        )
    return happened


def _other_events(row: Recommendation | ParentBoardNotice | FollowUpDialogue) -> Happened:
    if isinstance(row, Recommendation):
        text = row.text if len(row.text) <= 80 else row.text[:79] + "…"
        return [(danish_day(row.created_at), K.RECOMMENDATION_CREATED, f"Recommendation: {text}")]
    if isinstance(row, ParentBoardNotice):
        about = "the action plan" if row.action_plan_id else "the assessment"
        return [(row.informed_on, K.PARENT_BOARD_INFORMED, f"Parent board informed of {about}")]
    return [(row.held_on, K.FOLLOW_UP_DIALOGUE_HELD, f"Follow-up dialogue no. {row.number} held with the leader")]


def provider_timeline(session: Session, provider: Provider, limit: int) -> schema.ProviderTimeline:
    """Every event of the provider's supervision, newest first, at most `limit`."""
    pid, read = provider.id, partial(rows, session)
    visits, plans = read(Visit, Visit.provider_id == pid), read(ActionPlan, ActionPlan.provider_id == pid)
    notices = read(ConcernNotice, ConcernNotice.provider_id == pid)
    cancelled = _status_reached(session, provider, "visit", [v.id for v in visits if v.status == VisitStatus.CANCELLED])
    boards = read(ParentBoardNotice, ParentBoardNotice.provider_id == pid, newest=ParentBoardNotice.informed_on)
    opened = {b.action_plan_id: b.informed_on for b in boards if b.action_plan_id}  # newest first: the earliest wins
    triaged = _status_reached(
        session, provider, "concern_notice", [n.id for n in notices if n.status != ConcernStatus.RECEIVED]
    )
    units = {u.id: u.name for u in read(Unit, Unit.provider_id == pid)}
    dialogues = session.exec(
        select(FollowUpDialogue).join(Visit, Visit.id == FollowUpDialogue.visit_id).where(Visit.provider_id == pid)
    )
    found: list[tuple[SQLModel, Happened]] = [
        *((v, _visit_events(v, cancelled)) for v in visits),
        *((a, _assessment_events(a, units)) for a in read(Assessment, Assessment.provider_id == pid)),
        *((e, _intensified_events(e)) for e in read(IntensifiedSupervision, IntensifiedSupervision.provider_id == pid)),
        *((p, _plan_events(p, opened.get(p.id))) for p in plans),
        *((n, _notice_events(n, triaged)) for n in notices),
        *((r, _other_events(r)) for r in read(Recommendation, Recommendation.provider_id == pid)),
        *((b, _other_events(b)) for b in boards),
        *((d, _other_events(d)) for d in dialogues),
        *conversation_events(session, pid),
    ]
    events = [
        schema.TimelineEvent(on=on, kind=kind, title=title, entity_type=str(row.__tablename__), entity_id=row.id)
        for row, happened in found
        for on, kind, title in happened
        if on is not None
    ]
    events.sort(key=lambda e: (e.on, _RANK[e.kind], str(e.entity_id)), reverse=True)
    return schema.ProviderTimeline(provider_id=pid, provider_name=provider.name, events=events[:limit])
