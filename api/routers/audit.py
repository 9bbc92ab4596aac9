"""The audit trail, for the administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AwareDatetime
from sqlmodel import select

from api.deps import SessionDep, require
from api.errors import problem_responses
from api.pagination import DEFAULT_LIMIT, SortKey, link_next, paginate
from api.principal import Principal
from api.schemas.audit import AuditEventPage, AuditEventRead
from api.schemas.common import Limit
from api.tables import AuditEvent
from domain.access import Permission

router = APIRouter(prefix="/audit-events", tags=["audit"])
NEWEST_FIRST = (SortKey(AuditEvent.at, descending=True), SortKey(AuditEvent.id, descending=True))


@router.get(
    "", operation_id="audit-events-list", response_model=AuditEventPage, responses=problem_responses(401, 403, 422)
)
def list_audit_events(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Permission.AUDIT_READ))],
    entity_type: Annotated[str | None, Query(max_length=60, description="Only writes to this kind of record.")] = None,
    entity_id: Annotated[str | None, Query(max_length=60, description="Only writes to this record.")] = None,
    actor_id: Annotated[str | None, Query(max_length=200, description="Only writes by this user or client.")] = None,
    action: Annotated[
        str | None, Query(max_length=80, description="Only this operation, e.g. `providers-close`.")
    ] = None,
    since: Annotated[
        AwareDatetime | None, Query(description="Only writes at or after this time (ISO 8601 with zone).")
    ] = None,
    until: Annotated[
        AwareDatetime | None, Query(description="Only writes before this time (ISO 8601 with zone).")
    ] = None,
    cursor: Annotated[str | None, Query(description="Opaque cursor from the previous page's `next_cursor`.")] = None,
    limit: Limit = DEFAULT_LIMIT,
) -> AuditEventPage:
    """List who changed what, newest first."""
    statement = select(AuditEvent).where(AuditEvent.municipality_id == principal.municipality_id)
    for column, value in (
        (AuditEvent.entity_type, entity_type),
        (AuditEvent.entity_id, entity_id),
        (AuditEvent.actor_id, actor_id),
        (AuditEvent.action, action),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if since is not None:
        statement = statement.where(AuditEvent.at >= since)
    if until is not None:
        statement = statement.where(AuditEvent.at < until)
    page = paginate(session, statement, NEWEST_FIRST, cursor, limit)
    link_next(request, response, page.next_cursor)
    return AuditEventPage(items=[AuditEventRead.model_validate(e) for e in page.items], next_cursor=page.next_cursor)
