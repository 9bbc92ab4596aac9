"""Intensified supervision (skærpet tilsyn): what it requires, and its end."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from api.clock import TodayDep
from api.deps import IntensifiedDep, SessionDep, require
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.schemas.common import Limit
from api.schemas.intensified import IntensifiedDetail, IntensifiedEnd, IntensifiedPage, IntensifiedRead
from api.services import intensified as service
from domain.access import Permission

router = APIRouter(tags=["intensified supervision"])

ReadIntensified = Annotated[Principal, Depends(require(Permission.INTENSIFIED_READ))]
EndIntensified = Annotated[Principal, Depends(require(Permission.INTENSIFIED_END))]
Cursor = Annotated[str | None, Query(description="Opaque cursor from the previous page's `next_cursor`.")]


@router.get(
    "/intensified-supervision",
    operation_id="intensified-supervision-list",
    response_model=IntensifiedPage,
    responses=problem_responses(401, 403, 422),
)
def list_intensified(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: ReadIntensified,
    provider_id: Annotated[uuid.UUID | None, Query(description="Only this provider's periods.")] = None,
    open_: Annotated[
        bool | None, Query(alias="open", description="`true`: only running periods; `false`: only ended ones.")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> IntensifiedPage:
    """List periods of intensified supervision, newest start first; provider roles see their own provider's."""
    page = service.list_intensified(
        session, principal, provider_id=provider_id, open_=open_, cursor=cursor, limit=limit
    )
    link_next(request, response, page.next_cursor)
    return IntensifiedPage(items=[IntensifiedRead.model_validate(r) for r in page.items], next_cursor=page.next_cursor)


@router.get(
    "/intensified-supervision/{intensified_id}",
    operation_id="intensified-supervision-read",
    name="intensified-supervision-read",
    response_model=IntensifiedDetail,
    responses=problem_responses(401, 403, 404),
)
def read_intensified(
    response: Response, row: IntensifiedDep, session: SessionDep, _: ReadIntensified, today: TodayDep
) -> IntensifiedDetail:
    """Read a period of intensified supervision with its required actions, visits, next visit due and plans."""
    set_etag(response, row.version)
    return service.detail(session, row, today)


@router.post(
    "/intensified-supervision/{intensified_id}/end",
    operation_id="intensified-supervision-end",
    response_model=IntensifiedDetail,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def end_intensified(
    request: Request,
    response: Response,
    data: IntensifiedEnd,
    row: IntensifiedDep,
    session: SessionDep,
    principal: EndIntensified,
    today: TodayDep,
) -> IntensifiedDetail:
    """End intensified supervision with the administration's grounds; a 409 names every unmet condition."""
    require_if_match(request, row.version)
    ended = service.end(session, principal, row, data, today)
    set_etag(response, ended.version)
    return service.detail(session, ended, today)
