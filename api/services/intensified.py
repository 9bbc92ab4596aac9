"""Intensified supervision: the list, one period with what it requires, and the administration's decision to end it."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from api.pagination import Page, SortKey, paginate
from api.principal import Principal
from api.schemas.intensified import (
    ActionPlanRef,
    CauseUnit,
    CompletedVisit,
    IntensifiedDetail,
    IntensifiedEnd,
    IntensifiedRead,
    RequiredActionRead,
)
from api.services import impartiality
from api.services.escalation import add_required_actions
from api.services.policy import policy_in_force
from api.tables import ActionPlan, Assessment, IntensifiedSupervision, Provider, RequiredAction, Unit, Visit
from domain import assessment as domain_assessment
from domain import intensified as rule
from domain.errors import DomainError, ErrorCode, Violation
from domain.escalation import EscalationState
from domain.intensified import end_intensified, next_intensified_visit_due
from domain.policy import ConcernLevel
from domain.states import PlanStatus, VisitStatus

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
        Visit.status == VisitStatus.COMPLETED,
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
    names = _unit_names(session, row)
    return IntensifiedDetail(
        **{name: getattr(row, name) for name in IntensifiedRead.model_fields},
        cause_units=[CauseUnit(id=unit_id, name=name) for unit_id, name in names.items()],
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


def _unit_names(session: Session, row: IntensifiedSupervision) -> dict[uuid.UUID, str]:
    """The units that caused the period, id -> name, in the order it names them."""
    ids = [uuid.UUID(u) for u in row.cause_unit_ids]
    if not ids:
        return {}
    names = dict(session.exec(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())
    return {unit_id: names.get(unit_id, str(unit_id)) for unit_id in ids}


def _cause_units(session: Session, row: IntensifiedSupervision) -> list[rule.CauseUnit]:
    """Each unit that caused the period with its latest assessment since the start (the domain judges it)."""
    names = _unit_names(session, row)
    if not names:
        return []
    since_start = session.exec(
        select(Assessment)
        .where(
            Assessment.provider_id == row.provider_id,
            Assessment.unit_id.in_(list(names)),
            Assessment.assessed_on > row.started_on,
        )
        .order_by(Assessment.assessed_on.desc(), Assessment.created_at.desc())
    ).all()
    latest: dict[uuid.UUID, Assessment] = {}
    for assessment in since_start:
        latest.setdefault(assessment.unit_id, assessment)
    return [
        rule.CauseUnit(
            str(unit_id),
            name,
            _as_domain(latest.get(unit_id)),
            latest[unit_id].assessed_on if unit_id in latest else None,
        )
        for unit_id, name in names.items()
    ]


def _as_domain(row: Assessment | None) -> domain_assessment.Assessment | None:
    if row is None:
        return None
    # Ending reads only the concern level and whether there is a percent, so the band is not rebuilt.
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
            cause_units=_cause_units(session, row),
        )
    except DomainError as exc:
        violations = [Violation(_API_LOCATION.get(v.location, v.location), v.message) for v in exc.violations]
        raise DomainError(exc.code, exc.detail, violations) from exc
    row.ended_on, row.end_grounds, row.ended_by = today, decision.grounds, principal.name
    # Tied to the assessment that allowed the end, so informing the board of it closes this too.
    provider = session.get(Provider, row.provider_id)
    add_required_actions(session, provider, decision.actions, intensified_id=row.id, visit_id=latest.visit_id)
    session.flush()
    return row
