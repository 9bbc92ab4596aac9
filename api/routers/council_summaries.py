"""The council's summary of the supervision (the political discussion every second year, §3a stk. 5 in domain.law):
draft, commentary, final (immutable), corrections; as JSON, PDF and HTML.

Admin writes; admin and supervisors read every version; the committee reads final versions only (a draft is the
administration's working paper and is a 404 to the committee, as another municipality's summary is to everyone).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import HTMLResponse

from api.clock import TodayDep
from api.deps import CallerDep, SessionDep, require, resolve_principal
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, etag_of, require_if_match, set_etag
from api.openapi import file_response
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.reports.council_document import SummaryDocument
from api.schemas.common import Limit
from api.schemas.council_summary import (
    Commentary,
    CommentaryUpdate,
    CouncilSummaryCorrection,
    CouncilSummaryCreate,
    CouncilSummaryItem,
    CouncilSummaryPage,
    CouncilSummaryRead,
)
from api.services import council_summaries as service
from api.tables import CouncilSummary
from domain.access import Permission
from domain.council_summary import SummaryStatus

router = APIRouter(tags=["council summaries"])

ReadSummaries = Annotated[Principal, Depends(require(Permission.COUNCIL_SUMMARIES_READ))]
WriteSummaries = Annotated[Principal, Depends(require(Permission.COUNCIL_SUMMARIES_WRITE))]
SummaryId = Annotated[uuid.UUID, Path(description="The summary version's id.")]
Cursor = Annotated[
    str | None, Query(max_length=500, description="Opaque cursor from the previous page's `next_cursor`.")
]
READ_ERRORS = problem_responses(401, 403, 404)
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


def load_summary(summary_id: SummaryId, session: SessionDep, caller: CallerDep) -> CouncilSummary:
    """The version, if visible: the caller's municipality; the committee only final versions."""
    return service.load(session, resolve_principal(caller), summary_id)


SummaryDep = Annotated[CouncilSummary, Depends(load_summary)]


def _read(session: SessionDep, response: Response, row: CouncilSummary, today: TodayDep) -> CouncilSummaryRead:
    set_etag(response, row.version)
    item = CouncilSummaryItem.model_validate(row).model_dump(exclude={"status_label"})
    content = service.content_of(session, row, today)
    return CouncilSummaryRead(**item, commentary=Commentary.model_validate(row.commentary), content=content)


def _document(session: SessionDep, row: CouncilSummary, today: TodayDep) -> SummaryDocument:
    return SummaryDocument(
        content=service.content_of(session, row, today),
        commentary=Commentary.model_validate(row.commentary),
        status=SummaryStatus(row.status),
        summary_version=row.summary_version,
        finalised_on=row.finalised_on,
        correction_note=row.correction_note,
    )


@router.post(
    "/council-summaries",
    operation_id="council-summaries-create",
    response_model=CouncilSummaryRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
)
def create_summary(
    request: Request,
    response: Response,
    data: CouncilSummaryCreate,
    session: SessionDep,
    principal: WriteSummaries,
    today: TodayDep,
) -> CouncilSummaryRead:
    """Create a draft summary for a period, by default the last two years ending today."""
    row = service.create(session, principal, data, today)
    response.headers["Location"] = str(request.url_for("council-summaries-read", summary_id=row.id))
    return _read(session, response, row, today)


