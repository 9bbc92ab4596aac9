"""Trends across supervisions and context beside the score: the municipality's (admin, supervisors, committee) and
one provider's (those roles, and the provider's own leader, staff and parent board)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.clock import TodayDep
from api.deps import ProviderDep, SessionDep, require, require_whole_municipality
from api.errors import problem_responses
from api.principal import Principal
from api.schemas.trend import MunicipalityTrendRead, ProviderTrendRead, TrendContextRead
from api.services import provider_trends, trend_views
from domain.access import Permission
from domain.providers import ProviderKind

router = APIRouter(tags=["trends"])
ReadTrends = Annotated[Principal, Depends(require(Permission.TRENDS_READ))]
PeriodFrom = Annotated[
    date | None,
    Query(
        description="The period's first day; by default two years before `period_to` (the period is compared with "
        "the equally long one before it)."
    ),
]
PeriodTo = Annotated[date | None, Query(description="The period's last day; by default today.")]
Kind = Annotated[ProviderKind | None, Query(description="Only providers of this kind.")]


ReadMunicipalityTrends = Annotated[
    Principal,
    Depends(require_whole_municipality(Permission.TRENDS_READ, "the trend", "/providers/{provider_id}/trends")),
]


@router.get(
    "/trends",
    operation_id="trends-read",
    response_model=MunicipalityTrendRead,
    responses=problem_responses(401, 403, 422),
)
def read_trends(
    session: SessionDep,
    principal: ReadMunicipalityTrends,
    today: TodayDep,
    period_from: PeriodFrom = None,
    period_to: PeriodTo = None,
    provider_kind: Kind = None,
) -> MunicipalityTrendRead:
    """Compare your municipality's bands, areas, themes and outcomes in a period with the period before."""
    return trend_views.municipality_trend(
        session, principal.municipality_id, today, period_from=period_from, period_to=period_to, kind=provider_kind
    )


@router.get(
    "/trends/context",
    operation_id="trends-context-read",
    response_model=TrendContextRead,
    responses=problem_responses(401, 403, 422),
)
def read_trend_context(
    session: SessionDep,
    principal: ReadMunicipalityTrends,
    today: TodayDep,
    period_from: PeriodFrom = None,
    period_to: PeriodTo = None,
    provider_kind: Kind = None,
) -> TrendContextRead:
    """Group the providers' results in quartiles of the socio-economic profile; context never changes a band."""
    return trend_views.trend_context(
        session, principal, today, period_from=period_from, period_to=period_to, kind=provider_kind
    )


@router.get(
    "/providers/{provider_id}/trends",
    operation_id="provider-trends-read",
    response_model=ProviderTrendRead,
    responses=problem_responses(401, 403, 404),
    tags=["providers"],
)
def read_provider_trends(
    provider: ProviderDep, session: SessionDep, principal: ReadTrends, today: TodayDep
) -> ProviderTrendRead:
    """Read a provider's assessments over time, per area and theme, imported history included, units apart."""
    return provider_trends.provider_trend(session, principal, provider, today)
