"""Applying an escalation decision (dagtilbudsloven §5b): the provider's intensified supervision and the actions due.

domain.escalation decides; this module reads the provider's current state from its open episode, persists
the new state (which only goes up here: ending is the administration's decision, elsewhere) and stores every
required action with its deadline, so overdue ones can be shown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from api.tables import ActionPlan, IntensifiedSupervision, Provider, RequiredAction, Visit
from domain.assessment import Assessment
from domain.escalation import ActionKind, EscalationDecision, EscalationState, decide
from domain.policy import ConcernLevel, SupervisionPolicy

PLAN_COMPLETED = "completed"  # ActionPlan.status once the plan has been followed through


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
    return latest is not None and latest.status == PLAN_COMPLETED


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


def apply_escalation(
    session: Session, visit: Visit, assessment: Assessment, held_on: date, policy: SupervisionPolicy
) -> AppliedEscalation:
    """Decide what the visit's provider-level assessment means for the provider, and persist it."""
    episode = open_intensified(session, visit.provider_id)
    previous = current_state(episode)
    plan_completed = latest_plan_completed(session, episode) if episode else False
    decision = decide(previous, assessment, held_on, policy, action_plan_completed=plan_completed)
    if episode is not None:
        # Before this decision's own actions are stored, so its new follow-up visit stays open.
        _follow_up_visits_done(session, episode, held_on)
        _raise(episode, decision)
    elif decision.state.is_intensified:
        episode = IntensifiedSupervision(
            municipality_id=visit.municipality_id,
            provider_id=visit.provider_id,
            state=decision.state,
            concern=decision.concern,
            started_on=held_on,
            started_by_visit_id=visit.id,
        )
        session.add(episode)
    session.flush()
    has_board = session.get(Provider, visit.provider_id).has_parent_board
    actions = tuple(
        RequiredAction(
            provider_id=visit.provider_id,
            intensified_id=episode.id if episode else None,
            visit_id=visit.id,
            kind=action.kind,
            due_on=action.due,
            legal_reference=action.legal_reference[:100],
            reason=action.reason[:500],
            # Starting intensified supervision is what this very call just did.
            done_on=held_on if action.kind is ActionKind.START_INTENSIFIED_SUPERVISION else None,
        )
        for action in decision.actions
        # §5b stk. 1 informs the parent board where there is one; private childminding has none.
        if has_board or action.kind is not ActionKind.INFORM_PARENT_BOARD
    )
    session.add_all(actions)
    session.flush()
    return AppliedEscalation(decision, episode, actions)
