"""Importing, listing and reading observation instrument versions; the demo instrument for new municipalities."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from api.pagination import Page, SortKey, paginate
from api.principal import Principal
from api.schemas.instrument import InstrumentDefinition, InstrumentRead, InstrumentSummary
from api.services.common import in_request_body
from api.tables import InstrumentVersion
from domain.errors import DomainError, ErrorCode, Violation, not_found
from domain.instruments import DEMO_INSTRUMENT, Instrument

INSTRUMENT_ORDER = (SortKey(InstrumentVersion.key), SortKey(InstrumentVersion.version), SortKey(InstrumentVersion.id))
DEMO_CREATOR = "tilsyn (demo-instrument)"


def _find(session: Session, municipality_id: uuid.UUID, key: str, version: str) -> InstrumentVersion | None:
    return session.exec(
        select(InstrumentVersion).where(
            InstrumentVersion.municipality_id == municipality_id,
            InstrumentVersion.key == key,
            InstrumentVersion.version == version,
        )
    ).first()


def _store(
    session: Session,
    municipality_id: uuid.UUID,
    instrument: Instrument,
    created_by: str,
    source_model_id: uuid.UUID | None = None,
) -> InstrumentVersion:
    row = InstrumentVersion(
        municipality_id=municipality_id,
        key=instrument.key,
        version=instrument.version,
        name=instrument.name,
        definition=instrument.to_dict(),
        source_model_id=source_model_id,
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return row


def import_instrument(session: Session, principal: Principal, data: InstrumentDefinition) -> InstrumentVersion:
    """Validate the definition as a whole and store it as a new version; a version is never replaced."""
    try:
        instrument = Instrument.from_dict(data.model_dump(mode="json"))
    except DomainError as exc:
        raise in_request_body(exc) from exc
    return store_new_version(session, principal, instrument, "body.version")


def store_new_version(
    session: Session,
    principal: Principal,
    instrument: Instrument,
    location: str,
    source_model_id: uuid.UUID | None = None,
) -> InstrumentVersion:
    """Store a validated instrument as a new version of the caller's municipality; an existing one is a 409."""
    if _find(session, principal.municipality_id, instrument.key, instrument.version) is not None:
        # Old observations were scored against the stored version; replacing it would change their meaning.
        message = f"Version {instrument.version} of `{instrument.key}` exists already; import it as a new version."
        raise DomainError(ErrorCode.DUPLICATE, message, [Violation(location, message)])
    return _store(session, principal.municipality_id, instrument, principal.name, source_model_id)


def ensure_demo_instrument(session: Session, municipality_id: uuid.UUID) -> InstrumentVersion:
    """The municipality's copy of the shipped demo instrument (KIDS's structure, neutral texts), stored if absent."""
    existing = _find(session, municipality_id, DEMO_INSTRUMENT.key, DEMO_INSTRUMENT.version)
    return existing or _store(session, municipality_id, DEMO_INSTRUMENT, DEMO_CREATOR)


def list_instruments(
    session: Session, principal: Principal, *, key: str | None, cursor: str | None, limit: int
) -> Page[InstrumentVersion]:
    statement = select(InstrumentVersion).where(InstrumentVersion.municipality_id == principal.municipality_id)
    if key:
        statement = statement.where(InstrumentVersion.key == key)
    return paginate(session, statement, INSTRUMENT_ORDER, cursor, limit)


def get_instrument(session: Session, municipality_id: uuid.UUID, instrument_id: uuid.UUID) -> InstrumentVersion:
    """The instrument version, if it is the municipality's; another municipality's is a 404."""
    row = session.get(InstrumentVersion, instrument_id)
    if row is None or row.municipality_id != municipality_id:
        raise not_found("instrument")
    return row


def domain_instrument(row: InstrumentVersion) -> Instrument:
    """The stored definition as the domain's value, to score observations against."""
    return Instrument.from_dict(row.definition)


def as_summary(row: InstrumentVersion) -> InstrumentSummary:
    return InstrumentSummary(
        id=row.id,
        key=row.key,
        version=row.version,
        name=row.name,
        item_count=sum(len(t["items"]) for a in row.definition["areas"] for t in a["themes"]),
        created_by=row.created_by,
        created_at=row.created_at,
    )


def as_read(row: InstrumentVersion) -> InstrumentRead:
    return InstrumentRead(**as_summary(row).model_dump(), areas=row.definition["areas"])
