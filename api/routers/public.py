"""What anyone may read without a token: what the law says must be public (dagtilbudsloven §5 stk. 2-3)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from sqlmodel import select

from api.clock import TodayDep
from api.deps import SessionDep
from api.errors import problem_responses
from api.schemas.policy import PublicPolicy
from api.services import policy as service
from api.tables import Municipality
from domain.errors import not_found

router = APIRouter(prefix="/public", tags=["public"])
Kommunekode = Annotated[str, Path(pattern=r"^[0-9]{3}$", description="The municipality's 3-digit kommunekode.")]


@router.get(
    "/municipalities/{kommunekode}/policy",
    operation_id="public-policy-read",
    response_model=PublicPolicy,
    responses=problem_responses(404, 422),
)
def read_public_policy(kommunekode: Kommunekode, session: SessionDep, today: TodayDep) -> PublicPolicy:
    """Read a municipality's supervision policy in force today, without a token."""
    municipality = session.exec(select(Municipality).where(Municipality.kommunekode == kommunekode)).first()
    if municipality is None:
        raise not_found("municipality")
    row, policy = service.policy_in_force(session, municipality.id, today)
    return PublicPolicy(
        municipality=municipality.name, kommunekode=municipality.kommunekode, version=service.as_read(row, policy)
    )
