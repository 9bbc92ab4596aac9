"""The overview reads: what is due, everything earlier that a visit builds on (§5a), and a provider's timeline.

All three only read. Each gathers rows from several aggregates of one provider (or of the caller's providers),
so they live together here rather than in the services that write those rows.

A `/due` item cites the law in force on the day of the act it follows from (a visit, a concern, a plan); a recurring
duty of the cycle (its visits, the biennial report) cites its due date; a required action keeps its decision's.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, select

from api.clock import DANISH_TIME
from api.principal import Principal
from api.schemas import overview as schema
from api.services import continuous_supervision as continuous
from api.services.cycles import ProviderDates, provider_dates
from api.services.indicators import evidence_indicators
from api.services.policy import policy_in_force
from api.services.reading import as_uuid, danish_day, held_on_days, rows
from api.tables import (
    ActionPlan,
    Assessment,
    ConcernNotice,
    FollowUpDialogue,
    IntensifiedSupervision,
    Provider,
    Recommendation,
    Report,
    RequiredAction,
    Visit,
)
from domain.access import Role
from domain.cycle import DueStatus, ReportGround, VisitKind, due_after, due_status, report_ground
from domain.due import DueKind as CycleDueKind
from domain.escalation import ActionKind
from domain.intensified import next_intensified_visit_due
from domain.law import Duty, Minimum, law_in_force
from domain.policy import SupervisionPolicy
from domain.providers import ProviderKind
from domain.states import STILL_TO_DO, UNAPPROVED_PLAN, RegisterStatus, ReportScope, ReportStatus, VisitStatus

_DUE_KINDS = frozenset(k.value for k in schema.DueKind)
M = TypeVar("M", bound=BaseModel)
_CYCLE_KINDS = (CycleDueKind.ANNOUNCED_VISIT, CycleDueKind.UNANNOUNCED_VISIT)
_PUBLISHED = (ReportStatus.PUBLISHED, ReportStatus.SUPERSEDED)


def _law(day: date, minimum: Minimum) -> str:
    return law_in_force(day).cite_minimum(minimum)


def _documentation(day: date) -> str:  # written documentation with concrete follow-up
    return law_in_force(day).cite(Duty.WRITTEN_DOCUMENTATION)


# --- what is due ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Due:
    kind: str
    provider_id: uuid.UUID
    due_on: date
    reference_type: str
    reference_id: uuid.UUID
    legal_reference: str | None
    description: str
    visit_id: uuid.UUID | None = None  # the visit it belongs to, if any: for `mine` and for hiding
    owner_id: uuid.UUID | None = None  # a supervisor named on the record itself (an action plan's)

    def shown(self, provider: Provider, today: date, warning_days: int) -> dict[str, Any]:
        label = schema.DueKind(self.kind).label_da if self.kind in _DUE_KINDS else self.kind
        public = {k: v for k, v in vars(self).items() if k not in ("visit_id", "owner_id")}
        status = due_status(self.due_on, today, warning_days)
        overdue = status is DueStatus.OVERDUE
        return {**public, "kind_label": label, "provider_name": provider.name, "status": status, "overdue": overdue}


def due_items(
    session: Session,
    principal: Principal,
    today: date,
    *,
    provider: Provider | None,
    mine: bool,
    within_days: int,
) -> schema.DueList:
    """What is due in the caller's providers, soonest first: overdue items always, others within `within_days`."""
    statement = select(Provider).where(Provider.municipality_id == principal.municipality_id)
    if provider is not None:
        statement = statement.where(Provider.id == provider.id)
    if principal.role.is_provider_bound:
        statement = statement.where(Provider.id == principal.provider_id)
    providers = {p.id: p for p in session.exec(statement)}
    _, policy = policy_in_force(session, principal.municipality_id, today)
    ids = list(providers)
    open_actions = _open_required_actions(session, ids)
    active = [p for p in providers.values() if p.status == RegisterStatus.ACTIVE]
    cycles = provider_dates(session, active, policy, today)
    candidates = [
        *_required_actions(open_actions),
        *_missing_follow_ups(session, ids, policy),
        *_open_recommendations(session, ids),
        *_unapproved_plans(session, ids, open_actions),
        *_cycle_items(cycles.values()),
        *_visit_reports(session, providers, cycles, policy),
        *_comment_windows(session, ids, today),
        *_intensified_visits(session, ids, policy, open_actions),
        *(_Due(**item) for item in continuous.due_follow_ups(session, ids)),
    ]
    if principal.role.is_provider_bound:
        candidates = _without_planned_unannounced(session, candidates)
    if mine and not principal.role.is_provider_bound:  # a leader's own items are their provider's anyway
        candidates = _mine(session, principal, ids, candidates)
    horizon = today + timedelta(days=within_days)
    shown = sorted(
        (c for c in candidates if c.due_on <= horizon),  # an overdue item is before the horizon too
        key=lambda c: (c.due_on, providers[c.provider_id].name, c.kind, str(c.reference_id)),
    )
    warning = policy.deadlines.due_soon_days
    items = [schema.DueItem(**c.shown(providers[c.provider_id], today, warning)) for c in shown]
    return schema.DueList(as_of=today, within_days=within_days, items=items)


