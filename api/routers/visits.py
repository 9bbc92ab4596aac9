"""Visits: plan, observe, hold the dialogue, complete; the assessment and escalation that follow."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.clock import TodayDep
from api.deps import CurrentPrincipal, ProviderDep, SessionDep, UserDep, VisitDep, require
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.schemas.carry_forward import CarriedForward
from api.schemas.common import Limit
from api.schemas.visit import (
    ActionRead,
    AssessmentList,
    AssessmentPage,
    AssessmentRead,
    Cancellation,
    Completion,
    DeclarationCreate,
    DeclarationList,
    DeclarationRead,
    Dialogue,
    EscalationRead,
    ObservationCreate,
    ObservationList,
    ObservationRead,
    VisitCompleted,
    VisitCreate,
    VisitPage,
    VisitRead,
    VisitStatus,
    VisitUpdate,
)
from api.services import assessments, carry_forward, impartiality
from api.services import visits as service
from api.tables import ImpartialityDeclaration, Observation, Visit
from domain.access import Permission
from domain.cycle import VisitKind
from domain.errors import not_found
from domain.escalation import ActionKind

router = APIRouter(tags=["visits"])

ReadVisits = Annotated[Principal, Depends(require(Permission.VISITS_READ))]
WriteVisits = Annotated[Principal, Depends(require(Permission.VISITS_WRITE))]
Cursor = Annotated[str | None, Query(description="Opaque cursor from the previous page's `next_cursor`.")]
READ_ERRORS = problem_responses(401, 403, 404, 422)
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)
CREATE_ERRORS = problem_responses(401, 403, 404, 409, 422)


def _read(response: Response, visit: Visit) -> Visit:
    set_etag(response, visit.version)
    return visit


@router.post(
    "/visits",
    operation_id="visits-create",
    response_model=VisitRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
)
def create_visit(
    request: Request, response: Response, data: VisitCreate, session: SessionDep, principal: WriteVisits
) -> Visit:
    """Plan a visit with an impartial supervisor; a 422 names every bad value, with the reason."""
    visit = service.create_visit(session, principal, data)
    response.headers["Location"] = str(request.url_for("visits-read", visit_id=visit.id))
    return _read(response, visit)


@router.get("/visits", operation_id="visits-list", response_model=VisitPage, responses=READ_ERRORS)
def list_visits(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: ReadVisits,
    provider_id: Annotated[uuid.UUID | None, Query(description="Only visits to this provider.")] = None,
    kind: Annotated[VisitKind | None, Query(description="Only visits of this kind.")] = None,
    status_: Annotated[VisitStatus | None, Query(alias="status", description="Only visits in this status.")] = None,
    planned_from: Annotated[date | None, Query(description="Only visits planned on or after this day.")] = None,
    planned_to: Annotated[date | None, Query(description="Only visits planned on or before this day.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> VisitPage:
    """List visits by planned date; a provider's own people never see a planned unannounced visit."""
    page = service.list_visits(
        session,
        principal,
        provider_id=provider_id,
        kind=kind,
        status=status_,
        planned_from=planned_from,
        planned_to=planned_to,
        cursor=cursor,
        limit=limit,
    )
    link_next(request, response, page.next_cursor)
    return VisitPage(items=[VisitRead.model_validate(v) for v in page.items], next_cursor=page.next_cursor)


@router.get(
    "/visits/{visit_id}",
    operation_id="visits-read",
    name="visits-read",
    response_model=VisitRead,
    responses=READ_ERRORS,
)
def read_visit(response: Response, visit: VisitDep, _: ReadVisits) -> Visit:
    """Read a visit. The ETag header is what a change sends back in If-Match."""
    return _read(response, visit)


