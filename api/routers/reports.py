"""Written reports: draft, the leader's comment, final, published, PDF and HTML."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import HTMLResponse

from api.clock import TodayDep
from api.deps import CallerDep, SessionDep, VisitDep, require, resolve_principal
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.openapi import file_response
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.schemas.common import Limit
from api.schemas.report import (
    CaseReference,
    CorrectionCreate,
    LeaderComment,
    Publication,
    ReportContentRead,
    ReportCreate,
    ReportPage,
    ReportRead,
    ReportStatus,
    ReportSummary,
    ReportUpdate,
)
from api.services import reports as service
from api.tables import Report
from domain.access import Permission
from domain.reports import content_to_dict

router = APIRouter(tags=["reports"])

ReadReports = Annotated[Principal, Depends(require(Permission.REPORTS_READ))]
WriteReports = Annotated[Principal, Depends(require(Permission.REPORTS_WRITE))]
CommentReports = Annotated[Principal, Depends(require(Permission.REPORTS_COMMENT))]
PublishReports = Annotated[Principal, Depends(require(Permission.REPORTS_PUBLISH))]
FileReports = Annotated[Principal, Depends(require(Permission.REPORTS_FILE))]
ReportId = Annotated[uuid.UUID, Path(description="The report's id.")]
Cursor = Annotated[str | None, Query(description="Opaque cursor from the previous page's `next_cursor`.")]
READ_ERRORS = problem_responses(401, 403, 404)
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


def load_report(report_id: ReportId, session: SessionDep, caller: CallerDep) -> Report:
    """The report, if visible; leaders, staff and parent boards never see a draft."""
    return service.load_report(session, resolve_principal(caller), report_id)


ReportDep = Annotated[Report, Depends(load_report)]


def _read(session: SessionDep, response: Response, report: Report) -> ReportRead:
    set_etag(response, report.version)
    content = ReportContentRead.model_validate(content_to_dict(service.content_of(session, report)))
    return ReportRead(**ReportSummary.model_validate(report).model_dump(exclude={"status_label"}), content=content)


@router.post(
    "/visits/{visit_id}/reports",
    operation_id="reports-create",
    response_model=ReportRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def create_report(
    request: Request,
    response: Response,
    data: ReportCreate,
    visit: VisitDep,
    session: SessionDep,
    _: WriteReports,
    today: TodayDep,
) -> ReportRead:
    """Create a draft report on a completed visit, for the provider, one unit, or the dagpleje combined."""
    report = service.create_report(session, visit, data, today)
    response.headers["Location"] = str(request.url_for("reports-read", report_id=report.id))
    return _read(session, response, report)


@router.get("/reports", operation_id="reports-list", response_model=ReportPage, responses=READ_ERRORS)
def list_reports(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: ReadReports,
    provider_id: Annotated[uuid.UUID | None, Query(description="Only reports on this provider.")] = None,
    visit_id: Annotated[uuid.UUID | None, Query(description="Only reports on this visit.")] = None,
    status_: Annotated[ReportStatus | None, Query(alias="status", description="Only reports in this status.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ReportPage:
    """List reports, newest first; leaders, staff and parent boards see their own provider's once sent."""
    page = service.list_reports(
        session, principal, provider_id=provider_id, visit_id=visit_id, status=status_, cursor=cursor, limit=limit
    )
    link_next(request, response, page.next_cursor)
    return ReportPage(items=[ReportSummary.model_validate(r) for r in page.items], next_cursor=page.next_cursor)


@router.get(
    "/reports/{report_id}",
    operation_id="reports-read",
    name="reports-read",
    response_model=ReportRead,
    responses=READ_ERRORS,
)
def read_report(response: Response, report: ReportDep, session: SessionDep, _: ReadReports) -> ReportRead:
    """Read a report with its content: assembled live until final, frozen from then on."""
    return _read(session, response, report)


