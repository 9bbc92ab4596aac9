"""The caller: who the token belongs to and what it may do."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import CurrentPrincipal
from api.errors import problem_responses
from api.schemas.identity import Me

router = APIRouter(tags=["me"])


@router.get("/me", operation_id="me-read", response_model=Me, responses=problem_responses(401))
async def read_me(request: Request, principal: CurrentPrincipal) -> Me:
    """Show who you are signed in as, your municipality and your permissions."""
    # `async`: resolving the principal read the municipality with the caller (or remembered it): no query here.
    municipality = request.state.caller_municipality
    return Me(
        subject=principal.subject,
        kind=principal.kind.value,
        name=principal.name,
        role=principal.role,
        municipality=municipality,
        provider_id=principal.provider_id,
        permissions=sorted(principal.permissions),
    )
