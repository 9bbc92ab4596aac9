"""Intensified supervision: the list, one period with what it requires, and the administration's decision to end it."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from api.pagination import Page, SortKey, paginate
from api.principal import Principal
from api.schemas.action_plan import PlanStatus
from api.schemas.intensified import (
    ActionPlanRef,
    CompletedVisit,
    IntensifiedDetail,
    IntensifiedEnd,
    IntensifiedRead,
    RequiredActionRead,
)
from api.services import impartiality
from api.services.policy import policy_in_force
from api.tables import ActionPlan, Assessment, IntensifiedSupervision, Provider, RequiredAction, Visit
from domain import assessment as domain_assessment
from domain.errors import DomainError, ErrorCode, Violation
from domain.escalation import ActionKind, EscalationState, end_intensified, next_intensified_visit_due
from domain.policy import ConcernLevel

# The domain names the conditions; the one that is an input value is pointed at in the request body.
_API_LOCATION = {"grounds": "body.grounds"}


NEWEST_FIRST = (
    SortKey(IntensifiedSupervision.started_on, descending=True),
    SortKey(IntensifiedSupervision.id, descending=True),
)


def list_intensified(
    session: Session,
    principal: Principal,
    *,
    provider_id: uuid.UUID | None,
    open_: bool | None,
    cursor: str | None,
    limit: int,
) -> Page[IntensifiedSupervision]:
    table = IntensifiedSupervision
    statement = select(table).where(table.municipality_id == principal.municipality_id)
    if principal.role.is_provider_bound:
        statement = statement.where(table.provider_id == principal.provider_id)
    if provider_id is not None:
        statement = statement.where(table.provider_id == provider_id)
    if open_ is not None:
        statement = statement.where(table.ended_on.is_(None) if open_ else table.ended_on.is_not(None))
    return paginate(session, statement, NEWEST_FIRST, cursor, limit)


def visits_since_start(session: Session, row: IntensifiedSupervision) -> list[Visit]:
    """Visits completed after the start day (the visit that started it does not count) and not after its end."""
    statement = select(Visit).where(
        Visit.provider_id == row.provider_id,
        Visit.status == "completed",
        Visit.held_on.is_not(None),
        Visit.held_on > row.started_on,
    )
    if row.ended_on is not None:
        statement = statement.where(Visit.held_on <= row.ended_on)
    return list(session.exec(statement.order_by(Visit.held_on, Visit.id)))


def plans_of(session: Session, row: IntensifiedSupervision) -> list[ActionPlan]:
    """The period's action plans, oldest first."""
    return list(
        session.exec(
            select(ActionPlan).where(ActionPlan.intensified_id == row.id).order_by(ActionPlan.created_at, ActionPlan.id)
        )
    )


def detail(session: Session, row: IntensifiedSupervision, today: date) -> IntensifiedDetail:
    actions = session.exec(
        select(RequiredAction)
        .where(RequiredAction.intensified_id == row.id)
        .order_by(RequiredAction.due_on, RequiredAction.created_at, RequiredAction.id)
    ).all()
    visits = visits_since_start(session, row)
    next_due = None
    if row.ended_on is None:
        _, policy = policy_in_force(session, row.municipality_id, today)
        next_due = next_intensified_visit_due(visits[-1].held_on if visits else None, row.started_on, policy)
    return IntensifiedDetail(
        **{name: getattr(row, name) for name in IntensifiedRead.model_fields},
        required_actions=[RequiredActionRead.model_validate(a) for a in actions],
        visits_since_start=[CompletedVisit.model_validate(v) for v in visits],
        next_visit_due=next_due,
        action_plans=[ActionPlanRef.model_validate(p) for p in plans_of(session, row)],
    )


def _latest_provider_assessment(session: Session, provider_id: uuid.UUID) -> Assessment | None:
    """The newest assessment of the provider as a whole; a unit's assessment cannot end the provider's period."""
    return session.exec(
        select(Assessment)
        .where(Assessment.provider_id == provider_id, Assessment.unit_id.is_(None))
        .order_by(Assessment.assessed_on.desc(), Assessment.created_at.desc())
    ).first()


def _as_domain(row: Assessment | None) -> domain_assessment.Assessment | None:
    if row is None:
        return None
    # Ending reads only the concern level, so the band is not rebuilt from the stored key.
    return domain_assessment.Assessment(
        percent=row.percent,
        band=None,
        concern_from_score=ConcernLevel(row.concern_from_score) if row.concern_from_score else None,
        concern=ConcernLevel(row.concern),
        justification=row.justification,
    )


def end(
    session: Session, principal: Principal, row: IntensifiedSupervision, data: IntensifiedEnd, today: date
) -> IntensifiedSupervision:
    """End the period by the administration's decision, or refuse naming every unmet condition at once."""
    impartiality.require_impartial(session, impartiality.Act.END_INTENSIFIED, row.provider_id, begun_at=row.created_at)
    if row.ended_on is not None:
        message = f"This intensified supervision already ended on {row.ended_on.isoformat()}."
        raise DomainError(ErrorCode.CONFLICT, message, [Violation("ended_on", message)])
    latest = _latest_provider_assessment(session, row.provider_id)
    plans = plans_of(session, row)
    _, policy = policy_in_force(session, row.municipality_id, today)
    try:
        decision = end_intensified(
            EscalationState(row.state),
            intensified_since=row.started_on,
            latest=_as_domain(latest),
            latest_assessed_on=latest.assessed_on if latest else None,
            action_plan_completed=bool(plans) and plans[-1].status == PlanStatus.COMPLETED,
            grounds=data.grounds,
            decided_on=today,
            policy=policy,
        )
    except DomainError as exc:
        violations = [Violation(_API_LOCATION.get(v.location, v.location), v.message) for v in exc.violations]
        raise DomainError(exc.code, exc.detail, violations) from exc
    row.ended_on, row.end_grounds, row.ended_by = today, decision.grounds, principal.name
    inform = decision.action(ActionKind.INFORM_PARENT_BOARD)
    if inform is not None and session.get(Provider, row.provider_id).has_parent_board:
        session.add(
            RequiredAction(
                provider_id=row.provider_id,
                intensified_id=row.id,
                # Tied to the assessment that allowed the end, so informing the board of it closes this too.
                visit_id=latest.visit_id,
                kind=inform.kind.value,
                due_on=inform.due,
                legal_reference=inform.legal_reference,
                reason=inform.reason,
            )
        )
    session.flush()
    return row
