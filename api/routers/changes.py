"""The change feed: every create, change, close and delete the caller may see, in order, for systems that poll."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import SessionDep, SettingsDep, require
from api.errors import problem_responses
from api.pagination import link_next
from api.principal import Principal
from api.schemas.changes import ChangePage, ChangeRead
from api.services import changes as service
from domain.access import Permission
from domain.change_feed import Visibility
from domain.events import EventType

router = APIRouter(tags=["changes"])

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
CURSOR_MAX_LENGTH = 4096


@router.get(
    "/changes",
    operation_id="changes-list",
    response_model=ChangePage,
    responses=problem_responses(401, 403, 422),
)
def list_changes(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(require(Permission.CHANGES_READ))],
    cursor: Annotated[
        str | None,
        Query(max_length=CURSOR_MAX_LENGTH, description="`next_cursor` of the previous page; none to start."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Events per page (1-{MAX_LIMIT}).")] = DEFAULT_LIMIT,
    types: Annotated[
        list[EventType] | None, Query(description="Only these event types (repeat the parameter for several).")
    ] = None,
) -> ChangePage:
    """Poll the change feed: what changed, in order, among what you may see.

    Every event of your municipality that you may see, oldest first: objects created, changed, closed (ended but
    kept) and deleted. Store `next_cursor` (always present) and pass it back as `cursor` on the next poll; `has_more`
    says whether to poll again at once. Without a cursor the feed starts at the beginning.

    Mirror objects by `href`: on `created`, `changed` or `closed` read (or upsert) the object at `href`, on `deleted`
    drop your copy (`href` is null). An object can appear more than once; upsert, never append.

    **What you see** is decided by who you are now, on every request: your municipality's events only, about objects
    your role may read (an integration client: among its granted scopes, e.g. `visits:read` for visit events); a
    leader, staff member or parent board only their own provider's events (and the policy's), never one hidden from
    the provider (a planned unannounced visit appears when it is completed, as a new event).

    **Access granted later is back-filled.** The cursor records what you could see when it was issued. When you may
    see more now (a scope granted, a user moved to another provider), the next pages first return the earlier events
    that were hidden from you then and are visible now, in position order, and then go on where you were. A cursor
    never shows more than you may see now. A cursor survives restarts and upgrades of the service (it is signed
    with the service's secret key: a cursor that was changed, or was issued before the key was rotated, is refused
    with 422 naming `query.cursor`; start again without one). Keep the same `types` filter: a wider filter later is
    treated like wider access (the earlier events of the new types are back-filled).
    """
    now = Visibility.of(
        principal.role,
        principal.provider_id,
        principal.permissions,
        frozenset(t.value for t in types) if types else None,
    )
    key = settings.secret_key.encode()
    page = service.read_changes(session, principal.municipality_id, now, cursor, limit, key)
    if page.has_more:
        link_next(request, response, page.next_cursor)
    items = [ChangeRead.model_validate(change) for change in page.items]
    return ChangePage(items=items, next_cursor=page.next_cursor, has_more=page.has_more)