@router.get(
    "/council-summaries",
    operation_id="council-summaries-list",
    response_model=CouncilSummaryPage,
    responses=problem_responses(401, 403, 422),
)
def list_summaries(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: ReadSummaries,
    status_: Annotated[SummaryStatus | None, Query(alias="status", description="Only versions in this status.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> CouncilSummaryPage:
    """List the summary versions, newest first; the committee sees final versions only."""
    page = service.list_summaries(session, principal, status=status_, cursor=cursor, limit=limit)
    link_next(request, response, page.next_cursor)
    items = [CouncilSummaryItem.model_validate(row) for row in page.items]
    return CouncilSummaryPage(items=items, next_cursor=page.next_cursor)


@router.get(
    "/council-summaries/{summary_id}",
    operation_id="council-summaries-read",
    name="council-summaries-read",
    response_model=CouncilSummaryRead,
    responses=READ_ERRORS,
)
def read_summary(
    response: Response, row: SummaryDep, session: SessionDep, _: ReadSummaries, today: TodayDep
) -> CouncilSummaryRead:
    """Read a summary version with its content: computed now while a draft, as stored once final."""
    return _read(session, response, row, today)


@router.patch(
    "/council-summaries/{summary_id}",
    operation_id="council-summaries-update",
    response_model=CouncilSummaryRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def update_summary(
    request: Request,
    response: Response,
    data: CommentaryUpdate,
    row: SummaryDep,
    session: SessionDep,
    _: WriteSummaries,
    today: TodayDep,
) -> CouncilSummaryRead:
    """Change the administration's commentary on a draft, overall or per section. Send the ETag in If-Match."""
    require_if_match(request, row.version)
    return _read(session, response, service.update_commentary(session, row, data), today)


@router.post(
    "/council-summaries/{summary_id}/finalise",
    operation_id="council-summaries-finalise",
    response_model=CouncilSummaryRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def finalise_summary(
    request: Request,
    response: Response,
    row: SummaryDep,
    session: SessionDep,
    principal: WriteSummaries,
    today: TodayDep,
) -> CouncilSummaryRead:
    """Make a draft final: its figures are stored as they are today and never change again. Send If-Match."""
    require_if_match(request, row.version)
    return _read(session, response, service.finalise(session, principal, row, today), today)


@router.post(
    "/council-summaries/{summary_id}/corrections",
    operation_id="council-summaries-correct",
    response_model=CouncilSummaryRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def correct_summary(
    request: Request,
    response: Response,
    data: CouncilSummaryCorrection,
    row: SummaryDep,
    session: SessionDep,
    principal: WriteSummaries,
    today: TodayDep,
) -> CouncilSummaryRead:
    """Start a correction of a final summary: a new draft version, linked to the one it corrects."""
    correction = service.correct(session, principal, row, data)
    response.headers["Location"] = str(request.url_for("council-summaries-read", summary_id=correction.id))
    return _read(session, response, correction, today)


@router.get(
    "/council-summaries/{summary_id}/pdf",
    operation_id="council-summaries-pdf",
    name="council-summaries-pdf",
    response_class=Response,
    responses={
        **file_response(
            "application/pdf",
            "The summary as a PDF in Danish, inline, named tilsynssammenfatning-<first day>-<last day>-v<version>.pdf.",
            etag=True,
        ),
        **READ_ERRORS,
    },
)
def summary_pdf(row: SummaryDep, session: SessionDep, _: ReadSummaries, today: TodayDep) -> Response:
    """Download the summary as a PDF with charts, rendered from its content (as stored once final)."""
    from api.reports.council_pdf import render_summary_pdf  # reportlab is loaded when a PDF is asked for

    return Response(
        render_summary_pdf(_document(session, row, today)),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{service.document_filename(row)}.pdf"',
            "ETag": etag_of(row.version),
        },
    )


@router.get(
    "/council-summaries/{summary_id}/html",
    operation_id="council-summaries-html",
    response_class=HTMLResponse,
    responses={**file_response("text/html", "The summary as an HTML page in Danish.", etag=True), **READ_ERRORS},
)
def summary_html(
    request: Request, row: SummaryDep, session: SessionDep, _: ReadSummaries, today: TodayDep
) -> HTMLResponse:
    """Read the summary as an HTML page, rendered from its content (as stored once final)."""
    from api.reports.council_html import render_summary_html
    from api.reports.html import content_security_policy

    pdf_url = str(request.url_for("council-summaries-pdf", summary_id=row.id))
    # Not a public page: it may not be framed by another site, like a report that is not yet published.
    headers = {
        "Content-Security-Policy": content_security_policy(frame_ancestors="'none'"),
        "X-Frame-Options": "DENY",
        "ETag": etag_of(row.version),
    }
    return HTMLResponse(render_summary_html(_document(session, row, today), pdf_url=pdf_url), headers=headers)
