"""Local users and integration clients of the municipality."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.deps import CallerDep, SessionDep, UserDep, require, resolve_principal
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.schemas.common import Limit
from api.schemas.identity import (
    ClientCreate,
    ClientCreated,
    ClientPage,
    ClientRead,
    UserCreate,
    UserPage,
    UserRead,
    UserUpdate,
)
from api.services import identity as service
from api.tables import IntegrationClient, UserAccount
from domain.access import Permission, Role
from domain.errors import not_found

router = APIRouter(tags=["users"])
clients_router = APIRouter(prefix="/clients", tags=["integration clients"])

ReadUsers = Annotated[Principal, Depends(require(Permission.USERS_READ))]
WriteUsers = Annotated[Principal, Depends(require(Permission.USERS_WRITE))]
ManageClients = Annotated[Principal, Depends(require(Permission.CLIENTS_MANAGE))]
Cursor = Annotated[str | None, Query(description="Opaque cursor from the previous page's `next_cursor`.")]
ClientId = Annotated[uuid.UUID, Path(description="The integration client's id (not its client_id).")]


def load_client(client_id: ClientId, session: SessionDep, caller: CallerDep) -> IntegrationClient:
    """The client, if it is the caller's municipality's; another municipality's is a 404 whatever the caller's role."""
    principal = resolve_principal(caller)
    client = session.get(IntegrationClient, client_id)
    if client is None or client.municipality_id != principal.municipality_id:
        raise not_found("integration client")
    return client


# Before the guard in a signature, as the 404 loaders of api/deps.py are.
ClientDep = Annotated[IntegrationClient, Depends(load_client)]
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


def _read(response: Response, user: UserAccount) -> UserAccount:
    set_etag(response, user.version)
    return user


@router.get("/users", operation_id="users-list", response_model=UserPage, responses=problem_responses(401, 403, 422))
def list_users(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: ReadUsers,
    role: Annotated[Role | None, Query(description="Only users with this role.")] = None,
    provider_id: Annotated[uuid.UUID | None, Query(description="Only users of this provider.")] = None,
    active: Annotated[bool | None, Query(description="Only active (true) or deactivated (false) users.")] = None,
    q: Annotated[str | None, Query(max_length=100, description="Search in name and e-mail address.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> UserPage:
    """List your municipality's users, by name."""
    page = service.list_users(
        session, principal, role=role, provider_id=provider_id, active=active, q=q, cursor=cursor, limit=limit
    )
    link_next(request, response, page.next_cursor)
    return UserPage(items=[UserRead.model_validate(u) for u in page.items], next_cursor=page.next_cursor)


@router.post(
    "/users",
    operation_id="users-create",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
)
def create_user(
    request: Request, response: Response, data: UserCreate, session: SessionDep, principal: WriteUsers
) -> UserAccount:
    """Create a user with a role; leaders, staff and parent boards belong to a provider."""
    user = service.create_user(session, principal.municipality_id, data)
    response.headers["Location"] = str(request.url_for("users-read", user_id=user.id))
    return _read(response, user)


@router.get(
    "/users/{user_id}",
    operation_id="users-read",
    name="users-read",
    response_model=UserRead,
    responses=problem_responses(401, 403, 404),
)
def read_user(response: Response, user: UserDep, _: ReadUsers) -> UserAccount:
    """Read a user."""
    return _read(response, user)


@router.patch(
    "/users/{user_id}",
    operation_id="users-update",
    response_model=UserRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def update_user(
    request: Request, response: Response, data: UserUpdate, user: UserDep, session: SessionDep, principal: WriteUsers
) -> UserAccount:
    """Change a user's name, role, provider or password. Send the ETag in If-Match."""
    require_if_match(request, user.version)
    return _read(response, service.update_user(session, principal, user, data))


@router.post(
    "/users/{user_id}/deactivate",
    operation_id="users-deactivate",
    response_model=UserRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def deactivate_user(
    request: Request, response: Response, user: UserDep, session: SessionDep, principal: WriteUsers
) -> UserAccount:
    """Deactivate a user: their tokens stop working at once. Send the ETag in If-Match."""
    require_if_match(request, user.version)
    return _read(response, service.deactivate_user(session, principal, user))


@clients_router.get("", operation_id="clients-list", response_model=ClientPage, responses=problem_responses(401, 403))
def list_clients(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: ManageClients,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ClientPage:
    """List your municipality's integration clients."""
    page = service.list_clients(session, principal, cursor=cursor, limit=limit)
    link_next(request, response, page.next_cursor)
    return ClientPage(items=[ClientRead.model_validate(c) for c in page.items], next_cursor=page.next_cursor)


@clients_router.post(
    "",
    operation_id="clients-create",
    response_model=ClientCreated,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
)
def create_client(
    response: Response, data: ClientCreate, session: SessionDep, principal: ManageClients
) -> ClientCreated:
    """Create an integration client; the response holds its secret, shown this once."""
    response.headers["Cache-Control"] = "no-store"  # the secret must not sit in any cache or replay store
    client, secret = service.create_client(session, principal.municipality_id, data)
    return ClientCreated(**ClientRead.model_validate(client).model_dump(), client_secret=secret)


@clients_router.post(
    "/{client_id}/revoke",
    operation_id="clients-revoke",
    response_model=ClientRead,
    responses=problem_responses(401, 403, 404, 409),
)
def revoke_client(client: ClientDep, session: SessionDep, _: ManageClients) -> IntegrationClient:
    """Revoke an integration client: its tokens stop working at once."""
    return service.revoke_client(session, client)
