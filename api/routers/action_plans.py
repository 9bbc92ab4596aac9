"""Action plans (handleplaner) on serious concern, with the parent board's comments."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.clock import TodayDep
from api.deps import IntensifiedDep, PlanDep, SessionDep, require
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.schemas.action_plan import (
    ActionPlanCreate,
    ActionPlanDetail,
    ActionPlanPage,
    ActionPlanUpdate,
    CommentCreate,
    CommentPage,
    CommentRead,
    FollowUp,
    ItemCreate,
    ItemRead,
    ItemUpdate,
    OpenForComments,
    PlanStatus,
)
from api.schemas.common import Limit
from api.services import action_plans as service
from api.tables import ActionPlan, ActionPlanComment, ActionPlanItem
from domain.access import Permission

router = APIRouter(tags=["action plans"])

ReadPlans = Annotated[Principal, Depends(require(Permission.ACTION_PLANS_READ))]
WritePlans = Annotated[Principal, Depends(require(Permission.ACTION_PLANS_WRITE))]
CommentPlans = Annotated[Principal, Depends(require(Permission.ACTION_PLANS_COMMENT))]
ApprovePlans = Annotated[Principal, Depends(require(Permission.ACTION_PLANS_APPROVE))]
ItemId = Annotated[uuid.UUID, Path(description="The action plan item's id.")]
Cursor = Annotated[str | None, Query(description="Opaque cursor from the previous page's `next_cursor`.")]
READ_ERRORS = problem_responses(401, 403, 404)
CREATE_ERRORS = problem_responses(401, 403, 404, 409, 422)
CHANGE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


def _detail(response: Response, session: SessionDep, plan: ActionPlan) -> ActionPlanDetail:
    set_etag(response, plan.version)
    return service.detail(session, plan)


def _item(response: Response, item: ActionPlanItem) -> ActionPlanItem:
    set_etag(response, item.version)
    return item


@router.post(
    "/intensified-supervision/{intensified_id}/action-plans",
    operation_id="action-plans-create",
    response_model=ActionPlanDetail,
    status_code=status.HTTP_201_CREATED,
    responses=CREATE_ERRORS,
)
def create_plan(
    request: Request,
    response: Response,
    data: ActionPlanCreate,
    episode: IntensifiedDep,
    session: SessionDep,
    principal: WritePlans,
    today: TodayDep,
) -> ActionPlanDetail:
    """Start an action plan for intensified supervision on serious concern, as a draft."""
    plan = service.create_plan(session, principal, episode, data, today)
    response.headers["Location"] = str(request.url_for("action-plans-read", plan_id=plan.id))
    return _detail(response, session, plan)


@router.get("/action-plans", operation_id="action-plans-list", response_model=ActionPlanPage, responses=READ_ERRORS)
def list_plans(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: ReadPlans,
    provider_id: Annotated[uuid.UUID | None, Query(description="Only this provider's plans.")] = None,
    intensified_id: Annotated[
        uuid.UUID | None, Query(description="Only the plans of this period of intensified supervision.")
    ] = None,
    status_: Annotated[PlanStatus | None, Query(alias="status", description="Only plans with this status.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ActionPlanPage:
    """List action plans, newest first; provider roles see their own provider's."""
    page = service.list_plans(
        session,
        principal,
        provider_id=provider_id,
        intensified_id=intensified_id,
        status=status_,
        cursor=cursor,
        limit=limit,
    )
    link_next(request, response, page.next_cursor)
    return ActionPlanPage(items=service.reads(session, page.items), next_cursor=page.next_cursor)


@router.get(
    "/action-plans/{plan_id}",
    operation_id="action-plans-read",
    name="action-plans-read",
    response_model=ActionPlanDetail,
    responses=READ_ERRORS,
)
def read_plan(response: Response, plan: PlanDep, session: SessionDep, _: ReadPlans) -> ActionPlanDetail:
    """Read an action plan with its goals, the parent board's comments and when the board was informed."""
    return _detail(response, session, plan)


