"""Applying an escalation decision (dagtilbudsloven §5b): the provider's intensified supervision and the actions due.

domain.escalation decides; this module reads the provider's current state from its open episode, persists
the new state (which only goes up here: ending is the administration's decision, elsewhere) with the units that
caused it, and stores every required action with its deadline, so overdue ones can be shown.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from api.tables import ActionPlan, IntensifiedSupervision, Provider, RequiredAction, Visit
from domain.assessment import Assessment
from domain.escalation import (
    ActionKind,
    EscalationDecision,
    EscalationState,
    UnitAssessment,
    decide,
    episode_cause_units,
)
from domain.escalation import RequiredAction as Required
from domain.policy import ConcernLevel, SupervisionPolicy
from domain.states import PlanStatus


@dataclass(frozen=True)
class AppliedEscalation:
    """The decision and the provider's open intensified supervision after it (None in the normal cycle)."""

    decision: EscalationDecision
    intensified: IntensifiedSupervision | None
    actions: tuple[RequiredAction, ...]


def open_intensified(session: Session, provider_id: uuid.UUID) -> IntensifiedSupervision | None:
    """The provider's intensified supervision that has not ended, or None when it is in the normal cycle."""
    return session.exec(
        select(IntensifiedSupervision)
        .where(IntensifiedSupervision.provider_id == provider_id, IntensifiedSupervision.ended_on.is_(None))
        .order_by(IntensifiedSupervision.started_on.desc(), IntensifiedSupervision.created_at.desc())
    ).first()


def current_state(episode: IntensifiedSupervision | None) -> EscalationState:
    return EscalationState(episode.state) if episode else EscalationState.NORMAL


def latest_plan_completed(session: Session, episode: IntensifiedSupervision) -> bool:
    """Whether the episode's latest action plan is completed: a recurring serious concern then needs a new one."""
    latest = session.exec(
        select(ActionPlan)
        .where(ActionPlan.intensified_id == episode.id)
        .order_by(ActionPlan.created_at.desc(), ActionPlan.id.desc())
    ).first()
    return latest is not None and latest.status == PlanStatus.COMPLETED


def _follow_up_visits_done(session: Session, episode: IntensifiedSupervision, held_on: date) -> None:
    """A visit completed under intensified supervision is the follow-up visit the episode was waiting for."""
    waiting = session.exec(
        select(RequiredAction).where(
            RequiredAction.intensified_id == episode.id,
            RequiredAction.kind == ActionKind.SCHEDULE_FOLLOW_UP_VISIT,
            RequiredAction.done_on.is_(None),
        )
    )
    for action in waiting:
        action.done_on = held_on


def _raise(episode: IntensifiedSupervision, decision: EscalationDecision) -> None:
    """Move the episode up to the decision's state and concern; never down."""
    if decision.state.rank > current_state(episode).rank:
        episode.state = decision.state
    if decision.concern.rank > ConcernLevel(episode.concern).rank:
        episode.concern = decision.concern


def _fit(text: str, column: str) -> str:
    limit = RequiredAction.__table__.c[column].type.length  # type: ignore[attr-defined]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def add_required_actions(
    session: Session,
    provider: Provider,
    actions: Iterable[Required],
    *,
    intensified_id: uuid.UUID | None,
    visit_id: uuid.UUID | None,
    done_on: Mapping[ActionKind, date] | None = None,
) -> tuple[RequiredAction, ...]:
    """Store what a decision requires as rows, each open until done (`done_on` marks those done already).

    The one place a domain RequiredAction becomes a row. §5b stk. 1 informs the parent board where there is
    one, so a provider without one (private childminding) gets no such action.
    """
    done = done_on or {}
    rows = tuple(
        RequiredAction(
            provider_id=provider.id,
            intensified_id=intensified_id,
            visit_id=visit_id,
            kind=action.kind,
            due_on=action.due,
            legal_reference=_fit(action.legal_reference, "legal_reference"),
            reason=_fit(action.reason, "reason"),
            done_on=done.get(action.kind),
        )
        for action in actions
        if provider.has_parent_board or action.kind is not ActionKind.INFORM_PARENT_BOARD
    )
    session.add_all(rows)
    return rows


def apply_escalation(
    session: Session,
    visit: Visit,
    assessment: Assessment,
    held_on: date,
    policy: SupervisionPolicy,
    units: Sequence[UnitAssessment] = (),
) -> AppliedEscalation:
    """Decide what the visit's assessments (the provider's and its units') mean for the provider, and persist it."""
    episode = open_intensified(session, visit.provider_id)
    previous = current_state(episode)
    plan_completed = latest_plan_completed(session, episode) if episode else False
    decision = decide(previous, assessment, held_on, policy, units=units, action_plan_completed=plan_completed)
    if episode is not None:
        # Before this decision's own actions are stored, so its new follow-up visit stays open.
        _follow_up_visits_done(session, episode, held_on)
        _raise(episode, decision)
        causes = list(episode_cause_units(episode.cause_unit_ids, decision))
        if causes != episode.cause_unit_ids:
            episode.cause_unit_ids = causes
    elif decision.state.is_intensified:
        episode = IntensifiedSupervision(
            municipality_id=visit.municipality_id,
            provider_id=visit.provider_id,
            state=decision.state,
            concern=decision.concern,
            started_on=held_on,
            started_by_visit_id=visit.id,
            cause_unit_ids=list(decision.cause_unit_ids),
        )
        session.add(episode)
    session.flush()
    actions = add_required_actions(
        session,
        session.get(Provider, visit.provider_id),
        decision.actions,
        intensified_id=episode.id if episode else None,
        visit_id=visit.id,
        # Starting intensified supervision is what this very call just did.
        done_on={ActionKind.START_INTENSIFIED_SUPERVISION: held_on},
    )
    session.flush()
    return AppliedEscalation(decision, episode, actions)
