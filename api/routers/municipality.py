"""The caller's own municipality. Tenants are created by the operator's command line, not over the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from api.deps import SessionDep, require
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.principal import Principal
from api.schemas.identity import MunicipalityRead, MunicipalityUpdate
from api.services.common import apply_changes, column_values
from api.tables import Municipality
from domain.access import Permission

router = APIRouter(prefix="/municipality", tags=["municipality"])


@router.get(
    "", operation_id="municipality-read", response_model=MunicipalityRead, responses=problem_responses(401, 403)
)
def read_municipality(
    response: Response,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Permission.MUNICIPALITY_READ))],
) -> Municipality:
    """Read your municipality."""
    municipality = session.get(Municipality, principal.municipality_id)
    set_etag(response, municipality.version)
    return municipality


@router.patch(
    "",
    operation_id="municipality-update",
    response_model=MunicipalityRead,
    responses=problem_responses(401, 403, 412, 422, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def update_municipality(
    request: Request,
    response: Response,
    data: MunicipalityUpdate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Permission.MUNICIPALITY_WRITE))],
) -> Municipality:
    """Change your municipality's name or CVR number. Send the ETag in If-Match."""
    municipality = session.get(Municipality, principal.municipality_id)
    require_if_match(request, municipality.version)
    apply_changes(municipality, {k: v for k, v in column_values(data, only_set=True).items() if v is not None})
    session.flush()
    set_etag(response, municipality.version)
    return municipality