def _open_required_actions(session: Session, ids: list[uuid.UUID]) -> list[Any]:
    """The required actions not yet done, read once per request: /due lists them and hides what they cover."""
    r = RequiredAction
    columns = (r.id, r.provider_id, r.intensified_id, r.visit_id, r.kind, r.due_on, r.legal_reference, r.reason)
    return list(session.exec(select(*columns).where(r.provider_id.in_(ids), r.done_on.is_(None))))


def _required_actions(open_actions: list[Any]) -> Iterable[_Due]:
    for r in open_actions:
        yield _Due(r.kind, r.provider_id, r.due_on, "required_action", r.id, r.legal_reference, r.reason, r.visit_id)


def _missing_follow_ups(session: Session, ids: list[uuid.UUID], policy: SupervisionPolicy) -> Iterable[_Due]:
    # The deadline is the policy in force today: a changed deadline applies to the dialogues still to be held.
    days = policy.deadlines.follow_up_dialogue_days
    visits = session.exec(
        select(Visit.id, Visit.provider_id, Visit.kind, Visit.held_on)
        .outerjoin(FollowUpDialogue, FollowUpDialogue.visit_id == Visit.id)
        .where(Visit.provider_id.in_(ids), Visit.status == VisitStatus.COMPLETED, Visit.held_on.is_not(None))
        .where(FollowUpDialogue.id.is_(None))
    )
    for v in visits:
        number = VisitKind(v.kind).follow_up_dialogue_number
        text = f"Hold follow-up dialogue no. {number} with the leader after the visit on {v.held_on.isoformat()}."
        due = due_after(v.held_on, days=days)
        law = _law(v.held_on, Minimum.FOLLOW_UP_DIALOGUE)
        yield _Due(schema.DueKind.FOLLOW_UP_DIALOGUE, v.provider_id, due, "visit", v.id, law, text, v.id)


def _open_recommendations(session: Session, ids: list[uuid.UUID]) -> Iterable[_Due]:
    kind, still_open = schema.DueKind.RECOMMENDATION, Recommendation.status.in_(STILL_TO_DO)
    found = rows(session, Recommendation, Recommendation.provider_id.in_(ids), still_open)
    held = held_on_days(session, (r.visit_id for r in found))
    for r in found:
        text = f"Follow up the recommendation ({r.owner}): {r.text}"
        law = _documentation(held.get(r.visit_id, r.due_on))
        yield _Due(kind, r.provider_id, r.due_on, "recommendation", r.id, law, text, r.visit_id)


