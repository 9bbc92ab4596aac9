"""Observation instruments (KIDS, ECERS-3, local ones), imported as versioned definitions."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.deps import SessionDep, require
from api.errors import problem_responses
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.schemas.common import Limit
from api.schemas.instrument import InstrumentDefinition, InstrumentPage, InstrumentRead
from api.services import instruments as service
from domain.access import Permission

router = APIRouter(tags=["instruments"])

ReadInstruments = Annotated[Principal, Depends(require(Permission.INSTRUMENTS_READ))]
WriteInstruments = Annotated[Principal, Depends(require(Permission.INSTRUMENTS_WRITE))]
Cursor = Annotated[str | None, Query(description="Opaque cursor from the previous page's `next_cursor`.")]


@router.post(
    "/instruments",
    operation_id="instruments-create",
    response_model=InstrumentRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
)
def import_instrument(
    request: Request, response: Response, data: InstrumentDefinition, session: SessionDep, principal: WriteInstruments
) -> InstrumentRead:
    """Import an instrument definition as a new version; a 422 lists every problem in it at once."""
    row = service.import_instrument(session, principal, data)
    response.headers["Location"] = str(request.url_for("instruments-read", instrument_id=row.id))
    return service.as_read(row)


@router.get(
    "/instruments",
    operation_id="instruments-list",
    response_model=InstrumentPage,
    responses=problem_responses(401, 403, 422),
)
def list_instruments(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: ReadInstruments,
    key: Annotated[
        str | None, Query(max_length=60, description="Only versions of the instrument with this key.")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> InstrumentPage:
    """List your municipality's instrument versions, by key and version."""
    page = service.list_instruments(session, principal, key=key, cursor=cursor, limit=limit)
    link_next(request, response, page.next_cursor)
    return InstrumentPage(items=[service.as_summary(r) for r in page.items], next_cursor=page.next_cursor)


@router.get(
    "/instruments/{instrument_id}",
    operation_id="instruments-read",
    name="instruments-read",
    response_model=InstrumentRead,
    responses=problem_responses(401, 403, 404),
)
def read_instrument(
    instrument_id: Annotated[uuid.UUID, Path(description="The instrument version's id.")],
    session: SessionDep,
    principal: ReadInstruments,
) -> InstrumentRead:
    """Read one instrument version with its areas, themes, items and scales."""
    return service.as_read(service.get_instrument(session, principal.municipality_id, instrument_id))
