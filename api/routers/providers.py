"""Providers (dagtilbud) and their units."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from api.clock import TodayDep
from api.deps import (
    ProviderDep,
    ProviderId,
    SessionDep,
    UnitDep,
    require,
    require_for_plain_read,
    visible_provider_read,
)
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.pagination import DEFAULT_LIMIT, link_next
from api.plain_reads import read_plainly
from api.principal import Principal
from api.schemas.common import Limit
from api.schemas.provider import (
    Closing,
    ProviderCreate,
    ProviderPage,
    ProviderRead,
    ProviderUpdate,
    Status,
    UnitCreate,
    UnitPage,
    UnitRead,
    UnitUpdate,
)
from api.services import providers as service
from api.tables import Provider, Unit
from domain.access import Permission
from domain.providers import AgeGroup, ProviderKind

router = APIRouter(tags=["providers"])

ReadProviders = Annotated[Principal, Depends(require(Permission.PROVIDERS_READ))]
PlainReadProviders = Annotated[Principal, Depends(require_for_plain_read(Permission.PROVIDERS_READ))]
WriteProviders = Annotated[Principal, Depends(require(Permission.PROVIDERS_WRITE))]
ReadUnits = Annotated[Principal, Depends(require(Permission.UNITS_READ))]
WriteUnits = Annotated[Principal, Depends(require(Permission.UNITS_WRITE))]
Cursor = Annotated[str | None, Query(description="Opaque cursor from the previous page's `next_cursor`.")]
READ_ERRORS = problem_responses(401, 403, 404)
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


def _read(response: Response, row: Provider | Unit) -> Provider | Unit:
    set_etag(response, row.version)
    return row


@router.get("/providers", operation_id="providers-list", response_model=ProviderPage, responses=READ_ERRORS)
async def list_providers(
    request: Request,
    response: Response,
    principal: PlainReadProviders,
    kind: Annotated[ProviderKind | None, Query(description="Only providers of this kind.")] = None,
    status_: Annotated[
        Status | None, Query(alias="status", description="Only active or only closed providers.")
    ] = None,
    age_group: Annotated[AgeGroup | None, Query(description="Only providers serving this age group.")] = None,
    q: Annotated[str | None, Query(max_length=100, description="Search in name and dagtilbudsnummer.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ProviderPage:
    """List the providers you can see, by name; leaders, staff and parent boards see their own."""
    # The one statement as a plain read (api/plain_reads.py); the page validated here, on the event loop: under ten
    # concurrent pages, validating in eight threads at once cost twice the CPU of doing it here.
    rows = await read_plainly(
        partial(
            service.list_providers,
            principal=principal,
            kind=kind,
            status=status_,
            age_group=age_group,
            q=q,
            cursor=cursor,
            limit=limit,
        )
    )
    page = service.provider_page(rows, limit)
    link_next(request, response, page.next_cursor)
    return ProviderPage(items=page.items, next_cursor=page.next_cursor)


@router.post(
    "/providers",
    operation_id="providers-create",
    response_model=ProviderRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
)
def create_provider(
    request: Request,
    response: Response,
    data: ProviderCreate,
    session: SessionDep,
    principal: WriteProviders,
    today: TodayDep,
) -> Provider:
    """Register a provider in your municipality."""
    provider = service.create_provider(session, principal, data, today)
    response.headers["Location"] = str(request.url_for("providers-read", provider_id=provider.id))
    return _read(response, provider)


@router.get(
    "/providers/{provider_id}",
    operation_id="providers-read",
    name="providers-read",
    response_model=ProviderRead,
    responses=READ_ERRORS,
)
async def read_provider(response: Response, provider_id: ProviderId, principal: PlainReadProviders) -> ProviderRead:
    """Read a provider. The ETag header is what an update sends back in If-Match."""
    # The caller is usually remembered (api/caller_cache.py) and the row is one plain read (api/plain_reads.py).
    provider = await read_plainly(partial(visible_provider_read, principal=principal, provider_id=provider_id))
    set_etag(response, provider.version)
    return provider


@router.patch(
    "/providers/{provider_id}",
    operation_id="providers-update",
    response_model=ProviderRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def update_provider(
    request: Request,
    response: Response,
    data: ProviderUpdate,
    provider: ProviderDep,
    session: SessionDep,
    _: WriteProviders,
    today: TodayDep,
) -> Provider:
    """Change a provider's details; omitted fields are kept. Send the ETag in If-Match."""
    require_if_match(request, provider.version)
    return _read(response, service.update_provider(session, provider, data, today))


@router.post(
    "/providers/{provider_id}/close",
    operation_id="providers-close",
    response_model=ProviderRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def close_provider(
    request: Request, response: Response, data: Closing, provider: ProviderDep, session: SessionDep, _: WriteProviders
) -> Provider:
    """Close a provider and its units, with the date and reason. Send the ETag in If-Match."""
    require_if_match(request, provider.version)
    return _read(response, service.close_provider(session, provider, data))


@router.get("/providers/{provider_id}/units", operation_id="units-list", response_model=UnitPage, responses=READ_ERRORS)
def list_units(
    request: Request,
    response: Response,
    provider: ProviderDep,
    session: SessionDep,
    _: ReadUnits,
    status_: Annotated[Status | None, Query(alias="status", description="Only active or only closed units.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> UnitPage:
    """List a provider's units (afdelinger, or dagplejere in the dagpleje), by name."""
    page = service.list_units(session, provider, status=status_, cursor=cursor, limit=limit)
    link_next(request, response, page.next_cursor)
    return UnitPage(items=[UnitRead.model_validate(u) for u in page.items], next_cursor=page.next_cursor)


@router.post(
    "/providers/{provider_id}/units",
    operation_id="units-create",
    response_model=UnitRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def create_unit(
    request: Request, response: Response, data: UnitCreate, provider: ProviderDep, session: SessionDep, _: WriteUnits
) -> Unit:
    """Add a unit to a provider."""
    unit = service.create_unit(session, provider, data)
    response.headers["Location"] = str(request.url_for("units-read", unit_id=unit.id))
    return _read(response, unit)


@router.get(
    "/units/{unit_id}", operation_id="units-read", name="units-read", response_model=UnitRead, responses=READ_ERRORS
)
def read_unit(response: Response, unit: UnitDep, _: ReadUnits) -> Unit:
    """Read a unit."""
    return _read(response, unit)


@router.patch(
    "/units/{unit_id}",
    operation_id="units-update",
    response_model=UnitRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def update_unit(
    request: Request, response: Response, data: UnitUpdate, unit: UnitDep, session: SessionDep, _: WriteUnits
) -> Unit:
    """Change a unit's details; omitted fields are kept. Send the ETag in If-Match."""
    require_if_match(request, unit.version)
    return _read(response, service.update_unit(session, unit, data))


@router.post(
    "/units/{unit_id}/close",
    operation_id="units-close",
    response_model=UnitRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def close_unit(
    request: Request, response: Response, data: Closing, unit: UnitDep, session: SessionDep, _: WriteUnits
) -> Unit:
    """Close a unit, with the date and reason. Send the ETag in If-Match."""
    require_if_match(request, unit.version)
    return _read(response, service.close_unit(session, unit, data))