@router.patch(
    "/reports/{report_id}",
    operation_id="reports-update",
    response_model=ReportRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def update_report(
    request: Request, response: Response, data: ReportUpdate, report: ReportDep, session: SessionDep, _: WriteReports
) -> ReportRead:
    """Change the summary of a draft or sent report. Send the ETag in If-Match."""
    require_if_match(request, report.version)
    return _read(session, response, service.update_report(session, report, data))


@router.post(
    "/reports/{report_id}/send",
    operation_id="reports-send",
    response_model=ReportRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def send_report(
    request: Request, response: Response, report: ReportDep, session: SessionDep, _: WriteReports, today: TodayDep
) -> ReportRead:
    """Send a draft to the provider's leader, who may comment within the policy's window. Send If-Match."""
    require_if_match(request, report.version)
    return _read(session, response, service.send_report(session, report, today))


@router.put(
    "/reports/{report_id}/leader-comment",
    operation_id="reports-comment",
    response_model=ReportRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def comment_report(
    request: Request,
    response: Response,
    data: LeaderComment,
    report: ReportDep,
    session: SessionDep,
    _: CommentReports,
    today: TodayDep,
) -> ReportRead:
    """Give or replace the leader's comment while the comment window is open. Send the ETag in If-Match."""
    require_if_match(request, report.version)
    return _read(session, response, service.comment_report(session, report, data, today))


@router.post(
    "/reports/{report_id}/finalise",
    operation_id="reports-finalise",
    response_model=ReportRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def finalise_report(
    request: Request, response: Response, report: ReportDep, session: SessionDep, _: WriteReports, today: TodayDep
) -> ReportRead:
    """Make a sent report final and freeze its content; personal data in its texts is refused. Send If-Match."""
    require_if_match(request, report.version)
    return _read(session, response, service.finalise_report(session, report, today))


@router.post(
    "/reports/{report_id}/publish",
    operation_id="reports-publish",
    response_model=ReportRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def publish_report(
    request: Request,
    response: Response,
    data: Publication,
    report: ReportDep,
    session: SessionDep,
    principal: PublishReports,
    today: TodayDep,
) -> ReportRead:
    """Record that a final report is published on the provider's website. Send the ETag in If-Match."""
    require_if_match(request, report.version)
    return _read(session, response, service.publish_report(session, principal, report, data, today))


@router.post(
    "/reports/{report_id}/corrections",
    operation_id="reports-correct",
    response_model=ReportRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def correct_report(
    request: Request,
    response: Response,
    data: CorrectionCreate,
    report: ReportDep,
    session: SessionDep,
    _: WriteReports,
) -> ReportRead:
    """Start a correction of a published report: a new draft version that says what it replaces."""
    correction = service.correct_report(session, report, data)
    response.headers["Location"] = str(request.url_for("reports-read", report_id=correction.id))
    return _read(session, response, correction)


@router.put(
    "/reports/{report_id}/case-reference",
    operation_id="reports-file",
    response_model=ReportRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def file_report(
    request: Request, response: Response, data: CaseReference, report: ReportDep, session: SessionDep, _: FileReports
) -> ReportRead:
    """Record where the case system filed a final or published report. Send the ETag in If-Match."""
    require_if_match(request, report.version)
    return _read(session, response, service.file_report(session, report, data))


@router.get(
    "/reports/{report_id}/pdf",
    operation_id="reports-pdf",
    name="reports-pdf",
    response_class=Response,
    responses={
        **file_response(
            "application/pdf", "The report as a PDF in Danish, inline, named tilsynsrapport-<provider>-<date>.pdf."
        ),
        **READ_ERRORS,
    },
)
def report_pdf(report: ReportDep, session: SessionDep, _: ReadReports) -> Response:
    """Download the report as a PDF, rendered from its content (frozen once final)."""
    from api.reports.pdf import render_pdf  # the renderer is its own module; loaded when a PDF is asked for

    content = service.content_of(session, report)
    filename = service.document_filename(content)
    return Response(
        render_pdf(content),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@router.get(
    "/reports/{report_id}/html",
    operation_id="reports-html",
    response_class=HTMLResponse,
    responses={**file_response("text/html", "The report as an HTML page in Danish."), **READ_ERRORS},
)
def report_html(request: Request, report: ReportDep, session: SessionDep, _: ReadReports) -> HTMLResponse:
    """Read the report as an HTML page, rendered from its content (frozen once final)."""
    from api.reports.html import content_security_policy, render_html  # loaded when a page is asked for

    content = service.content_of(session, report)
    pdf_url = str(request.url_for("reports-pdf", report_id=report.id))
    # A report that is not yet public may not be framed by another site; the public page may (routers/public.py).
    headers = {"Content-Security-Policy": content_security_policy(frame_ancestors="'none'"), "X-Frame-Options": "DENY"}
    return HTMLResponse(render_html(content, pdf_url=pdf_url), headers=headers)
