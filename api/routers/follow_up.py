"""After a visit: the follow-up dialogue, the parent board informed, recommendations."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.clock import TodayDep
from api.deps import CurrentPrincipal, ProviderDep, RecommendationDep, SessionDep, VisitDep, require
from api.errors import problem_responses
from api.etag import IF_MATCH_TO_REPLACE, NEEDS_IF_MATCH, require_if_match, set_etag
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.schemas.common import Limit
from api.schemas.follow_up import (
    FollowUpDialogueRead,
    FollowUpDialogueWrite,
    ParentBoardNoticeCreate,
    ParentBoardNoticeList,
    ParentBoardNoticeRead,
    RecommendationCreate,
    RecommendationPage,
    RecommendationRead,
    RecommendationStatus,
    RecommendationUpdate,
)
from api.services import follow_up as service
from api.tables import FollowUpDialogue, ParentBoardNotice
from domain.access import Permission
from domain.errors import DomainError, ErrorCode, not_found

router = APIRouter(tags=["follow-up"])

ReadVisits = Annotated[Principal, Depends(require(Permission.VISITS_READ))]
WriteFollowUp = Annotated[Principal, Depends(require(Permission.FOLLOW_UP_WRITE))]
WriteRecommendations = Annotated[Principal, Depends(require(Permission.RECOMMENDATIONS_WRITE))]
Cursor = Annotated[str | None, Query(description="Opaque cursor from the previous page's `next_cursor`.")]
READ_ERRORS = problem_responses(401, 403, 404)


@router.put(
    "/visits/{visit_id}/follow-up-dialogue",
    operation_id="follow-up-dialogues-record",
    response_model=FollowUpDialogueRead,
    responses={
        201: {"model": FollowUpDialogueRead, "description": "The dialogue was recorded for the first time."},
        **problem_responses(401, 403, 404, 409, 412, 422, 428),
    },
    dependencies=[IF_MATCH_TO_REPLACE],
)
def record_dialogue(
    request: Request,
    response: Response,
    data: FollowUpDialogueWrite,
    visit: VisitDep,
    session: SessionDep,
    _: WriteFollowUp,
    today: TodayDep,
) -> FollowUpDialogue:
    """Record the follow-up dialogue with the leader after a completed visit; replacing it needs If-Match."""
    existing = service.dialogue_of(session, visit)
    if existing is not None:
        require_if_match(request, existing.version)
    dialogue = service.record_dialogue(session, visit, existing, data, today)
    if existing is None:
        response.status_code = status.HTTP_201_CREATED
        response.headers["Location"] = str(request.url_for("follow-up-dialogues-read", visit_id=visit.id))
    set_etag(response, dialogue.version)
    return dialogue


@router.get(
    "/visits/{visit_id}/follow-up-dialogue",
    operation_id="follow-up-dialogues-read",
    name="follow-up-dialogues-read",
    response_model=FollowUpDialogueRead,
    responses=READ_ERRORS,
)
def read_dialogue(response: Response, visit: VisitDep, session: SessionDep, _: ReadVisits) -> FollowUpDialogue:
    """Read the follow-up dialogue of a visit; 404 until one is recorded."""
    dialogue = service.dialogue_of(session, visit)
    if dialogue is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No follow-up dialogue is recorded for this visit yet.")
    set_etag(response, dialogue.version)
    return dialogue


@router.post(
    "/visits/{visit_id}/parent-board-notices",
    operation_id="parent-board-notices-create",
    response_model=ParentBoardNoticeRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def inform_parent_board(
    request: Request,
    response: Response,
    data: ParentBoardNoticeCreate,
    visit: VisitDep,
    session: SessionDep,
    _: WriteFollowUp,
    today: TodayDep,
) -> ParentBoardNotice:
    """Record that the parent board was informed of the visit's assessment."""
    notice = service.inform_parent_board(session, visit, data, today)
    response.headers["Location"] = str(
        request.url_for("parent-board-notices-read", visit_id=visit.id, notice_id=notice.id)
    )
    return notice