@router.patch(
    "/action-plans/{plan_id}",
    operation_id="action-plans-update",
    response_model=ActionPlanDetail,
    responses=CHANGE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def update_plan(
    request: Request, response: Response, data: ActionPlanUpdate, plan: PlanDep, session: SessionDep, _: WritePlans
) -> ActionPlanDetail:
    """Change a draft plan or one out for comment; omitted fields are kept. Send the ETag in If-Match."""
    require_if_match(request, plan.version)
    return _detail(response, session, service.update_plan(session, plan, data))


@router.post(
    "/action-plans/{plan_id}/items",
    operation_id="action-plan-items-create",
    response_model=ItemRead,
    status_code=status.HTTP_201_CREATED,
    responses=CREATE_ERRORS,
)
def add_item(
    request: Request, response: Response, data: ItemCreate, plan: PlanDep, session: SessionDep, _: WritePlans
) -> ActionPlanItem:
    """Add a goal to a draft plan or one out for comment."""
    item = service.add_item(session, plan, data)
    response.headers["Location"] = str(request.url_for("action-plan-items-read", plan_id=plan.id, item_id=item.id))
    return _item(response, item)


@router.get(
    "/action-plans/{plan_id}/items/{item_id}",
    operation_id="action-plan-items-read",
    name="action-plan-items-read",
    response_model=ItemRead,
    responses=READ_ERRORS,
)
def read_item(response: Response, item_id: ItemId, plan: PlanDep, session: SessionDep, _: ReadPlans) -> ActionPlanItem:
    """Read one goal of a plan. The ETag header is what an update sends back in If-Match."""
    return _item(response, service.get_item(session, plan, item_id))


@router.patch(
    "/action-plans/{plan_id}/items/{item_id}",
    operation_id="action-plan-items-update",
    response_model=ItemRead,
    responses=CHANGE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def update_item(
    request: Request,
    response: Response,
    item_id: ItemId,
    data: ItemUpdate,
    plan: PlanDep,
    session: SessionDep,
    _: WritePlans,
) -> ActionPlanItem:
    """Change a goal, or only its status once the plan is approved. Send the item's ETag in If-Match."""
    item = service.get_item(session, plan, item_id)
    require_if_match(request, item.version)
    return _item(response, service.update_item(session, plan, item, data))


@router.post(
    "/action-plans/{plan_id}/open-for-comments",
    operation_id="action-plans-open-for-comments",
    response_model=ActionPlanDetail,
    responses=CHANGE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def open_for_comments(
    request: Request,
    response: Response,
    data: OpenForComments,
    plan: PlanDep,
    session: SessionDep,
    _: WritePlans,
    today: TodayDep,
) -> ActionPlanDetail:
    """Record that the parent board was informed of the plan and open its comment window. Send If-Match."""
    require_if_match(request, plan.version)
    return _detail(response, session, service.open_for_comments(session, plan, data, today))


@router.post(
    "/action-plans/{plan_id}/comments",
    operation_id="action-plan-comments-create",
    response_model=CommentRead,
    status_code=status.HTTP_201_CREATED,
    responses=CREATE_ERRORS,
)
def add_comment(
    request: Request,
    response: Response,
    data: CommentCreate,
    plan: PlanDep,
    session: SessionDep,
    principal: CommentPlans,
    today: TodayDep,
) -> ActionPlanComment:
    """Comment on your provider's plan, as its parent board, while the comment window is open."""
    comment = service.add_comment(session, principal, plan, data, today)
    response.headers["Location"] = str(request.url_for("action-plan-comments-list", plan_id=plan.id))
    return comment


@router.get(
    "/action-plans/{plan_id}/comments",
    operation_id="action-plan-comments-list",
    name="action-plan-comments-list",
    response_model=CommentPage,
    responses=problem_responses(401, 403, 404, 422),
)
def list_comments(
    request: Request,
    response: Response,
    plan: PlanDep,
    session: SessionDep,
    _: ReadPlans,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> CommentPage:
    """List the parent board's comments on a plan, oldest first."""
    page = service.list_comments(session, plan, cursor, limit)
    link_next(request, response, page.next_cursor)
    return CommentPage(items=[CommentRead.model_validate(c) for c in page.items], next_cursor=page.next_cursor)


@router.post(
    "/action-plans/{plan_id}/approve",
    operation_id="action-plans-approve",
    response_model=ActionPlanDetail,
    responses=CHANGE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def approve_plan(
    request: Request,
    response: Response,
    plan: PlanDep,
    session: SessionDep,
    principal: ApprovePlans,
    today: TodayDep,
) -> ActionPlanDetail:
    """Approve a plan after the parent board's comment window, or at once without a board. Send If-Match."""
    require_if_match(request, plan.version)
    return _detail(response, session, service.approve(session, principal, plan, today))


@router.post(
    "/action-plans/{plan_id}/follow-up",
    operation_id="action-plans-follow-up",
    response_model=ActionPlanDetail,
    responses=CHANGE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def follow_up_plan(
    request: Request,
    response: Response,
    data: FollowUp,
    plan: PlanDep,
    session: SessionDep,
    _: WritePlans,
    today: TodayDep,
) -> ActionPlanDetail:
    """Record how an approved plan has been followed up. Send the ETag in If-Match."""
    require_if_match(request, plan.version)
    return _detail(response, session, service.follow_up(session, plan, data, today))


@router.post(
    "/action-plans/{plan_id}/complete",
    operation_id="action-plans-complete",
    response_model=ActionPlanDetail,
    responses=CHANGE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def complete_plan(
    request: Request, response: Response, plan: PlanDep, session: SessionDep, _: ApprovePlans, today: TodayDep
) -> ActionPlanDetail:
    """Complete an approved plan whose every goal is done or dropped. Send the ETag in If-Match."""
    require_if_match(request, plan.version)
    return _detail(response, session, service.complete(session, plan, today))
