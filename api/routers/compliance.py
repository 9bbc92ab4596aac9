"""Compliance with the legal minimums, per provider and for the municipality, and the municipality's exemptions."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.clock import TodayDep
from api.deps import ProviderDep, SessionDep, require, require_whole_municipality
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.openapi import file_response
from api.principal import Principal
from api.routers.publication import CSV_MEDIA_TYPE
from api.schemas.compliance import (
    ExemptionCreate,
    ExemptionEnd,
    ExemptionList,
    ExemptionRead,
    MunicipalityCompliance,
    ProviderCompliance,
)
from api.services import compliance as service
from api.tables import Exemption
from domain.access import Permission

router = APIRouter(tags=["compliance"])
ReadCompliance = Annotated[Principal, Depends(require(Permission.COMPLIANCE_READ))]
ReadMunicipality = Annotated[Principal, Depends(require(Permission.MUNICIPALITY_READ))]
WriteMunicipality = Annotated[Principal, Depends(require(Permission.MUNICIPALITY_WRITE))]
CycleStart = Annotated[
    date | None,
    Query(description="The first day of the cycle to check; omit it for the provider's current cycle."),
]
ExemptionId = Annotated[uuid.UUID, Path(description="The exemption's id.")]


ReadMunicipalityCompliance = Annotated[
    Principal,
    Depends(
        require_whole_municipality(Permission.COMPLIANCE_READ, "the compliance", "/providers/{provider_id}/compliance")
    ),
]


@router.get(
    "/providers/{provider_id}/compliance",
    operation_id="provider-compliance-read",
    response_model=ProviderCompliance,
    responses=problem_responses(401, 403, 404, 422),
)
def read_provider_compliance(
    provider: ProviderDep, session: SessionDep, _: ReadCompliance, today: TodayDep, cycle_start: CycleStart = None
) -> ProviderCompliance:
    """Check a provider's cycle against each legal minimum, under the law in force on the day of each act."""
    return service.provider_compliance(session, provider, today, cycle_start)


@router.get(
    "/compliance",
    operation_id="compliance-read",
    response_model=MunicipalityCompliance,
    responses=problem_responses(401, 403),
)
def read_compliance(
    session: SessionDep, principal: ReadMunicipalityCompliance, today: TodayDep
) -> MunicipalityCompliance:
    """Count your active providers per minimum and status, in their current cycles, and list those that fall short."""
    # Not paginated: one summary per minimum; the providers that fall short are the point of the view.
    return service.municipality_compliance(session, principal.municipality_id, today)


@router.get(
    "/compliance.csv",
    operation_id="compliance-csv",
    response_class=Response,
    responses={
        **file_response(
            "text/csv",
            "One line per provider and minimum (semicolon-separated, UTF-8 with a byte-order mark), Danish headers.",
        ),
        **problem_responses(401, 403),
    },
)
def read_compliance_csv(session: SessionDep, principal: ReadMunicipalityCompliance, today: TodayDep) -> Response:
    """Download every active provider's minimums as CSV for the administration, with Danish column names."""
    filename = f"overholdelse-af-minimumskrav-{today.isoformat()}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    csv_text = service.as_csv(session, principal.municipality_id, today)
    return Response(csv_text, media_type=CSV_MEDIA_TYPE, headers=headers)


# --- exemption periods ----------------------------------------------------------------------------------------


def _read(response: Response, row: Exemption) -> Exemption:
    set_etag(response, row.version)
    return row


@router.get(
    "/municipality/exemptions",
    operation_id="exemptions-list",
    response_model=ExemptionList,
    responses=problem_responses(401, 403),
    tags=["municipality"],
)
def list_exemptions(session: SessionDep, principal: ReadMunicipality) -> ExemptionList:
    """List your municipality's exemption periods (e.g. a velfærdsaftale), latest first."""
    rows = service.list_exemptions(session, principal.municipality_id)
    return ExemptionList(items=[ExemptionRead.model_validate(r) for r in rows])


@router.post(
    "/municipality/exemptions",
    operation_id="exemptions-create",
    response_model=ExemptionRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
    tags=["municipality"],
)
def create_exemption(
    request: Request, response: Response, data: ExemptionCreate, session: SessionDep, principal: WriteMunicipality
) -> Exemption:
    """Record an exemption period: inside it, the minimums it covers are not required by law."""
    row = service.create_exemption(session, principal, data)
    response.headers["Location"] = str(request.url_for("exemptions-read", exemption_id=row.id))
    return _read(response, row)


@router.get(
    "/municipality/exemptions/{exemption_id}",
    operation_id="exemptions-read",
    name="exemptions-read",
    response_model=ExemptionRead,
    responses=problem_responses(401, 403, 404),
    tags=["municipality"],
)
def read_exemption(
    response: Response, exemption_id: ExemptionId, session: SessionDep, principal: ReadMunicipality
) -> Exemption:
    """Read an exemption period. The ETag header is what ending it sends back in If-Match."""
    return _read(response, service.get_exemption(session, principal.municipality_id, exemption_id))


@router.post(
    "/municipality/exemptions/{exemption_id}/end",
    operation_id="exemptions-end",
    response_model=ExemptionRead,
    responses=problem_responses(401, 403, 404, 412, 422, 428),
    dependencies=[NEEDS_IF_MATCH],
    tags=["municipality"],
)
def end_exemption(
    request: Request,
    response: Response,
    exemption_id: ExemptionId,
    data: ExemptionEnd,
    session: SessionDep,
    principal: WriteMunicipality,
) -> Exemption:
    """End an exemption period early by moving its last day; send the ETag in If-Match."""
    row = service.get_exemption(session, principal.municipality_id, exemption_id)
    require_if_match(request, row.version)
    return _read(response, service.end_exemption(session, row, data))
