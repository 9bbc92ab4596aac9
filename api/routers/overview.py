"""What is due, a visit's evidence and a provider's timeline."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.clock import TodayDep
from api.deps import ProviderDep, SessionDep, VisitDep, require, visible_provider
from api.errors import problem_responses
from api.principal import Principal
from api.schemas.overview import DueList, ProviderTimeline, VisitEvidence
from api.services import carry_forward, own_observations, timeline
from api.services import overview as service
from domain.access import Permission

router = APIRouter(tags=["overview"])

# The 404 loaders come before the guard in each signature, as on every other route: another municipality's (or
# another provider's) id is a 404 whoever asks, and only then does a role without the permission get its 403.
ReadDue = Annotated[Principal, Depends(require(Permission.DUE_READ))]
ReadTimeline = Annotated[Principal, Depends(require(Permission.TIMELINE_READ))]


@router.get("/due", operation_id="due-list", response_model=DueList, responses=problem_responses(401, 403, 404, 422))
def list_due(
    session: SessionDep,
    principal: ReadDue,
    today: TodayDep,
    provider_id: Annotated[
        uuid.UUID | None, Query(description="Only this provider's items (a provider you can see).")
    ] = None,
    mine: Annotated[
        bool,
        Query(
            description="Only your own: items of visits you lead or co-observe, and provider-level items "
            "(cycle visits, action plans, escalation deadlines) of providers you supervise. A leader's items are "
            "always their own provider's."
        ),
    ] = False,
    within_days: Annotated[
        int, Query(ge=0, le=730, description="Show items due within this many days (0-730); overdue ones always.")
    ] = 60,
) -> DueList:
    """List what is due and overdue, soonest first.

    From escalation deadlines, follow-up dialogues not yet held, open recommendations, action plans not yet
    approved, the announced and unannounced visit each active provider's cycle asks for, and the open follow-ups
    agreed in conversations of the continuous supervision. Leaders see their
    own provider's items, never one that would reveal a planned unannounced visit.
    """
    provider = visible_provider(session, principal, provider_id) if provider_id else None
    return service.due_items(session, principal, today, provider=provider, mine=mine, within_days=within_days)


@router.get(
    "/visits/{visit_id}/evidence",
    operation_id="visits-evidence",
    response_model=VisitEvidence,
    responses=problem_responses(401, 403, 404),
)
def read_visit_evidence(session: SessionDep, visit: VisitDep, principal: ReadTimeline) -> VisitEvidence:
    """Read everything earlier about the visit's provider that the visit must build on.

    Earlier visits with their assessments, follow-up dialogues, recommendations, concern notices (with who
    reported), intensified supervision and action plans, all dated before the day the visit was held; and the
    provider's own observations since the previous visit, beside the supervisor's (never counted), and the
    conversations of the continuous supervision since the previous visit, with the follow-ups still open.
    """
    evidence = service.visit_evidence(session, visit)
    evidence.own_observations = own_observations.side_by_side(session, visit)
    evidence.carried_forward = carry_forward.view(session, visit, principal)
    return evidence


@router.get(
    "/providers/{provider_id}/timeline",
    operation_id="providers-timeline",
    response_model=ProviderTimeline,
    responses=problem_responses(401, 403, 404, 422),
)
def read_provider_timeline(
    session: SessionDep,
    provider: ProviderDep,
    _: ReadTimeline,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many events (1-1000), newest first.")] = 200,
) -> ProviderTimeline:
    """Read the provider's timeline: every event of its supervision, newest first."""
    return timeline.provider_timeline(session, provider, limit)
