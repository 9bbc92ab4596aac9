"""The publication tracker of the report duty (dagtilbudsloven §5): which reports the law requires, when each is
due, and what is overdue."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api.clock import TodayDep
from api.deps import SessionDep, require
from api.errors import problem_responses
from api.openapi import file_response
from api.principal import Principal
from api.schemas.publication import PublicationTracker
from api.services import publication as service
from domain.access import Permission

router = APIRouter(tags=["publication"])
ReadTracker = Annotated[Principal, Depends(require(Permission.TRACKER_READ))]
OverdueOnly = Annotated[bool, Query(description="Only the reports whose due date has passed.")]
ProviderFilter = Annotated[uuid.UUID | None, Query(description="Only the reports of this provider.")]
ERRORS = problem_responses(401, 403, 422)
CSV_MEDIA_TYPE = "text/csv; charset=utf-8; header=present"


@router.get(
    "/publication-tracker",
    operation_id="publication-tracker-read",
    response_model=PublicationTracker,
    responses=ERRORS,
)
def read_tracker(
    session: SessionDep,
    principal: ReadTracker,
    today: TodayDep,
    overdue_only: OverdueOnly = False,
    provider_id: ProviderFilter = None,
) -> PublicationTracker:
    """List every report the law requires of your active providers, with the last published and when the next is due."""
    # Not paginated: one row per required report of one municipality (tens to a few hundred), read as a whole and
    # sorted on computed values (overdue, next due) that a keyset cursor cannot follow.
    return service.tracker(
        session, principal.municipality_id, today, overdue_only=overdue_only, provider_id=provider_id
    )


@router.get(
    "/publication-tracker.csv",
    operation_id="publication-tracker-csv",
    response_class=Response,
    responses={
        **file_response(
            "text/csv", "The tracker as CSV (semicolon-separated, UTF-8 with a byte-order mark), Danish headers."
        ),
        **ERRORS,
    },
)
def read_tracker_csv(
    session: SessionDep,
    principal: ReadTracker,
    today: TodayDep,
    overdue_only: OverdueOnly = False,
    provider_id: ProviderFilter = None,
) -> Response:
    """Download the publication tracker as CSV for the administration: the same rows, Danish column names."""
    tracker = service.tracker(
        session, principal.municipality_id, today, overdue_only=overdue_only, provider_id=provider_id
    )
    filename = f"offentliggoerelse-af-tilsynsrapporter-{today.isoformat()}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(service.as_csv(tracker), media_type=CSV_MEDIA_TYPE, headers=headers)
