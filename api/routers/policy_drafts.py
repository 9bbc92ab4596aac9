"""Drafts of the supervision policy: start one, change it in steps, publish it as the next version, or discard it.

A draft is never in force and no rule reads it; publishing validates it as any policy version (a 422 lists every
problem) and saves it through the same path as `POST /policy/versions`.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from api.clock import TodayDep
from api.deps import SessionDep, require
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.principal import Principal
from api.schemas.policy_draft import (
    PolicyDraftCreate,
    PolicyDraftList,
    PolicyDraftPublish,
    PolicyDraftRead,
    PolicyDraftUpdate,
)
from api.services import policy_drafts as service
from api.tables import PolicyDraft
from domain.access import Permission

router = APIRouter(prefix="/policy/drafts", tags=["policy"])
Drafting = Annotated[Principal, Depends(require(Permission.POLICY_WRITE))]
DraftId = Annotated[uuid.UUID, Path(description="The draft's id.")]


def load_draft(draft_id: DraftId, session: SessionDep, principal: Drafting) -> PolicyDraft:
    """The draft, if it is the caller's municipality's; another municipality's is a 404."""
    return service.get(session, principal.municipality_id, draft_id)


DraftDep = Annotated[PolicyDraft, Depends(load_draft)]


def _read(response: Response, session: SessionDep, row: PolicyDraft) -> PolicyDraftRead:
    set_etag(response, row.version)
    return service.as_read(session, row)


@router.post(
    "",
    operation_id="policy-drafts-create",
    response_model=PolicyDraftRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
)
def create_draft(
    request: Request, response: Response, data: PolicyDraftCreate, session: SessionDep, principal: Drafting
) -> PolicyDraftRead:
    """Start a draft of the policy; it is never in force until published."""
    row = service.create(session, principal, data)
    response.headers["Location"] = str(request.url_for("policy-drafts-read", draft_id=row.id))
    return _read(response, session, row)


@router.get(
    "", operation_id="policy-drafts-list", response_model=PolicyDraftList, responses=problem_responses(401, 403)
)
def list_drafts(session: SessionDep, principal: Drafting) -> PolicyDraftList:
    """List your municipality's policy drafts, newest first, published ones with the version they became."""
    return PolicyDraftList(
        items=[service.as_read(session, r) for r in service.list_drafts(session, principal.municipality_id)]
    )


@router.get(
    "/{draft_id}",
    operation_id="policy-drafts-read",
    name="policy-drafts-read",
    response_model=PolicyDraftRead,
    responses=problem_responses(401, 403, 404),
)
def read_draft(response: Response, draft: DraftDep, session: SessionDep) -> PolicyDraftRead:
    """Read a draft, with what publishing it would refuse and, when adopted, the model it came from."""
    return _read(response, session, draft)


@router.put(
    "/{draft_id}",
    operation_id="policy-drafts-update",
    response_model=PolicyDraftRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def update_draft(
    request: Request, response: Response, data: PolicyDraftUpdate, draft: DraftDep, session: SessionDep
) -> PolicyDraftRead:
    """Replace the draft's policy and note; send the ETag in If-Match. A published draft never changes (409)."""
    require_if_match(request, draft.version)
    return _read(response, session, service.update(session, draft, data))


@router.post(
    "/{draft_id}/publish",
    operation_id="policy-drafts-publish",
    response_model=PolicyDraftRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def publish_draft(
    request: Request,
    response: Response,
    data: PolicyDraftPublish,
    draft: DraftDep,
    session: SessionDep,
    principal: Drafting,
    today: TodayDep,
) -> PolicyDraftRead:
    """Publish the draft as the next policy version from a date, validated as any version; send its ETag.

    The answer is the draft, now `published` with the number of the version it became (`GET /policy/versions/{n}`).
    """
    require_if_match(request, draft.version)
    return _read(response, session, service.publish(session, principal, draft, data, today))


@router.delete(
    "/{draft_id}",
    operation_id="policy-drafts-delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 409, 412, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def delete_draft(request: Request, draft: DraftDep, session: SessionDep) -> None:
    """Discard a draft that is not published; send its ETag in If-Match."""
    require_if_match(request, draft.version)
    service.delete(session, draft)
