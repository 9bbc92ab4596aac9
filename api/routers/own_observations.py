"""The provider's own observations (egne observationer), and a visit's dialogue view that sets them beside the
supervisor's. They never count in an assessment (domain/own_observations.py)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.clock import TodayDep
from api.deps import CurrentPrincipal, ProviderDep, SessionDep, VisitDep, require
from api.errors import problem_responses
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.schemas.common import Limit
from api.schemas.own_observation import OwnObservationCreate, OwnObservationPage, OwnObservationRead, VisitDialogueView
from api.services import own_observations as service
from api.tables import OwnObservation
from domain.access import Permission

router = APIRouter(tags=["own observations"])

# The 404 loaders come before the guard in each signature: another provider's id is a 404 whoever asks, and only
# then does a role without the permission (a supervisor recording "the provider's own") get its 403.
RecordOwn = Annotated[Principal, Depends(require(Permission.OWN_OBSERVATIONS_RECORD))]
ReadOwn = Annotated[Principal, Depends(require(Permission.OWN_OBSERVATIONS_READ))]
READ_ERRORS = problem_responses(401, 403, 404, 422)
ObservationId = Annotated[uuid.UUID, Path(description="The own observation's id.")]


def load_own(observation_id: ObservationId, session: SessionDep, principal: CurrentPrincipal) -> OwnObservation:
    """The own observation, if the caller may see its provider; another municipality's or provider's is a 404."""
    return service.get_own(session, principal, observation_id)


OwnDep = Annotated[OwnObservation, Depends(load_own)]


@router.post(
    "/providers/{provider_id}/own-observations",
    operation_id="own-observations-create",
    response_model=OwnObservationRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def record_own_observation(
    request: Request,
    response: Response,
    data: OwnObservationCreate,
    provider: ProviderDep,
    session: SessionDep,
    today: TodayDep,
    principal: RecordOwn,
) -> OwnObservation:
    """Record an observation of your own provider with the municipality's instrument (leader and staff only).

    It is shown beside the supervisor's in a visit's dialogue and evidence, marked as the provider's own, and never
    counts in an assessment, band, concern or escalation.
    """
    row = service.record(session, principal, provider, data, today)
    response.headers["Location"] = str(request.url_for("own-observations-read", observation_id=row.id))
    return row


@router.get(
    "/providers/{provider_id}/own-observations",
    operation_id="own-observations-list",
    response_model=OwnObservationPage,
    responses=READ_ERRORS,
)
def list_own_observations(
    request: Request,
    response: Response,
    provider: ProviderDep,
    session: SessionDep,
    _: ReadOwn,
    unit_id: Annotated[uuid.UUID | None, Query(description="Only own observations of this unit.")] = None,
    observed_from: Annotated[date | None, Query(description="Only those observed on or after this day.")] = None,
    observed_to: Annotated[date | None, Query(description="Only those observed on or before this day.")] = None,
    cursor: Annotated[str | None, Query(description="Opaque cursor from the previous page's `next_cursor`.")] = None,
    limit: Limit = DEFAULT_LIMIT,
) -> OwnObservationPage:
    """List the provider's own observations, newest first."""
    page = service.list_own(
        session,
        provider,
        unit_id=unit_id,
        observed_from=observed_from,
        observed_to=observed_to,
        cursor=cursor,
        limit=limit,
    )
    link_next(request, response, page.next_cursor)
    return OwnObservationPage(
        items=[OwnObservationRead.model_validate(o) for o in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/own-observations/{observation_id}",
    operation_id="own-observations-read",
    name="own-observations-read",
    response_model=OwnObservationRead,
    responses=problem_responses(401, 403, 404),
)
def read_own_observation(observation: OwnDep, _: ReadOwn) -> OwnObservation:
    """Read one of a provider's own observations."""
    return observation


@router.get(
    "/visits/{visit_id}/dialogue",
    operation_id="visits-dialogue-read",
    response_model=VisitDialogueView,
    responses=problem_responses(401, 403, 404),
)
def read_visit_dialogue(session: SessionDep, visit: VisitDep, _: ReadOwn) -> VisitDialogueView:
    """Read the visit's dialogue view: the dialogue, and the provider's own observations beside the supervisor's.

    Own observations made since the previous completed visit, up to the day this one was held, compared per area
    and theme with the supervisor's; a part where the two differ by more than 15 percentage points is flagged.
    """
    return service.dialogue_view(session, visit)
