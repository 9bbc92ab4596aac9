"""Planning and conducting visits: who goes where (impartially), observations, and the dialogue during the visit."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, not_
from sqlmodel import Session, select

from api.pagination import Page, SortKey, paginate
from api.principal import Principal
from api.schemas.visit import Cancellation, Dialogue, ObservationCreate, VisitCreate, VisitUpdate
from api.services import impartiality
from api.services.common import refuse_nulls
from api.services.instruments import domain_instrument
from api.tables import InstrumentVersion, Observation, Provider, Unit, Visit
from domain.access import Role
from domain.compliance import DataSource
from domain.cycle import VisitKind
from domain.errors import DomainError, ErrorCode, Violation, invalid, not_found
from domain.impartiality import Act
from domain.instruments import score
from domain.states import RegisterStatus, VisitStatus

VISIT_ORDER = (SortKey(Visit.planned_on), SortKey(Visit.id))
SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMIN)


class _Problems:
    """Collects the 422s of several checks, so one answer names every bad value at once."""

    def __init__(self) -> None:
        self.found: list[Violation] = []

    def check(self, run: Callable[..., Any], *args: Any) -> Any:
        try:
            return run(*args)
        except DomainError as exc:
            if exc.code is not ErrorCode.INVALID_INPUT:
                raise
            self.found += exc.violations or [Violation("body", exc.detail)]
            return None

    def add(self, location: str, message: str) -> None:
        self.found.append(Violation(location, message))

    def raise_any(self) -> None:
        if self.found:
            raise DomainError(ErrorCode.INVALID_INPUT, " ".join(v.message for v in self.found), self.found)


def data_source_values(sources: list[DataSource]) -> list[str]:
    """The data sources as stored: their slugs, each once, in the order given."""
    return [DataSource(s).value for s in dict.fromkeys(sources)]


def require_planned(visit: Visit, doing: str) -> None:
    if visit.status != VisitStatus.PLANNED:
        raise DomainError(ErrorCode.CONFLICT, f"The visit is {visit.status}; only a planned visit can be {doing}.")


def _active_provider(session: Session, principal: Principal, provider_id: uuid.UUID) -> Provider:
    provider = session.get(Provider, provider_id)
    if provider is None or provider.municipality_id != principal.municipality_id:
        raise invalid("body.provider_id", "No provider with that id in your municipality.")
    if provider.status != RegisterStatus.ACTIVE:
        raise DomainError(ErrorCode.CONFLICT, f"{provider.name} is closed; a closed provider is not visited.")
    return provider


def _unit_ids(session: Session, provider: Provider, unit_ids: list[uuid.UUID]) -> list[str]:
    problems = _Problems()
    for i, unit_id in enumerate(unit_ids):
        unit = session.get(Unit, unit_id)
        if unit is None or unit.provider_id != provider.id:
            problems.add(f"body.unit_ids.{i}", f"Not a unit of {provider.name}.")
        elif unit.status != RegisterStatus.ACTIVE:
            problems.add(f"body.unit_ids.{i}", f"The unit {unit.name} is closed.")
    problems.raise_any()
    return [str(u) for u in dict.fromkeys(unit_ids)]


def _instrument(session: Session, municipality_id: uuid.UUID, kind: str, instrument_id: uuid.UUID | None) -> None:
    if instrument_id is None:
        if kind == VisitKind.ANNOUNCED:
            raise invalid(
                "body.instrument_id", "An announced visit needs an instrument for its systematic observation."
            )
        return
    row = session.get(InstrumentVersion, instrument_id)
    if row is None or row.municipality_id != municipality_id:
        raise invalid("body.instrument_id", "No instrument with that id in your municipality.")


def _supervisor(session: Session, provider: Provider, user_id: uuid.UUID) -> None:
    user = impartiality.active_user(session, provider.municipality_id, user_id, "body.supervisor_id")
    if user.role not in SUPERVISING_ROLES:
        raise invalid("body.supervisor_id", f"{user.full_name} is {user.role}; a supervisor or admin leads a visit.")
    impartiality.require_impartial(
        session, Act.CONDUCT_VISIT, provider.id, person=user, role_in_act="supervisor", location="body.supervisor_id"
    )


def _co_observer(session: Session, provider: Provider, user_id: uuid.UUID | None, supervisor_id: uuid.UUID) -> None:
    if user_id is None:
        return
    if user_id == supervisor_id:
        raise invalid("body.co_observer_id", "The co-observer must be another person than the supervisor.")
    user = impartiality.active_user(session, provider.municipality_id, user_id, "body.co_observer_id")
    impartiality.require_impartial(
        session, Act.CONDUCT_VISIT, provider.id, person=user, role_in_act="co-observer", location="body.co_observer_id"
    )


def _check_people(problems: _Problems, session: Session, provider: Provider, values: dict[str, Any]) -> None:
    problems.check(_supervisor, session, provider, values["supervisor_id"])
    problems.check(_co_observer, session, provider, values["co_observer_id"], values["supervisor_id"])


def require_impartial_now(session: Session, visit: Visit) -> None:
    """Whoever completes the visit, and everyone on it, must be impartial now (domain.impartiality).

    The people on the visit were checked when they were assigned, so a tie found now was recorded after that:
    a 409 (assign someone else first), as for any tie that appears after the thing acted on was begun.
    """
    impartiality.require_impartial(session, Act.COMPLETE_VISIT, visit.provider_id, begun_at=visit.created_at)
    provider = session.get(Provider, visit.provider_id)
    problems = _Problems()
    _check_people(
        problems, session, provider, {"supervisor_id": visit.supervisor_id, "co_observer_id": visit.co_observer_id}
    )
    if problems.found:
        detail = " ".join(v.message for v in problems.found)
        raise DomainError(ErrorCode.CONFLICT, f"{detail} Assign someone else to the visit first.")


def create_visit(session: Session, principal: Principal, data: VisitCreate) -> Visit:
    provider = _active_provider(session, principal, data.provider_id)
    problems = _Problems()
    problems.check(impartiality.require_impartial, session, Act.PLAN_VISIT, provider.id)
    unit_ids = problems.check(_unit_ids, session, provider, data.unit_ids)
    problems.check(_instrument, session, principal.municipality_id, data.kind, data.instrument_id)
    _check_people(problems, session, provider, data.model_dump())
    problems.raise_any()
    visit = Visit(
        municipality_id=principal.municipality_id,
        provider_id=provider.id,
        kind=data.kind,
        planned_on=data.planned_on,
        unit_ids=unit_ids,
        supervisor_id=data.supervisor_id,
        co_observer_id=data.co_observer_id,
        instrument_id=data.instrument_id,
        notes=data.notes,
        data_sources=data_source_values(data.data_sources),
        based_on_curriculum=data.based_on_curriculum,
    )
    session.add(visit)
    session.flush()
    return visit


def provider_visible(principal: Principal) -> tuple[ColumnElement[bool], ...]:
    """The visits a provider-bound caller sees: their own provider's, but never a planned unannounced one.

    A planned unannounced visit does not exist for the provider's own people: listing it would announce it.
    """
    planned_unannounced = and_(Visit.kind == VisitKind.UNANNOUNCED, Visit.status == VisitStatus.PLANNED)
    return Visit.provider_id == principal.provider_id, not_(planned_unannounced)


def list_visits(
    session: Session,
    principal: Principal,
    *,
    provider_id: uuid.UUID | None,
    kind: VisitKind | None,
    status: VisitStatus | None,
    planned_from: date | None,
    planned_to: date | None,
    cursor: str | None,
    limit: int,
) -> Page[Visit]:
    statement = select(Visit).where(Visit.municipality_id == principal.municipality_id)
    if principal.role.is_provider_bound:
        statement = statement.where(*provider_visible(principal))
    filters = [
        (provider_id, lambda: Visit.provider_id == provider_id),
        (kind, lambda: Visit.kind == kind),
        (status, lambda: Visit.status == status),
        (planned_from, lambda: Visit.planned_on >= planned_from),
        (planned_to, lambda: Visit.planned_on <= planned_to),
    ]
    for value, clause in filters:
        if value is not None:
            statement = statement.where(clause())
    return paginate(session, statement, VISIT_ORDER, cursor, limit)


def observations_of(session: Session, visit: Visit) -> list[Observation]:
    return list(
        session.exec(
            select(Observation).where(Observation.visit_id == visit.id).order_by(Observation.created_at, Observation.id)
        )
    )


def update_visit(session: Session, visit: Visit, data: VisitUpdate) -> Visit:
    impartiality.require_impartial(session, Act.PLAN_VISIT, visit.provider_id, begun_at=visit.created_at)
    require_planned(visit, "changed")
    values = data.model_dump(exclude_unset=True)
    refuse_nulls(
        values, ("planned_on", "unit_ids", "supervisor_id", "strengths", "data_sources", "based_on_curriculum")
    )
    if "data_sources" in values:
        values["data_sources"] = data_source_values(values["data_sources"])
    provider = session.get(Provider, visit.provider_id)
    merged = {
        "supervisor_id": values.get("supervisor_id", visit.supervisor_id),
        "co_observer_id": values.get("co_observer_id", visit.co_observer_id),
        "instrument_id": values.get("instrument_id", visit.instrument_id),
    }
    observations = observations_of(session, visit)
    problems = _Problems()
    if "unit_ids" in values:
        values["unit_ids"] = problems.check(_unit_ids, session, provider, values["unit_ids"])
        observed = {str(o.unit_id) for o in observations if o.unit_id is not None}
        if values["unit_ids"] is not None and observed - set(values["unit_ids"]):
            problems.add("body.unit_ids", "A unit with recorded observations cannot be taken off the visit.")
    if "instrument_id" in values and merged["instrument_id"] != visit.instrument_id:
        problems.check(_instrument, session, visit.municipality_id, visit.kind, merged["instrument_id"])
        if any(o.scores for o in observations):
            problems.add("body.instrument_id", "Observations are scored against the instrument; it cannot change now.")
    _check_people(problems, session, provider, merged)
    problems.raise_any()
    for key, value in values.items():
        setattr(visit, key, value)
    session.flush()
    return visit


def cancel_visit(session: Session, visit: Visit, data: Cancellation) -> Visit:
    impartiality.require_impartial(session, Act.CANCEL_VISIT, visit.provider_id, begun_at=visit.created_at)
    require_planned(visit, "cancelled")
    visit.status, visit.cancelled_reason = VisitStatus.CANCELLED, data.reason
    session.flush()
    return visit


def _check_scores(instrument_row: InstrumentVersion, scores: dict[str, int | None]) -> None:
    try:
        # The threshold does not matter here: only the scores' validity against the instrument is wanted.
        score(domain_instrument(instrument_row), scores, 1)
    except DomainError as exc:
        raise DomainError(
            ErrorCode.INVALID_INPUT, exc.detail, [Violation(f"body.{v.location}", v.message) for v in exc.violations]
        ) from exc


def record_observation(session: Session, principal: Principal, visit: Visit, data: ObservationCreate) -> Observation:
    impartiality.require_impartial(session, Act.RECORD_OBSERVATION, visit.provider_id, begun_at=visit.created_at)
    require_planned(visit, "observed")
    problems = _Problems()
    if data.unit_id is not None and str(data.unit_id) not in visit.unit_ids:
        problems.add("body.unit_id", "Not one of the visit's units; add the unit to the visit first.")
    if data.scores and visit.instrument_id is None:
        problems.add("body.scores", "The visit has no instrument to score against; record notes, or set one first.")
    elif data.scores:
        problems.check(_check_scores, session.get(InstrumentVersion, visit.instrument_id), data.scores)
    if not data.scores and not data.notes:
        problems.add("body", "An observation needs scores or notes.")
    problems.raise_any()
    observation = Observation(
        visit_id=visit.id, unit_id=data.unit_id, scores=data.scores, notes=data.notes, observed_by=principal.name
    )
    session.add(observation)
    session.flush()
    return observation


def get_observation(session: Session, visit: Visit, observation_id: uuid.UUID) -> Observation:
    row = session.get(Observation, observation_id)
    if row is None or row.visit_id != visit.id:
        raise not_found("observation")
    return row


def record_dialogue(session: Session, visit: Visit, data: Dialogue) -> Visit:
    impartiality.require_impartial(session, Act.RECORD_DIALOGUE, visit.provider_id, begun_at=visit.created_at)
    require_planned(visit, "given its dialogue record")
    visit.dialogue_held_on = data.held_on
    visit.dialogue_participants = list(data.participants)
    visit.dialogue_summary = data.summary
    session.flush()
    return visit
