"""The indicator catalogue and a provider's indicator values (aggregates; small numbers show as "<5")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.deps import ProviderDep, SessionDep, require
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.schemas.common import Limit
from api.schemas.indicator import (
    IndicatorCreate,
    IndicatorKey,
    IndicatorList,
    IndicatorRead,
    IndicatorUpdate,
    IndicatorValueCreate,
    IndicatorValuePage,
    IndicatorValueRead,
)
from api.services import indicators as service
from domain.access import Permission

router = APIRouter(tags=["indicators"])

ReadIndicators = Annotated[Principal, Depends(require(Permission.INDICATORS_READ))]
ManageIndicators = Annotated[Principal, Depends(require(Permission.INDICATORS_MANAGE))]
ReadValues = Annotated[Principal, Depends(require(Permission.INDICATOR_VALUES_READ))]
WriteValues = Annotated[Principal, Depends(require(Permission.INDICATOR_VALUES_WRITE))]
KeyPath = Annotated[str, Path(max_length=60, description="The indicator's key, e.g. `kids_total`.")]
PeriodQuery = Annotated[str | None, Query(max_length=10, description="A period key: `2025`, `2025-H1`, `2025-R1`.")]
Cursor = Annotated[str | None, Query(max_length=500, description="Opaque cursor from the previous page.")]


def _read(response: Response, row) -> IndicatorRead:  # type: ignore[no-untyped-def]
    set_etag(response, row.version)
    return service.as_read(row)


@router.get(
    "/indicators", operation_id="indicators-list", response_model=IndicatorList, responses=problem_responses(401, 403)
)
def list_indicators(session: SessionDep, principal: ReadIndicators) -> IndicatorList:
    """List your municipality's indicator catalogue (Kolding's by default), the indicators your role may see."""
    return IndicatorList(items=[service.as_read(r) for r in service.list_indicators(session, principal)])


@router.get(
    "/indicators/{key}",
    operation_id="indicators-read",
    name="indicators-read",
    response_model=IndicatorRead,
    responses=problem_responses(401, 403, 404),
)
def read_indicator(key: KeyPath, response: Response, session: SessionDep, principal: ReadIndicators) -> IndicatorRead:
    """Read one indicator. The ETag header is what an update sends back in If-Match."""
    return _read(response, service.get_indicator(session, principal, key))


@router.post(
    "/indicators",
    operation_id="indicators-create",
    response_model=IndicatorRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
)
def create_indicator(
    request: Request, response: Response, data: IndicatorCreate, session: SessionDep, principal: ManageIndicators
) -> IndicatorRead:
    """Add a local indicator to your municipality's catalogue."""
    row = service.create_indicator(session, principal, data)
    response.headers["Location"] = str(request.url_for("indicators-read", key=row.key))
    return _read(response, row)


@router.patch(
    "/indicators/{key}",
    operation_id="indicators-update",
    response_model=IndicatorRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def update_indicator(
    key: KeyPath,
    request: Request,
    response: Response,
    data: IndicatorUpdate,
    session: SessionDep,
    principal: ManageIndicators,
) -> IndicatorRead:
    """Change an indicator's applicability, visibility, publishability or small-number threshold (If-Match)."""
    row = service.get_indicator(session, principal, key)
    require_if_match(request, row.version)
    return _read(response, service.update_indicator(session, row, data))


@router.get(
    "/providers/{provider_id}/indicator-values",
    operation_id="indicator-values-list",
    response_model=IndicatorValuePage,
    responses=problem_responses(401, 403, 404, 422),
)
def list_indicator_values(
    request: Request,
    response: Response,
    provider: ProviderDep,
    session: SessionDep,
    principal: ReadValues,
    indicator: Annotated[IndicatorKey | None, Query(description="Only this indicator's values (its key).")] = None,
    period_from: PeriodQuery = None,
    period_to: PeriodQuery = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> IndicatorValuePage:
    """List the provider's indicator values, newest period first, as your role may see them.

    Beyond admin and supervisors, a count under the indicator's threshold (or a value from fewer respondents)
    shows as "<5" with no value. A year bound covers its halves and rounds (`period_to=2025` includes `2025-H2`).
    """
    page, by_id = service.list_values(
        session,
        principal,
        provider,
        indicator=indicator,
        period_from=period_from,
        period_to=period_to,
        cursor=cursor,
        limit=limit,
    )
    link_next(request, response, page.next_cursor)
    items = [service.value_read(v, by_id[v.indicator_id], principal.role) for v in page.items]
    return IndicatorValuePage(items=items, next_cursor=page.next_cursor)


@router.post(
    "/providers/{provider_id}/indicator-values",
    operation_id="indicator-values-create",
    response_model=IndicatorValueRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "The same value was already recorded (nothing changed), or `replace` overwrote it."},
        **problem_responses(401, 403, 404, 409, 422),
    },
)
def record_indicator_value(
    response: Response, data: IndicatorValueCreate, provider: ProviderDep, session: SessionDep, principal: WriteValues
) -> IndicatorValueRead:
    """Record one indicator value for the provider or one of its units; a different value already there is 409
    unless `replace` is true."""
    row, indicator, created = service.record_value(session, principal, provider, data)
    if not created:
        response.status_code = status.HTTP_200_OK
    return service.value_read(row, indicator, principal.role)
