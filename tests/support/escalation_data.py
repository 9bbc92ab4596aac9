"""Rows for escalation tests, made directly: visits, assessments, intensified supervision and plans.

Visit completion (which makes these rows in the running service) is tested on its own; these factories
let the tests of intensified supervision and action plans start from any point of the §5b ladder.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from api.tables import (
    ActionPlan,
    ActionPlanItem,
    Assessment,
    IntensifiedSupervision,
    Provider,
    RequiredAction,
    UserAccount,
    Visit,
)
from domain.escalation import ActionKind, EscalationState
from domain.policy import ConcernLevel


def _save(db: Session, row: Any) -> Any:
    db.add(row)
    db.commit()
    return row


def visit(db: Session, provider: Provider, supervisor: UserAccount, held_on: date | None, **overrides: Any) -> Visit:
    """A visit of `provider` led by `supervisor`: completed on `held_on`, or planned when `held_on` is None."""
    values = {
        "kind": "announced",
        "status": "completed" if held_on else "planned",
        "planned_on": held_on or date(2026, 1, 1),
        "held_on": held_on,
        **overrides,
    }
    return _save(
        db,
        Visit(municipality_id=provider.municipality_id, provider_id=provider.id, supervisor_id=supervisor.id, **values),
    )


def assessment(db: Session, of: Visit, concern: ConcernLevel, **overrides: Any) -> Assessment:
    """The provider-level assessment (unit_id null) of a completed visit, made the day it was held."""
    values = {"assessed_on": of.held_on, "concern": concern.value, "policy_version_number": 0, **overrides}
    return _save(db, Assessment(visit_id=of.id, provider_id=of.provider_id, **values))


def intensified(
    db: Session,
    provider: Provider,
    started_on: date,
    *,
    state: EscalationState = EscalationState.INTENSIFIED_WITH_ACTION_PLAN,
    concern: ConcernLevel = ConcernLevel.SERIOUS,
    started_by: Visit | None = None,
    **overrides: Any,
) -> IntensifiedSupervision:
    return _save(
        db,
        IntensifiedSupervision(
            municipality_id=provider.municipality_id,
            provider_id=provider.id,
            state=state.value,
            concern=concern.value,
            started_on=started_on,
            started_by_visit_id=started_by.id if started_by else None,
            **overrides,
        ),
    )


def required_action(
    db: Session, episode: IntensifiedSupervision, kind: ActionKind, due_on: date, **overrides: Any
) -> RequiredAction:
    values = {"legal_reference": "dagtilbudsloven §5b, stk. 4-5", "reason": f"Test: {kind.label_da}.", **overrides}
    return _save(
        db,
        RequiredAction(
            provider_id=episode.provider_id, intensified_id=episode.id, kind=kind.value, due_on=due_on, **values
        ),
    )


def serious_concern(
    db: Session, provider: Provider, supervisor: UserAccount, on: date, plan_due_on: date | None = None
) -> tuple[IntensifiedSupervision, Visit]:
    """What completing a visit with serious concern leaves behind: the visit and its assessment, intensified
    supervision with an action plan, and the plan required by `plan_due_on` (default: 30 days on)."""
    started_by = visit(db, provider, supervisor, on)
    assessment(db, started_by, ConcernLevel.SERIOUS, percent=22.5, band_key="poor", band_label="ringe")
    episode = intensified(db, provider, on, started_by=started_by)
    due_on = plan_due_on or on + timedelta(days=30)
    required_action(db, episode, ActionKind.MAKE_ACTION_PLAN, due_on, visit_id=started_by.id)
    return episode, started_by


def plan(
    db: Session, episode: IntensifiedSupervision, supervisor: UserAccount, status: str = "draft", **overrides: Any
) -> ActionPlan:
    values = {"due_on": episode.started_on + timedelta(days=30), "leader_name": "Test Leder", **overrides}
    return _save(
        db,
        ActionPlan(
            municipality_id=episode.municipality_id,
            provider_id=episode.provider_id,
            intensified_id=episode.id,
            status=status,
            supervisor_id=supervisor.id,
            **values,
        ),
    )


def item(db: Session, of: ActionPlan, status: str = "open", **overrides: Any) -> ActionPlanItem:
    values = {
        "goal": "Sproglig udvikling ved måltider",
        "actions": "Personalet taler med børnene under frokosten.",
        "owner": "Pædagogisk leder",
        "deadline": of.due_on + timedelta(days=60),
        "success_criterion": "Observeret i alle grupper ved næste besøg.",
        **overrides,
    }
    return _save(db, ActionPlanItem(plan_id=of.id, status=status, **values))