def _unapproved_plans(session: Session, ids: list[uuid.UUID], open_actions: list[Any]) -> Iterable[_Due]:
    kind = schema.DueKind.ACTION_PLAN
    # A plan whose period still has its open make_action_plan requirement is already on the list through it.
    required = {r.intensified_id for r in open_actions if r.kind == ActionKind.MAKE_ACTION_PLAN}
    for p in rows(session, ActionPlan, ActionPlan.provider_id.in_(ids), ActionPlan.status.in_(UNAPPROVED_PLAN)):
        if p.intensified_id in required:
            continue
        text = f"Get the action plan (now `{p.status}`) written with the leader and approved."
        law = _law(danish_day(p.created_at), Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN)
        yield _Due(kind, p.provider_id, p.due_on, "action_plan", p.id, law, text, None, p.supervisor_id)


def _cycle_items(cycles: Iterable[ProviderDates]) -> Iterable[_Due]:
    """The visits each provider's cycle asks for and its reports, as the publication tracker dates them; each cites
    the law in force on its due date.

    The cycle is fixed (api.services.cycles): every date is a calendar day that comes closer, not a window that
    moves with today.
    """
    for dates in cycles:
        provider = dates.provider
        for due in dates.items:
            if due.what in _CYCLE_KINDS:
                kind = VisitKind(due.what.value.removesuffix("_visit"))
                text = f"Hold an {kind.value} visit ({kind.label_da} tilsyn) in the supervision cycle."
                law = _law(due.due, Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS)
                yield _Due(due.what.value, provider.id, due.due, "provider", provider.id, law, text)
        for scope in dates.scopes:
            due = dates.report_item(scope)
            if due is None:  # neither the law nor the policy asks this kind for a report
                continue
            what = f"the report on {scope.unit.name}" if scope.unit else "the report"
            if due.ground is ReportGround.LAW:
                text = f"Publish {what} on the provider's website (at least every second year)."
                law = _law(due.due, Minimum.WRITTEN_PUBLISHED_DOCUMENTATION)
            else:
                text, law = f"Publish {what}: the municipality's policy asks it every cycle (not the law).", None
            reference = (ReportScope.UNIT, scope.unit.id) if scope.unit else ("provider", provider.id)
            yield _Due(schema.DueKind.REPORT_PUBLICATION, provider.id, due.due, *reference, law, text)


def _visit_reports(
    session: Session,
    providers: dict[uuid.UUID, Provider],
    cycles: dict[uuid.UUID, ProviderDates],
    policy: SupervisionPolicy,
) -> Iterable[_Due]:
    """A completed visit's report not yet final, and not yet published, by the policy's deadlines from the visit.

    Visits of the current and the previous cycle are followed. The dagpleje's visits to single dagplejere feed its
    one combined report, which is due on the cycle instead; a kind with no report duty needs no publication.
    """
    days = policy.deadlines
    followed = [p for p in cycles if not ProviderKind(providers[p].kind).is_childminding]
    if not followed:
        return
    since = min((c.cycle.previous_start or c.cycle.start for c in cycles.values()), default=None)
    completed = (Visit.status == VisitStatus.COMPLETED, Visit.held_on.is_not(None), Visit.held_on >= since)
    visits = [
        v
        for v in session.exec(
            select(Visit.id, Visit.provider_id, Visit.held_on).where(Visit.provider_id.in_(followed), *completed)
        )
        if v.held_on >= (cycles[v.provider_id].cycle.previous_start or cycles[v.provider_id].cycle.start)
    ]
    reports: dict[uuid.UUID, list[Any]] = defaultdict(list)
    made = select(Report.visit_id, Report.status, Report.finalised_on).where(
        Report.visit_id.in_([v.id for v in visits])
    )
    for report in session.exec(made):
        reports[report.visit_id].append(report)
    for v in visits:
        made = reports[v.id]
        held = v.held_on.isoformat()
        if not any(r.finalised_on is not None for r in made):
            text = f"Make the report of the visit on {held} final (written documentation with concrete follow-up)."
            due = due_after(v.held_on, days=days.report_final_days)
            law = _documentation(v.held_on)
            yield _Due(schema.DueKind.VISIT_REPORT_FINAL, v.provider_id, due, "visit", v.id, law, text, v.id)
        ground = report_ground(ProviderKind(providers[v.provider_id].kind), policy, v.held_on)
        if ground is not ReportGround.NONE and not any(r.status in _PUBLISHED for r in made):
            text = f"Publish the report of the visit on {held} on the provider's website."
            law = _law(v.held_on, Minimum.WRITTEN_PUBLISHED_DOCUMENTATION) if ground is ReportGround.LAW else None
            due = due_after(v.held_on, days=days.report_published_days)
            yield _Due(schema.DueKind.VISIT_REPORT_PUBLISHED, v.provider_id, due, "visit", v.id, law, text, v.id)