@router.get(
    "/visits/{visit_id}/parent-board-notices",
    operation_id="parent-board-notices-list",
    response_model=ParentBoardNoticeList,
    responses=READ_ERRORS,
)
def list_parent_board_notices(visit: VisitDep, session: SessionDep, _: ReadVisits) -> ParentBoardNoticeList:
    """List when and how the parent board was informed of the visit's assessment."""
    notices = service.parent_board_notices(session, visit)
    return ParentBoardNoticeList(items=[ParentBoardNoticeRead.model_validate(n) for n in notices])


@router.get(
    "/visits/{visit_id}/parent-board-notices/{notice_id}",
    operation_id="parent-board-notices-read",
    name="parent-board-notices-read",
    response_model=ParentBoardNoticeRead,
    responses=READ_ERRORS,
)
def read_parent_board_notice(
    notice_id: Annotated[uuid.UUID, Path(description="The parent-board notice's id.")],
    visit: VisitDep,
    session: SessionDep,
    _: ReadVisits,
) -> ParentBoardNotice:
    """Read one record of the parent board informed."""
    notice = service.parent_board_notice(session, visit, notice_id)
    if notice is None:
        raise not_found("parent-board notice")
    return notice


@router.post(
    "/visits/{visit_id}/recommendations",
    operation_id="recommendations-create",
    response_model=RecommendationRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def create_recommendation(
    request: Request,
    response: Response,
    data: RecommendationCreate,
    visit: VisitDep,
    session: SessionDep,
    _: WriteRecommendations,
    today: TodayDep,
) -> RecommendationRead:
    """Write a recommendation from a held visit, with an owner and a due date."""
    row = service.create_recommendation(session, visit, data)
    response.headers["Location"] = str(request.url_for("recommendations-read", recommendation_id=row.id))
    set_etag(response, row.version)
    return service.recommendation_read(row, today)


@router.get(
    "/providers/{provider_id}/recommendations",
    operation_id="recommendations-list",
    response_model=RecommendationPage,
    responses=problem_responses(401, 403, 404, 422),
)
def list_recommendations(
    request: Request,
    response: Response,
    provider: ProviderDep,
    session: SessionDep,
    _: ReadVisits,
    today: TodayDep,
    status_: Annotated[
        RecommendationStatus | None, Query(alias="status", description="Only recommendations in this status.")
    ] = None,
    overdue: Annotated[
        bool | None,
        Query(description="true: only those past due and still open or in progress; false: only the others."),
    ] = None,
    visit_id: Annotated[uuid.UUID | None, Query(description="Only recommendations from this visit.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> RecommendationPage:
    """List a provider's recommendations, soonest due first."""
    page = service.list_recommendations(
        session, provider, today, status=status_, overdue=overdue, visit_id=visit_id, cursor=cursor, limit=limit
    )
    link_next(request, response, page.next_cursor)
    items = [service.recommendation_read(row, today) for row in page.items]
    return RecommendationPage(items=items, next_cursor=page.next_cursor)


@router.get(
    "/recommendations/{recommendation_id}",
    operation_id="recommendations-read",
    name="recommendations-read",
    response_model=RecommendationRead,
    responses=READ_ERRORS,
)
def read_recommendation(
    response: Response, recommendation: RecommendationDep, _: ReadVisits, today: TodayDep
) -> RecommendationRead:
    """Read a recommendation. The ETag header is what an update sends back in If-Match."""
    set_etag(response, recommendation.version)
    return service.recommendation_read(recommendation, today)


@router.patch(
    "/recommendations/{recommendation_id}",
    operation_id="recommendations-update",
    response_model=RecommendationRead,
    responses=problem_responses(401, 403, 404, 412, 422, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def update_recommendation(
    request: Request,
    response: Response,
    data: RecommendationUpdate,
    recommendation: RecommendationDep,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: TodayDep,
) -> RecommendationRead:
    """Change a recommendation: the supervision its text, owner and due date, the leader its status.

    Send the ETag in If-Match. Dropping a recommendation needs a `status_note` saying why.
    """
    service.refuse_fields_not_yours(principal, data)  # who may change what comes before whether it is current
    require_if_match(request, recommendation.version)
    row = service.update_recommendation(session, principal, recommendation, data)
    set_etag(response, row.version)
    return service.recommendation_read(row, today)
