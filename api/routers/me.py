"""The caller: who the token belongs to and what it may do."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentPrincipal, SessionDep
from api.errors import problem_responses
from api.schemas.identity import Me, MunicipalityRead
from api.tables import Municipality

router = APIRouter(tags=["me"])


@router.get("/me", operation_id="me-read", response_model=Me, responses=problem_responses(401))
async def read_me(principal: CurrentPrincipal, session: SessionDep) -> Me:
    """Show who you are signed in as, your municipality and your permissions."""
    # `async`: resolving the principal loaded the municipality with the account, so this is an identity-map hit.
    municipality = session.get(Municipality, principal.municipality_id)
    return Me(
        subject=principal.subject,
        kind=principal.kind.value,
        name=principal.name,
        role=principal.role,
        municipality=MunicipalityRead.model_validate(municipality),
        provider_id=principal.provider_id,
        permissions=sorted(principal.permissions),
    )
