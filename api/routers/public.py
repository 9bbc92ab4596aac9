"""What anyone may read without a token: the published reports (the report duty of dagtilbudsloven §5) and the
municipality's supervision policy (published by law until 2024, voluntarily since; see its `legal_basis`).

The policy in force, and the published reports: a municipality's, a provider's, and each one as JSON, PDF and a
web page a provider can embed on its own website. Nothing unpublished is ever reachable here.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import select

from api.clock import TodayDep
from api.deps import SessionDep
from api.errors import problem_responses
from api.etag import etag_of, set_etag
from api.openapi import etag_response, file_response
from api.pagination import DEFAULT_LIMIT, link_next
from api.schemas.common import Limit
from api.schemas.policy import PublicPolicy
from api.schemas.publication import (
    PublicationScope,
    PublicReport,
    PublicReportLinks,
    PublicReportPage,
    PublicReportSummary,
)
from api.schemas.report import ReportContentRead
from api.services import policy as service
from api.services import public_reports
from api.services.public_reports import PublicFacts
from api.tables import Municipality
from domain.errors import not_found
from domain.reports import content_to_dict

router = APIRouter(prefix="/public", tags=["public"])
Kommunekode = Annotated[str, Path(pattern=r"^[0-9]{3}$", description="The municipality's 3-digit kommunekode.")]
ReportId = Annotated[uuid.UUID, Path(description="The published report's id.")]
ProviderId = Annotated[uuid.UUID, Path(description="The provider's id.")]
Cursor = Annotated[str | None, Query(description="Opaque cursor from the previous page's `next_cursor`.")]

# A published report never changes, but a correction can replace it; five minutes of caching bounds how long an
# old version lingers in a browser or proxy after a correction is published.
CACHE = "public, max-age=300"
READ_ERRORS = problem_responses(404, 422)


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
        municipality=municipality.name,
        kommunekode=municipality.kommunekode,
        version=service.as_read(row, policy, today),
    )


def _links(request: Request, report_id: uuid.UUID) -> PublicReportLinks:
    return PublicReportLinks(
        json_url=str(request.url_for("public-reports-read", report_id=report_id)),
        html_url=str(request.url_for("public-reports-html", report_id=report_id)),
        pdf_url=str(request.url_for("public-reports-pdf", report_id=report_id)),
    )


def _summary(request: Request, facts: PublicFacts) -> PublicReportSummary:
    report, content = facts.report, facts.content
    scope = PublicationScope(report.scope)
    return PublicReportSummary(
        id=report.id,
        provider_id=report.provider_id,
        provider_name=content.provider_name,
        scope=scope,
        scope_label=scope.label_da,
        unit_id=report.unit_id,
        unit_name=facts.unit_name,
        visit_date=content.visit_date,
        published_on=report.published_on,
        band_label=content.band_label_da,
        concern_label=content.concern_label_da,
        report_version=report.report_version,
        replaces_version=facts.replaces_version,
        links=_links(request, report.id),
    )


def _page(request: Request, response: Response, page: Any) -> PublicReportPage:
    link_next(request, response, page.next_cursor)
    response.headers["Cache-Control"] = CACHE
    return PublicReportPage(items=[_summary(request, f) for f in page.items], next_cursor=page.next_cursor)


@router.get(
    "/municipalities/{kommunekode}/reports",
    operation_id="public-reports-list",
    response_model=PublicReportPage,
    responses=READ_ERRORS,
)
def list_public_reports(
    request: Request,
    response: Response,
    kommunekode: Kommunekode,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> PublicReportPage:
    """List a municipality's published reports, newest first, without a token."""
    municipality = public_reports.municipality_by_code(session, kommunekode)
    page = public_reports.list_published(session, municipality, cursor=cursor, limit=limit)
    return _page(request, response, page)


@router.get(
    "/municipalities/{kommunekode}/providers/{provider_id}/reports",
    operation_id="public-provider-reports-list",
    response_model=PublicReportPage,
    responses=READ_ERRORS,
)
def list_public_provider_reports(
    request: Request,
    response: Response,
    kommunekode: Kommunekode,
    provider_id: ProviderId,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> PublicReportPage:
    """List one provider's published reports, newest first, without a token."""
    municipality = public_reports.municipality_by_code(session, kommunekode)
    provider = public_reports.provider_of(session, municipality, provider_id)
    page = public_reports.list_published(session, municipality, provider=provider, cursor=cursor, limit=limit)
    return _page(request, response, page)


@router.get(
    "/reports/{report_id}",
    operation_id="public-reports-read",
    name="public-reports-read",
    response_model=PublicReport,
    responses={**etag_response("The published report."), **READ_ERRORS},
)
def read_public_report(request: Request, response: Response, report_id: ReportId, session: SessionDep) -> PublicReport:
    """Read a published report as JSON, without a token; anything not published is 404."""
    facts = public_reports.published_report(session, report_id)
    report = facts.report
    set_etag(response, report.version)
    response.headers["Cache-Control"] = CACHE
    return PublicReport(
        id=report.id,
        municipality=facts.municipality.name,
        kommunekode=facts.municipality.kommunekode,
        provider_id=report.provider_id,
        scope=PublicationScope(report.scope),
        unit_id=report.unit_id,
        published_on=report.published_on,
        report_version=report.report_version,
        replaces_version=facts.replaces_version,
        links=_links(request, report.id),
        content=ReportContentRead.model_validate(content_to_dict(facts.content)),
    )


@router.get(
    "/reports/{report_id}/pdf",
    operation_id="public-reports-pdf",
    name="public-reports-pdf",
    response_class=Response,
    responses={**file_response("application/pdf", "The report as PDF.", etag=True), **READ_ERRORS},
)
def read_public_report_pdf(report_id: ReportId, session: SessionDep) -> Response:
    """Download a published report as PDF, without a token."""
    facts = public_reports.published_report(session, report_id)
    from api.reports.pdf import render_pdf  # loaded on first use: reportlab is not needed by any other route

    filename = f"tilsynsrapport-{facts.report.published_on.isoformat()}-v{facts.report.report_version}.pdf"
    headers = {
        "Cache-Control": CACHE,
        "Content-Disposition": f'inline; filename="{filename}"',
        "ETag": etag_of(facts.report.version),
    }
    return Response(render_pdf(facts.content), media_type="application/pdf", headers=headers)


@router.get(
    "/reports/{report_id}/html",
    operation_id="public-reports-html",
    name="public-reports-html",
    response_class=HTMLResponse,
    responses={**file_response("text/html", "The report as a web page, fit for an iframe.", etag=True), **READ_ERRORS},
)
def read_public_report_html(request: Request, report_id: ReportId, session: SessionDep) -> HTMLResponse:
    """Show a published report as a web page to embed or link from the provider's website, without a token."""
    facts = public_reports.published_report(session, report_id)
    from api.reports.html import content_security_policy, render_html  # loaded on first use, like the PDF renderer

    pdf_url = str(request.url_for("public-reports-pdf", report_id=facts.report.id))
    headers = {
        "Cache-Control": CACHE,
        # Made to be embedded on the provider's own website, wherever that is hosted: any site may frame it.
        "Content-Security-Policy": content_security_policy(frame_ancestors="*"),
        "ETag": etag_of(facts.report.version),
    }
    return HTMLResponse(render_html(facts.content, pdf_url=pdf_url), headers=headers)
