"""Concern notices (bekymringshenvendelser) and their triage."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlmodel import Session

from api.clock import TodayDep
from api.deps import NoticeDep, SessionDep, require
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.schemas.common import Limit
from api.schemas.concern import (
    ConcernNoticeCreate,
    ConcernNoticePage,
    ConcernNoticeRead,
    ConcernStatus,
    LinkVisit,
    Triage,
)
from api.services import concerns as service
from api.tables import ConcernNotice
from domain.access import Permission

router = APIRouter(prefix="/concern-notices", tags=["concern notices"])

ReadConcerns = Annotated[Principal, Depends(require(Permission.CONCERNS_READ))]
WriteConcerns = Annotated[Principal, Depends(require(Permission.CONCERNS_WRITE))]
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


def _shown(session: Session, principal: Principal, response: Response, notice: ConcernNotice) -> ConcernNoticeRead:
    set_etag(response, notice.version)
    return service.as_read(session, principal, notice)


@router.post(
    "",
    operation_id="concern-notices-create",
    response_model=ConcernNoticeRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
)
def create_notice(
    request: Request,
    response: Response,
    data: ConcernNoticeCreate,
    session: SessionDep,
    principal: WriteConcerns,
    today: TodayDep,
) -> ConcernNoticeRead:
    """Register a concern notice about a provider as it was received."""
    notice = service.create_notice(session, principal, data, today)
    response.headers["Location"] = str(request.url_for("concern-notices-read", notice_id=notice.id))
    return _shown(session, principal, response, notice)


@router.get(
    "",
    operation_id="concern-notices-list",
    response_model=ConcernNoticePage,
    responses=problem_responses(401, 403, 422),
)
def list_notices(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: ReadConcerns,
    provider_id: Annotated[uuid.UUID | None, Query(description="Only notices about this provider.")] = None,
    status_: Annotated[ConcernStatus | None, Query(alias="status", description="Only notices in this status.")] = None,
    received_from: Annotated[date | None, Query(description="Only notices received on or after this day.")] = None,
    received_to: Annotated[date | None, Query(description="Only notices received on or before this day.")] = None,
    cursor: Annotated[str | None, Query(description="Opaque cursor from the previous page's `next_cursor`.")] = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ConcernNoticePage:
    """List concern notices, newest received first; leaders, staff and parent boards see their own provider's."""
    page = service.list_notices(
        session,
        principal,
        provider_id=provider_id,
        status=status_,
        received_from=received_from,
        received_to=received_to,
        cursor=cursor,
        limit=limit,
    )
    link_next(request, response, page.next_cursor)
    return ConcernNoticePage(items=service.as_reads(session, principal, page.items), next_cursor=page.next_cursor)


@router.get(
    "/{notice_id}",
    operation_id="concern-notices-read",
    name="concern-notices-read",
    response_model=ConcernNoticeRead,
    responses=problem_responses(401, 403, 404),
)
def read_notice(
    response: Response, notice: NoticeDep, session: SessionDep, principal: ReadConcerns
) -> ConcernNoticeRead:
    """Read a concern notice; who reported it is shown to the administration and supervisors only."""
    return _shown(session, principal, response, notice)


@router.post(
    "/{notice_id}/triage",
    operation_id="concern-notices-triage",
    response_model=ConcernNoticeRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def triage_notice(
    request: Request,
    response: Response,
    data: Triage,
    notice: NoticeDep,
    session: SessionDep,
    principal: WriteConcerns,
) -> ConcernNoticeRead:
    """Triage a received notice: take it forward or dismiss it, with grounds. Send the ETag in If-Match."""
    require_if_match(request, notice.version)
    return _shown(session, principal, response, service.triage(session, notice, data))


@router.post(
    "/{notice_id}/link-visit",
    operation_id="concern-notices-link-visit",
    response_model=ConcernNoticeRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def link_visit(
    request: Request,
    response: Response,
    data: LinkVisit,
    notice: NoticeDep,
    session: SessionDep,
    principal: WriteConcerns,
) -> ConcernNoticeRead:
    """Link the unannounced visit planned because of the notice. Send the ETag in If-Match."""
    require_if_match(request, notice.version)
    return _shown(session, principal, response, service.link_visit(session, notice, data))