@router.patch(
    "/visits/{visit_id}",
    operation_id="visits-update",
    response_model=VisitRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def update_visit(
    request: Request, response: Response, data: VisitUpdate, visit: VisitDep, session: SessionDep, _: WriteVisits
) -> Visit:
    """Change a planned visit; impartiality is checked again. Send the ETag in If-Match."""
    require_if_match(request, visit.version)
    return _read(response, service.update_visit(session, visit, data))


@router.post(
    "/visits/{visit_id}/cancel",
    operation_id="visits-cancel",
    response_model=VisitRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def cancel_visit(
    request: Request, response: Response, data: Cancellation, visit: VisitDep, session: SessionDep, _: WriteVisits
) -> Visit:
    """Cancel a planned visit, with the reason. Send the ETag in If-Match."""
    require_if_match(request, visit.version)
    return _read(response, service.cancel_visit(session, visit, data))


@router.post(
    "/visits/{visit_id}/observations",
    operation_id="observations-create",
    response_model=ObservationRead,
    status_code=status.HTTP_201_CREATED,
    responses=CREATE_ERRORS,
)
def record_observation(
    request: Request,
    response: Response,
    data: ObservationCreate,
    visit: VisitDep,
    session: SessionDep,
    principal: WriteVisits,
) -> Observation:
    """Record an observation during a planned visit; scores are checked against the visit's instrument."""
    row = service.record_observation(session, principal, visit, data)
    response.headers["Location"] = str(request.url_for("observations-read", visit_id=visit.id, observation_id=row.id))
    return row


@router.get(
    "/visits/{visit_id}/observations",
    operation_id="observations-list",
    response_model=ObservationList,
    responses=READ_ERRORS,
)
def list_observations(visit: VisitDep, session: SessionDep, _: ReadVisits) -> ObservationList:
    """List a visit's observations, oldest first."""
    return ObservationList(items=[ObservationRead.model_validate(o) for o in service.observations_of(session, visit)])


@router.get(
    "/visits/{visit_id}/observations/{observation_id}",
    operation_id="observations-read",
    name="observations-read",
    response_model=ObservationRead,
    responses=READ_ERRORS,
)
def read_observation(
    observation_id: Annotated[uuid.UUID, Path(description="The observation's id.")],
    visit: VisitDep,
    session: SessionDep,
    _: ReadVisits,
) -> Observation:
    """Read one observation of a visit."""
    return service.get_observation(session, visit, observation_id)


@router.put(
    "/visits/{visit_id}/dialogue",
    operation_id="visits-dialogue",
    response_model=VisitRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def record_dialogue(
    request: Request, response: Response, data: Dialogue, visit: VisitDep, session: SessionDep, _: WriteVisits
) -> Visit:
    """Record the dialogue with leader and staff during the visit. Send the visit's ETag in If-Match."""
    require_if_match(request, visit.version)
    return _read(response, service.record_dialogue(session, visit, data))


@router.post(
    "/visits/{visit_id}/complete",
    operation_id="visits-complete",
    response_model=VisitCompleted,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def complete_visit(
    request: Request,
    response: Response,
    data: Completion,
    visit: VisitDep,
    session: SessionDep,
    today: TodayDep,
    _: WriteVisits,
) -> VisitCompleted:
    """Complete a visit: assess it, then apply the escalation it calls for. Send the ETag in If-Match."""
    require_if_match(request, visit.version)
    done = assessments.complete_visit(session, visit, data, today)
    set_etag(response, done.visit.version)
    applied = done.escalation
    decision = applied.decision
    escalation = EscalationRead(
        previous_state=decision.previous,
        state=decision.state,
        state_label=decision.state.label_da,
        concern=decision.concern,
        # The stored actions, not the bare decision: what /due will show (e.g. no parent board to inform).
        actions=[
            ActionRead(
                kind=ActionKind(a.kind),
                label_da=ActionKind(a.kind).label_da,
                due_on=a.due_on,
                legal_reference=a.legal_reference,
                reason=a.reason,
                done_on=a.done_on,
            )
            for a in applied.actions
        ],
        intensified_supervision_id=applied.intensified.id if applied.intensified else None,
    )
    return VisitCompleted(
        **VisitRead.model_validate(done.visit).model_dump(exclude={"kind_label"}),
        assessments=[AssessmentRead.model_validate(a) for a in done.assessments],
        escalation=escalation,
    )


@router.get(
    "/visits/{visit_id}/assessments",
    operation_id="visit-assessments-list",
    response_model=AssessmentList,
    responses=READ_ERRORS,
)
def list_visit_assessments(visit: VisitDep, session: SessionDep, _: ReadVisits) -> AssessmentList:
    """List a completed visit's assessments: the provider's first, then each unit's."""
    rows = assessments.visit_assessments(session, visit)
    return AssessmentList(items=[AssessmentRead.model_validate(a) for a in rows])


@router.get(
    "/visits/{visit_id}/carried-forward",
    operation_id="visits-carried-forward",
    response_model=CarriedForward,
    responses=READ_ERRORS,
)
def read_carried_forward(visit: VisitDep, session: SessionDep, principal: ReadVisits) -> CarriedForward:
    """Read what the visit before flagged for this visit to re-score, and why; once completed, before and after.

    Areas and themes weak at the provider's (or a unit's) latest earlier result, themes with an item scored at the
    lowest level, and themes an open recommendation or an unfinished action plan names. The instrument's items come
    with carried-forward ones first. A dagplejer's own result shows only to the administration and supervisors.
    """
    return carry_forward.view(session, visit, principal)


@router.get(
    "/providers/{provider_id}/assessments",
    operation_id="provider-assessments-list",
    response_model=AssessmentPage,
    responses=READ_ERRORS,
)
def list_provider_assessments(
    request: Request,
    response: Response,
    provider: ProviderDep,
    session: SessionDep,
    _: ReadVisits,
    level: Annotated[
        Literal["provider", "unit"] | None,
        Query(description="`provider` for the provider-level assessments only, `unit` for the units' only."),
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> AssessmentPage:
    """List a provider's assessments, newest first."""
    page = assessments.provider_assessments(session, provider, level=level, cursor=cursor, limit=limit)
    link_next(request, response, page.next_cursor)
    return AssessmentPage(items=[AssessmentRead.model_validate(a) for a in page.items], next_cursor=page.next_cursor)


@router.get(
    "/users/{user_id}/impartiality-declarations",
    operation_id="impartiality-declarations-list",
    response_model=DeclarationList,
    responses=problem_responses(401, 403, 404),
)
def list_declarations(user: UserDep, session: SessionDep, principal: CurrentPrincipal) -> DeclarationList:
    """List a person's ties to providers (leader, staff, declared conflict) that rule out supervising them."""
    impartiality.may_read_declarations(principal, user)
    rows = impartiality.list_declarations(session, user)
    return DeclarationList(items=[DeclarationRead.model_validate(r) for r in rows])


@router.post(
    "/users/{user_id}/impartiality-declarations",
    operation_id="impartiality-declarations-create",
    response_model=DeclarationRead,
    status_code=status.HTTP_201_CREATED,
    responses=CREATE_ERRORS,
)
def declare(
    request: Request,
    response: Response,
    data: DeclarationCreate,
    user: UserDep,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ImpartialityDeclaration:
    """Record a tie to a provider; the administration records any, a supervisor their own conflict of interest."""
    impartiality.may_declare(principal, user, data.relation)
    row = impartiality.declare(session, user, data)
    response.headers["Location"] = str(
        request.url_for("impartiality-declarations-read", user_id=user.id, declaration_id=row.id)
    )
    return row


@router.get(
    "/users/{user_id}/impartiality-declarations/{declaration_id}",
    operation_id="impartiality-declarations-read",
    name="impartiality-declarations-read",
    response_model=DeclarationRead,
    responses=problem_responses(401, 403, 404),
)
def read_declaration(
    declaration_id: Annotated[uuid.UUID, Path(description="The declaration's id.")],
    user: UserDep,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ImpartialityDeclaration:
    """Read one of a person's declared ties to a provider."""
    impartiality.may_read_declarations(principal, user)
    row = session.get(ImpartialityDeclaration, declaration_id)
    if row is None or row.user_id != user.id:
        raise not_found("impartiality declaration")
    return row
