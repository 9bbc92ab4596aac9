"""The provider's own observations: recording and reading them, and setting them beside a visit's observations.

The rules (which visit they sit beside, how they are compared, that they never count) are domain.own_observations;
scoring is domain.instruments, the same functions the assessment uses. Nothing here writes an assessment.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, col, select

from api.pagination import Page, SortKey, paginate
from api.principal import Principal
from api.schemas.own_observation import (
    OwnObservationBeside,
    OwnObservationCreate,
    OwnObservationsSideBySide,
    PartSideBySide,
    VisitDialogueView,
)
from api.services.common import in_request_body
from api.services.instruments import domain_instrument
from api.services.visits import observations_of
from api.tables import InstrumentVersion, OwnObservation, Provider, Unit, Visit
from domain.errors import DomainError, ErrorCode, Violation, invalid, not_found
from domain.instruments import score
from domain.own_observations import (
    DIFFERENCE_THRESHOLD,
    ObservationSource,
    PartComparison,
    Period,
    compare,
    period_of_visit,
)
from domain.states import RegisterStatus, VisitStatus

OWN_ORDER = (
    SortKey(OwnObservation.observed_on, descending=True),
    SortKey(OwnObservation.created_at, descending=True),
    SortKey(OwnObservation.id, descending=True),
)


def current_instrument(session: Session, municipality_id: uuid.UUID) -> InstrumentVersion | None:
    """The municipality's current instrument: the version it imported last."""
    statement = (
        select(InstrumentVersion)
        .where(InstrumentVersion.municipality_id == municipality_id)
        .order_by(col(InstrumentVersion.created_at).desc(), col(InstrumentVersion.id).desc())
    )
    return session.exec(statement).first()


def _instrument(session: Session, municipality_id: uuid.UUID, instrument_id: uuid.UUID | None) -> InstrumentVersion:
    if instrument_id is None:
        row = current_instrument(session, municipality_id)
        if row is None:
            raise invalid(
                "body.instrument_id", "Your municipality has no instrument yet; the administration imports one."
            )
        return row
    row = session.get(InstrumentVersion, instrument_id)
    if row is None or row.municipality_id != municipality_id:
        raise invalid("body.instrument_id", "No instrument with that id in your municipality.")
    return row


def _check(session: Session, provider: Provider, data: OwnObservationCreate, today: date) -> list[Violation]:
    found: list[Violation] = []
    if data.observed_on > today:
        found.append(Violation("body.observed_on", "An observation is recorded after it was made; not in the future."))
    if data.unit_id is not None:
        unit = session.get(Unit, data.unit_id)
        if unit is None or unit.provider_id != provider.id:
            found.append(Violation("body.unit_id", f"Not a unit of {provider.name}."))
        elif unit.status != RegisterStatus.ACTIVE:
            found.append(Violation("body.unit_id", f"The unit {unit.name} is closed."))
    if not data.scores and not data.notes:
        found.append(Violation("body", "An observation needs scores or notes."))
    return found


def record(
    session: Session, principal: Principal, provider: Provider, data: OwnObservationCreate, today: date
) -> OwnObservation:
    """Record an own observation; the scores are checked against the instrument exactly as a supervisor's are."""
    if provider.status != RegisterStatus.ACTIVE:
        raise DomainError(ErrorCode.CONFLICT, f"{provider.name} is closed; a closed provider is not observed.")
    found = _check(session, provider, data, today)
    instrument = None
    try:
        instrument = _instrument(session, provider.municipality_id, data.instrument_id)
    except DomainError as exc:
        found += exc.violations
    if instrument is not None and data.scores:
        try:
            # Validation only (the threshold does not matter): the scores are checked as a supervisor's are.
            score(domain_instrument(instrument), data.scores, 1)
        except DomainError as exc:
            found += in_request_body(exc).violations
    if found or instrument is None:
        raise DomainError(ErrorCode.INVALID_INPUT, " ".join(v.message for v in found), found)
    row = OwnObservation(
        municipality_id=provider.municipality_id,
        provider_id=provider.id,
        unit_id=data.unit_id,
        instrument_id=instrument.id,
        observed_on=data.observed_on,
        scores=data.scores,
        notes=data.notes,
        recorded_by=principal.subject,
        recorded_by_role=principal.role.value,
    )
    session.add(row)
    session.flush()
    return row


