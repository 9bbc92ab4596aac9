"""Registering, triaging and following up concern notices, and showing them without leaking who reported.

Two things are withheld from callers who may not see them:
- who reported (`reporter_*`): personal data, for the administration and supervisors only;
- the unannounced visit a notice led to, while it is still planned: the provider's own people would otherwise
  learn that a visit is coming. For them the notice looks as it did after triage until the visit is held.

Triaging a notice and linking a visit to it are acts of supervision: a supervisor or admin with a tie to the provider
is refused (domain.impartiality). Registering a notice as it was received is not, nor is an integration client.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import and_, exists, not_, or_
from sqlmodel import Session, select

from api.pagination import Page, SortKey, paginate
from api.principal import Principal
from api.schemas.concern import (
    ConcernNoticeCreate,
    ConcernNoticeRead,
    ConcernSource,
    LinkVisit,
    Triage,
)
from api.services import impartiality
from api.tables import ConcernNotice, Provider, Visit
from domain.access import Permission
from domain.errors import DomainError, ErrorCode, Violation, invalid
from domain.impartiality import Act
from domain.states import ConcernStatus, VisitStatus

NEWEST_FIRST = (SortKey(ConcernNotice.received_on, descending=True), SortKey(ConcernNotice.id, descending=True))
_UNANNOUNCED = "unannounced"


def _conflict(detail: str) -> DomainError:
    return DomainError(ErrorCode.CONFLICT, detail)


def create_notice(session: Session, principal: Principal, data: ConcernNoticeCreate, today: date) -> ConcernNotice:
    provider = session.get(Provider, data.provider_id)
    if provider is None or provider.municipality_id != principal.municipality_id:
        raise invalid("body.provider_id", "No provider with this id in your municipality.")
    problems = []
    if data.received_on > today:
        problems.append(Violation("body.received_on", "A concern cannot be received in the future."))
    if data.source is ConcernSource.ANONYMOUS:
        # Anonymous means the reporter is not known; storing a name or contact anyway would defeat it.
        problems += [
            Violation(f"body.{field}", "An anonymous notice has no reporter; leave it out or choose another source.")
            for field in ("reporter_name", "reporter_contact")
            if getattr(data, field) is not None
        ]
    if problems:
        raise DomainError(ErrorCode.INVALID_INPUT, problems[0].message, problems)
    notice = ConcernNotice(**data.model_dump(), municipality_id=principal.municipality_id)
    session.add(notice)
    session.flush()
    return notice


def list_notices(
    session: Session,
    principal: Principal,
    *,
    provider_id: uuid.UUID | None,
    status: ConcernStatus | None,
    received_from: date | None,
    received_to: date | None,
    cursor: str | None,
    limit: int,
) -> Page[ConcernNotice]:
    statement = select(ConcernNotice).where(ConcernNotice.municipality_id == principal.municipality_id)
    if principal.role.is_provider_bound:
        statement = statement.where(ConcernNotice.provider_id == principal.provider_id)
    if provider_id is not None:
        statement = statement.where(ConcernNotice.provider_id == provider_id)
    if status is not None:
        statement = statement.where(_status_filter(principal, status))
    if received_from is not None:
        statement = statement.where(ConcernNotice.received_on >= received_from)
    if received_to is not None:
        statement = statement.where(ConcernNotice.received_on <= received_to)
    return paginate(session, statement, NEWEST_FIRST, cursor, limit)


def _status_filter(principal: Principal, status: ConcernStatus):  # type: ignore[no-untyped-def]
    """Filter by the status the caller is shown, so a filter cannot reveal a planned visit either."""
    if not principal.role.is_provider_bound:
        return ConcernNotice.status == status
    visit_still_planned = exists().where(Visit.id == ConcernNotice.visit_id, Visit.status == VisitStatus.PLANNED)
    if status is ConcernStatus.TRIAGED:
        return or_(
            ConcernNotice.status == ConcernStatus.TRIAGED,
            and_(ConcernNotice.status == ConcernStatus.VISIT_PLANNED, visit_still_planned),
        )
    if status is ConcernStatus.VISIT_PLANNED:
        return and_(ConcernNotice.status == ConcernStatus.VISIT_PLANNED, not_(visit_still_planned))
    return ConcernNotice.status == status


def triage(session: Session, notice: ConcernNotice, data: Triage) -> ConcernNotice:
    impartiality.require_impartial(session, Act.TRIAGE_CONCERN, notice.provider_id, begun_at=notice.created_at)
    if notice.status != ConcernStatus.RECEIVED:
        raise _conflict(f"The notice is already {notice.status}; only a received notice can be triaged.")
    notice.status, notice.triage_note = data.status.value, data.note
    session.flush()
    return notice


def link_visit(session: Session, notice: ConcernNotice, data: LinkVisit) -> ConcernNotice:
    """Link the unannounced visit planned because of the notice; a cancelled one may be replaced."""
    impartiality.require_impartial(session, Act.LINK_CONCERN_VISIT, notice.provider_id, begun_at=notice.created_at)
    current = session.get(Visit, notice.visit_id) if notice.visit_id else None
    replaceable = (
        notice.status == ConcernStatus.VISIT_PLANNED and current is not None and current.status == VisitStatus.CANCELLED
    )
    if notice.status not in (ConcernStatus.RECEIVED, ConcernStatus.TRIAGED) and not replaceable:
        raise _conflict(
            f"The notice is {notice.status}; a visit can be linked to a received or triaged notice, "
            "or replace a cancelled one."
        )
    visit = session.get(Visit, data.visit_id)
    if visit is None or visit.municipality_id != notice.municipality_id:
        raise invalid("body.visit_id", "No visit with this id in your municipality.")
    if visit.provider_id != notice.provider_id:
        raise invalid("body.visit_id", "The visit is to another provider than the one the concern is about.")
    if visit.kind != _UNANNOUNCED:
        raise invalid("body.visit_id", f"A concern is followed up by an unannounced visit; this one is {visit.kind}.")
    if visit.status == VisitStatus.CANCELLED:
        raise invalid("body.visit_id", "The visit is cancelled.")
    notice.status, notice.visit_id = ConcernStatus.VISIT_PLANNED.value, visit.id
    session.flush()
    return notice


def _planned_visits(session: Session, notices: list[ConcernNotice]) -> set[uuid.UUID]:
    ids = {n.visit_id for n in notices if n.visit_id is not None}
    if not ids:
        return set()
    return set(session.exec(select(Visit.id).where(Visit.id.in_(ids), Visit.status == VisitStatus.PLANNED)).all())  # type: ignore[union-attr]


def as_reads(session: Session, principal: Principal, notices: list[ConcernNotice]) -> list[ConcernNoticeRead]:
    """The notices as this caller may see them (see the module docstring)."""
    hidden_visits = _planned_visits(session, notices) if principal.role.is_provider_bound else set()
    may_see_reporter = principal.can(Permission.CONCERNS_REPORTER)
    reads = []
    for notice in notices:
        # Built field by field, so a withheld value never enters the response model at all.
        values = {name: getattr(notice, name) for name in ConcernNoticeRead.model_fields if name != "reporter_hidden"}
        if not may_see_reporter:
            values |= {"reporter_name": None, "reporter_contact": None}
        if notice.visit_id in hidden_visits:
            values |= {"visit_id": None, "status": ConcernStatus.TRIAGED}
        reads.append(ConcernNoticeRead(**values, reporter_hidden=not may_see_reporter))
    return reads


def as_read(session: Session, principal: Principal, notice: ConcernNotice) -> ConcernNoticeRead:
    return as_reads(session, principal, [notice])[0]
