"""Conversations of the continuous supervision (løbende tilsyn) with a provider, and the follow-ups agreed in them.

The administration and supervisors record them; the provider's leader reads them and marks done the follow-ups the
leader owns. Staff, parent boards and the committee do not see them: they are the administration's dialogue with
the leadership.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.clock import TodayDep
from api.deps import CurrentPrincipal, ProviderDep, SessionDep, require
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.schemas.common import Limit
from api.schemas.conversation import (
    ConversationCreate,
    ConversationPage,
    ConversationRead,
    ConversationUpdate,
    FollowUpComplete,
    FollowUpRead,
)
from api.services import conversations as service
from api.tables import SupervisionConversation
from domain.access import Permission
from domain.conversations import TYPE_KEY_MAX_LENGTH
from domain.errors import not_found

router = APIRouter(tags=["continuous supervision"])

ReadConversations = Annotated[Principal, Depends(require(Permission.CONVERSATIONS_READ))]
WriteConversations = Annotated[Principal, Depends(require(Permission.CONVERSATIONS_WRITE))]
CompleteFollowUps = Annotated[Principal, Depends(require(Permission.CONVERSATIONS_FOLLOW_UP))]
ConversationId = Annotated[uuid.UUID, Path(description="The conversation's id.")]
FollowUpId = Annotated[uuid.UUID, Path(description="The follow-up's id.")]
Cursor = Annotated[
    str | None, Query(max_length=500, description="Opaque cursor from the previous page's `next_cursor`.")
]
READ_ERRORS = problem_responses(401, 403, 404)


def load_conversation(
    conversation_id: ConversationId, session: SessionDep, principal: CurrentPrincipal
) -> SupervisionConversation:
    """The conversation, if visible: another municipality's, or another provider's for a provider role, is a 404."""
    row = session.get(SupervisionConversation, conversation_id)
    if row is None or row.municipality_id != principal.municipality_id or not principal.sees_provider(row.provider_id):
        raise not_found("conversation")
    return row


ConversationDep = Annotated[SupervisionConversation, Depends(load_conversation)]


def _read(response: Response, session: SessionDep, row: SupervisionConversation) -> ConversationRead:
    set_etag(response, row.version)
    return service.reads(session, [row])[0]


@router.post(
    "/providers/{provider_id}/conversations",
    operation_id="conversations-create",
    response_model=ConversationRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
)
def create_conversation(
    request: Request,
    response: Response,
    data: ConversationCreate,
    provider: ProviderDep,
    session: SessionDep,
    principal: WriteConversations,
    today: TodayDep,
) -> ConversationRead:
    """Record a conversation with the provider's leadership and what was agreed in it.

    The type is one of the policy in force on the day it was held (`conversation_types`); each follow-up has an
    owner (a role or a user) and a due day, and shows in `GET /due` until it is marked done.
    """
    row = service.create(session, principal, provider, data, today)
    response.headers["Location"] = str(request.url_for("conversations-read", conversation_id=row.id))
    return _read(response, session, row)


@router.get(
    "/providers/{provider_id}/conversations",
    operation_id="conversations-list",
    response_model=ConversationPage,
    responses=problem_responses(401, 403, 404, 422),
)
def list_conversations(
    request: Request,
    response: Response,
    provider: ProviderDep,
    session: SessionDep,
    _: ReadConversations,
    type_key: Annotated[
        str | None, Query(max_length=TYPE_KEY_MAX_LENGTH, description="Only conversations of this type.")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ConversationPage:
    """List the provider's conversations of the continuous supervision, newest first, with their follow-ups."""
    page = service.list_conversations(session, provider, type_key=type_key, cursor=cursor, limit=limit)
    link_next(request, response, page.next_cursor)
    return ConversationPage(items=service.reads(session, page.items), next_cursor=page.next_cursor)


@router.get(
    "/conversations/{conversation_id}",
    operation_id="conversations-read",
    name="conversations-read",
    response_model=ConversationRead,
    responses=READ_ERRORS,
)
def read_conversation(
    response: Response, conversation: ConversationDep, session: SessionDep, _: ReadConversations
) -> ConversationRead:
    """Read a conversation and its follow-ups. The ETag header is what an update sends back in If-Match."""
    return _read(response, session, conversation)


@router.patch(
    "/conversations/{conversation_id}",
    operation_id="conversations-update",
    response_model=ConversationRead,
    responses=problem_responses(401, 403, 404, 412, 422, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def update_conversation(
    request: Request,
    response: Response,
    data: ConversationUpdate,
    conversation: ConversationDep,
    session: SessionDep,
    _: WriteConversations,
    today: TodayDep,
) -> ConversationRead:
    """Change a conversation's day, type, participants, topics, data or notes; send the ETag in If-Match."""
    require_if_match(request, conversation.version)
    row = service.update(session, conversation, data, today)
    return _read(response, session, row)


@router.post(
    "/conversations/{conversation_id}/follow-ups/{follow_up_id}/complete",
    operation_id="conversations-follow-ups-complete",
    response_model=FollowUpRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def complete_follow_up(
    request: Request,
    response: Response,
    data: FollowUpComplete,
    follow_up_id: FollowUpId,
    conversation: ConversationDep,
    session: SessionDep,
    principal: CompleteFollowUps,
    today: TodayDep,
) -> FollowUpRead:
    """Mark a follow-up agreed in the conversation done; send the follow-up's `version` in If-Match.

    The administration and supervisors may mark any done; the provider's leader those the leader owns (owned by
    the role `leader`, or by the leader's own account). It then leaves `GET /due`.
    """
    follow_up = service.follow_up_of(session, conversation, follow_up_id)
    require_if_match(request, follow_up.version)
    row = service.complete(session, principal, conversation, follow_up, data, today)
    set_etag(response, row.version)
    return FollowUpRead.model_validate(row)