def list_own(
    session: Session,
    provider: Provider,
    *,
    unit_id: uuid.UUID | None,
    observed_from: date | None,
    observed_to: date | None,
    cursor: str | None,
    limit: int,
) -> Page[OwnObservation]:
    statement = select(OwnObservation).where(OwnObservation.provider_id == provider.id)
    if unit_id is not None:
        statement = statement.where(OwnObservation.unit_id == unit_id)
    if observed_from is not None:
        statement = statement.where(OwnObservation.observed_on >= observed_from)
    if observed_to is not None:
        statement = statement.where(OwnObservation.observed_on <= observed_to)
    return paginate(session, statement, OWN_ORDER, cursor, limit)


def get_own(session: Session, principal: Principal, observation_id: uuid.UUID) -> OwnObservation:
    """The own observation, if the caller may see its provider; anyone else's is a 404."""
    row = session.get(OwnObservation, observation_id)
    if row is None or row.municipality_id != principal.municipality_id or not principal.sees_provider(row.provider_id):
        raise not_found("own observation")
    return row


# --- beside a visit -------------------------------------------------------------------------------------------


def _previous_held_on(session: Session, visit: Visit) -> date | None:
    """The day the provider's latest completed visit before this one was held."""
    statement = select(Visit.held_on).where(
        Visit.provider_id == visit.provider_id,
        Visit.id != visit.id,
        Visit.status == VisitStatus.COMPLETED,
        col(Visit.held_on).is_not(None),
    )
    if visit.held_on is not None:
        statement = statement.where(Visit.held_on < visit.held_on)
    return session.exec(statement.order_by(col(Visit.held_on).desc()).limit(1)).first()


def own_in_period(session: Session, provider_id: uuid.UUID, period: Period) -> list[OwnObservation]:
    statement = select(OwnObservation).where(OwnObservation.provider_id == provider_id)
    if period.after is not None:
        statement = statement.where(OwnObservation.observed_on > period.after)
    if period.up_to is not None:
        statement = statement.where(OwnObservation.observed_on <= period.up_to)
    order = (col(OwnObservation.observed_on).desc(), col(OwnObservation.created_at).desc(), OwnObservation.id)
    return list(session.exec(statement.order_by(*order)))


def _part(p: PartComparison) -> PartSideBySide:
    return PartSideBySide(**vars(p))


def side_by_side(session: Session, visit: Visit) -> OwnObservationsSideBySide:
    """The provider's own observations in the period the visit covers, compared per area and theme."""
    period = period_of_visit(visit.held_on, _previous_held_on(session, visit))
    own = own_in_period(session, visit.provider_id, period)
    supervisor = observations_of(session, visit)
    areas: list[PartSideBySide] = []
    themes: list[PartSideBySide] = []
    threshold = DIFFERENCE_THRESHOLD
    if visit.instrument_id is not None:
        instrument = domain_instrument(session.get_one(InstrumentVersion, visit.instrument_id))
        compared = [o.scores for o in own if o.instrument_id == visit.instrument_id]
        comparison = compare(instrument, [o.scores for o in supervisor], compared, threshold)
        areas, themes = [_part(a) for a in comparison.areas], [_part(t) for t in comparison.themes]
    listed = [
        OwnObservationBeside(
            id=o.id,
            source=ObservationSource.PROVIDER,
            observed_on=o.observed_on,
            unit_id=o.unit_id,
            instrument_id=o.instrument_id,
            recorded_by_role=o.recorded_by_role,
            compared=visit.instrument_id is not None and o.instrument_id == visit.instrument_id,
            notes=o.notes,
        )
        for o in own
    ]
    return OwnObservationsSideBySide(
        source=ObservationSource.PROVIDER,
        counted=False,
        observed_after=period.after,
        observed_up_to=period.up_to,
        instrument_id=visit.instrument_id,
        threshold_points=threshold,
        supervisor_observations=len(supervisor),
        own_observations=listed,
        areas=areas,
        themes=themes,
    )


def dialogue_view(session: Session, visit: Visit) -> VisitDialogueView:
    return VisitDialogueView(
        visit_id=visit.id,
        provider_id=visit.provider_id,
        held_on=visit.dialogue_held_on,
        participants=list(visit.dialogue_participants),
        summary=visit.dialogue_summary,
        side_by_side=side_by_side(session, visit),
    )
