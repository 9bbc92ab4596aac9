"""Supervisor calibration: how each supervisor's scores compare with the others' and with the providers' own."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.clock import TodayDep
from api.deps import SessionDep, require
from api.errors import problem_responses
from api.principal import Principal
from api.schemas.calibration import CalibrationRead
from api.services import calibration as service
from domain.access import Permission
from domain.providers import ProviderKind

router = APIRouter(tags=["calibration"])
ReadCalibration = Annotated[Principal, Depends(require(Permission.CALIBRATION_READ))]
AssessedFrom = Annotated[
    date | None, Query(description="The first day of the period (visits held on or after it); default two years ago.")
]
AssessedTo = Annotated[date | None, Query(description="The last day of the period; default today.")]
Kind = Annotated[ProviderKind | None, Query(description="Only providers of this kind; omit it for every kind.")]


@router.get(
    "/calibration",
    operation_id="calibration-read",
    response_model=CalibrationRead,
    responses=problem_responses(401, 403, 422),
)
def read_calibration(
    session: SessionDep,
    principal: ReadCalibration,
    today: TodayDep,
    assessed_from: AssessedFrom = None,
    assessed_to: AssessedTo = None,
    provider_kind: Kind = None,
) -> CalibrationRead:
    """Compare each supervisor's scores with the others' on comparable providers and with the providers' own."""
    # Not paginated: one row per supervisor who led a visit in the period, a few dozen at most.
    return service.calibration(
        session,
        principal.municipality_id,
        today,
        assessed_from=assessed_from,
        assessed_to=assessed_to,
        kind=provider_kind,
    )
