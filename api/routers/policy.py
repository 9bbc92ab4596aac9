"""The municipality's supervision policy: the version in force, its history, and publishing a new version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from api.clock import TodayDep
from api.deps import SessionDep, require
from api.errors import problem_responses
from api.principal import Principal
from api.schemas.policy import PolicyVersionCreate, PolicyVersionList, PolicyVersionRead
from api.services import policy as service
from api.tables import PolicyVersion
from domain.access import Permission
from domain.errors import not_found

router = APIRouter(prefix="/policy", tags=["policy"])
ReadPolicy = Annotated[Principal, Depends(require(Permission.POLICY_READ))]


@router.get("", operation_id="policy-read", response_model=PolicyVersionRead, responses=problem_responses(401, 403))
def read_policy(session: SessionDep, principal: ReadPolicy, today: TodayDep) -> PolicyVersionRead:
    """Read the policy in force today; the Kolding default (version 0) until your municipality publishes one."""
    row, policy = service.policy_in_force(session, principal.municipality_id, today)
    return service.as_read(row, policy, today)


@router.get(
    "/versions",
    operation_id="policy-versions-list",
    response_model=PolicyVersionList,
    responses=problem_responses(401, 403),
)
def list_policy_versions(session: SessionDep, principal: ReadPolicy, today: TodayDep) -> PolicyVersionList:
    """List every published version of the policy, newest first."""
    rows = service.list_versions(session, principal.municipality_id)
    in_force, _ = service.policy_in_force(session, principal.municipality_id, today)
    return PolicyVersionList(items=[service.as_read_version(r, in_force, today) for r in rows])


@router.get(
    "/versions/{number}",
    operation_id="policy-versions-read",
    name="policy-versions-read",
    response_model=PolicyVersionRead,
    responses=problem_responses(401, 403, 404),
)
def read_policy_version(
    number: Annotated[int, Path(ge=1, description="The version number.")],
    session: SessionDep,
    principal: ReadPolicy,
    today: TodayDep,
) -> PolicyVersionRead:
    """Read one version of the policy, e.g. the one an old assessment was made under."""
    row = next((r for r in service.list_versions(session, principal.municipality_id) if r.number == number), None)
    if row is None:
        raise not_found("policy version")
    in_force, _ = service.policy_in_force(session, principal.municipality_id, today)
    return service.as_read_version(row, in_force, today)


@router.post(
    "/versions",
    operation_id="policy-versions-create",
    response_model=PolicyVersionRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
)
def publish_policy_version(
    request: Request,
    response: Response,
    data: PolicyVersionCreate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Permission.POLICY_WRITE))],
    today: TodayDep,
) -> PolicyVersionRead:
    """Publish a new version of the policy from a date; a 422 lists every problem with it at once."""
    row: PolicyVersion = service.publish_version(session, principal, data, today)
    response.headers["Location"] = str(request.url_for("policy-versions-read", number=row.number))
    in_force, _ = service.policy_in_force(session, principal.municipality_id, today)
    return service.as_read_version(row, in_force, today)