def _comment_windows(session: Session, ids: list[uuid.UUID], today: date) -> Iterable[_Due]:
    # The leader's window to comment on a draft report (`leader_comment_days`): shown while it is open. It is an
    # opportunity, not a duty, so a closed window is not overdue; the report's own deadlines take over.
    columns = (Report.id, Report.provider_id, Report.visit_id, Report.comment_window_ends)
    sent = session.exec(select(*columns).where(Report.provider_id.in_(ids), Report.status == ReportStatus.SENT)).all()
    held = held_on_days(session, (r.visit_id for r in sent))
    for r in sent:
        if r.comment_window_ends is not None and today <= r.comment_window_ends:
            text = f"The leader may comment on the draft report until {r.comment_window_ends.isoformat()}."
            yield _Due(
                schema.DueKind.REPORT_COMMENT,
                r.provider_id,
                r.comment_window_ends,
                "report",
                r.id,
                _documentation(held.get(r.visit_id, r.comment_window_ends)),
                text,
                r.visit_id,
            )


def _intensified_visits(
    session: Session, ids: list[uuid.UUID], policy: SupervisionPolicy, open_actions: list[Any]
) -> Iterable[_Due]:
    """The next visit under intensified supervision (`intensified_interval_days` after the last one).

    The first visit after the concern is the escalation's own `schedule_follow_up_visit` deadline; while that is
    open, it is the item, so it is not shown twice.
    """
    episode = IntensifiedSupervision
    periods = rows(session, episode, episode.provider_id.in_(ids), episode.ended_on.is_(None))
    if not periods:
        return
    open_first = {r.intensified_id for r in open_actions if r.kind == ActionKind.SCHEDULE_FOLLOW_UP_VISIT}
    held = (Visit.status == VisitStatus.COMPLETED, Visit.held_on.is_not(None))
    under = Visit.provider_id.in_([p.provider_id for p in periods])
    completed = session.exec(select(Visit.provider_id, Visit.held_on).where(under, *held)).all()
    for period in periods:
        if period.id in open_first:
            continue
        since = [v.held_on for v in completed if v.provider_id == period.provider_id and v.held_on > period.started_on]
        due = next_intensified_visit_due(max(since, default=None), period.started_on, policy)
        text = "Hold the next visit under intensified supervision (skærpet tilsyn)."
        yield _Due(
            schema.DueKind.INTENSIFIED_VISIT,
            period.provider_id,
            due,
            "intensified_supervision",
            period.id,
            _law(period.started_on, Minimum.INTENSIFIED_ON_CONCERN),  # the concern that started it
            text,
        )


def _without_planned_unannounced(session: Session, candidates: list[_Due]) -> list[_Due]:
    # Telling a provider's own people about anything tied to a planned unannounced visit would announce it.
    visit_ids = {c.visit_id for c in candidates if c.visit_id}
    planned_unannounced = (
        Visit.id.in_(visit_ids),
        Visit.kind == VisitKind.UNANNOUNCED,
        Visit.status == VisitStatus.PLANNED,
    )
    secret = {v.id for v in rows(session, Visit, *planned_unannounced)}
    return [c for c in candidates if c.visit_id not in secret]


def _mine(session: Session, principal: Principal, ids: list[uuid.UUID], candidates: list[_Due]) -> list[_Due]:
    """Items of visits the caller leads or co-observes, and provider-level items of the providers they supervise."""
    me = as_uuid(principal.subject)
    rows = session.exec(
        select(Visit.id, Visit.provider_id, Visit.status).where(
            Visit.provider_id.in_(ids), or_(Visit.supervisor_id == me, Visit.co_observer_id == me)
        )
    ).all()
    my_visits = {visit_id for visit_id, _, _ in rows}
    my_providers = {provider_id for _, provider_id, status in rows if status != VisitStatus.CANCELLED}

    def is_mine(c: _Due) -> bool:
        if c.visit_id is not None:
            return c.visit_id in my_visits
        return (me is not None and c.owner_id == me) or c.provider_id in my_providers

    return [c for c in candidates if is_mine(c)]


# --- a visit's evidence (§5a) -------------------------------------------------------------------------------


def visit_evidence(session: Session, visit: Visit) -> schema.VisitEvidence:
    """Everything about the visit's provider dated before the visit was held (or everything, if not yet held)."""
    provider = session.get_one(Provider, visit.provider_id)  # the visit's loader checked that it is visible
    before = visit.held_on

    def earlier(column: ColumnElement[date]) -> ColumnElement[bool]:
        return column < before if before else true()

    pid, read = visit.provider_id, partial(rows, session)
    completed = (Visit.status == VisitStatus.COMPLETED, Visit.held_on.is_not(None))
    visits = read(
        Visit, Visit.provider_id == pid, Visit.id != visit.id, *completed, earlier(Visit.held_on), newest=Visit.held_on
    )
    ids = [v.id for v in visits]
    assessed = {a.visit_id: a for a in read(Assessment, Assessment.visit_id.in_(ids), Assessment.unit_id.is_(None))}
    dialogue = FollowUpDialogue
    dialogues = read(dialogue, dialogue.visit_id.in_(ids), earlier(dialogue.held_on), newest=dialogue.held_on)
    recommendations = read(Recommendation, Recommendation.visit_id.in_(ids), newest=Recommendation.due_on)
    notice = ConcernNotice
    notices = read(notice, notice.provider_id == pid, earlier(notice.received_on), newest=notice.received_on)
    episode = IntensifiedSupervision
    episodes = read(episode, episode.provider_id == pid, earlier(episode.started_on), newest=episode.started_on)
    plans_before = ActionPlan.created_at < datetime.combine(before, time.min, DANISH_TIME) if before else true()
    plans = read(ActionPlan, ActionPlan.provider_id == pid, plans_before, newest=ActionPlan.created_at)
    # Every published version, a corrected one included: what the provider's website showed before the visit.
    published = (Report.provider_id == pid, Report.status.in_(_PUBLISHED), Report.published_on.is_not(None))
    reports = read(Report, *published, earlier(Report.published_on), newest=Report.published_on)
    return schema.VisitEvidence(
        visit_id=visit.id,
        provider_id=pid,
        provider_name=provider.name,
        before=before,
        # ReadModels validate from attributes, nested ones too: the assessment row becomes its read model.
        visits=[
            schema.EvidenceVisit.model_validate({**v.model_dump(), "assessment": assessed.get(v.id)}) for v in visits
        ],
        follow_up_dialogues=_shaped(schema.EvidenceFollowUp, dialogues),
        recommendations=_shaped(schema.EvidenceRecommendation, recommendations),
        concern_notices=_shaped(schema.EvidenceConcernNotice, notices),
        intensified_supervision=_shaped(schema.EvidenceIntensified, episodes),
        action_plans=_shaped(schema.EvidenceActionPlan, plans),
        reports=_shaped(schema.EvidenceReport, reports),
        # Read by admin and supervisors only (TIMELINE_READ): the supervision's view, raw numbers.
        indicators=evidence_indicators(session, provider, before or visit.planned_on, Role.SUPERVISOR),
        conversations=continuous.evidence_conversations(session, visit),
    )


def _shaped(model: type[M], rows: list[Any]) -> list[M]:
    return [model.model_validate(row) for row in rows]
