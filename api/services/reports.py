"""The report workflow: draft -> sent to the leader for comment -> final (content frozen) -> published.

A published report never changes: a correction is a new draft that `replaces_id` it, and publishing the
correction marks the old one superseded. Texts meant for publication pass the privacy guard
(domain.privacy) before a report becomes final; the refusal names where each finding is, never the finding.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, timedelta

from sqlmodel import Session, select

from api.pagination import Page, SortKey, paginate
from api.principal import Principal
from api.schemas.report import (
    CaseReference,
    CorrectionCreate,
    LeaderComment,
    Publication,
    ReportCreate,
    ReportUpdate,
)
from api.services import impartiality
from api.services.policy import policy_in_force
from api.services.report_content import assemble
from api.services.report_scopes import unit_assessment
from api.tables import Municipality, Provider, Report, Unit, Visit
from domain.errors import DomainError, ErrorCode, Violation, invalid, not_found
from domain.law import Duty, cite
from domain.privacy import refuse_personal_data
from domain.providers import ProviderKind, UnitKind
from domain.reports import ReportContent, content_from_dict, content_to_dict
from domain.states import ReportScope, ReportStatus, VisitStatus

REPORT_ORDER = (SortKey(Report.created_at, descending=True), SortKey(Report.id, descending=True))
FROZEN = (ReportStatus.FINAL, ReportStatus.PUBLISHED, ReportStatus.SUPERSEDED)


def _conflict(message: str) -> DomainError:
    return DomainError(ErrorCode.CONFLICT, message)


def _require_status(report: Report, allowed: tuple[ReportStatus, ...], doing: str) -> None:
    if report.status not in allowed:
        if report.status in (ReportStatus.PUBLISHED, ReportStatus.SUPERSEDED):
            raise _conflict(
                f"The report is {report.status} and can no longer change; {doing} is not possible. "
                "Correct a published report with POST /reports/{id}/corrections."
            )
        names = " or ".join(allowed)
        raise _conflict(f"The report is {report.status}; {doing} needs a report that is {names}.")


# Reading


def load_report(session: Session, principal: Principal, report_id: uuid.UUID) -> Report:
    """The report, if the caller may see it: their municipality; provider roles their own provider, once sent."""
    report = session.get(Report, report_id)
    if report is None or report.municipality_id != principal.municipality_id:
        raise not_found("report")
    if not principal.sees_provider(report.provider_id):
        raise not_found("report")
    if principal.role.is_provider_bound and report.status == ReportStatus.DRAFT:
        raise not_found("report")  # the supervisor's draft is not the provider's business until it is sent
    return report


def list_reports(
    session: Session,
    principal: Principal,
    *,
    provider_id: uuid.UUID | None,
    visit_id: uuid.UUID | None,
    status: ReportStatus | None,
    cursor: str | None,
    limit: int,
) -> Page[Report]:
    statement = select(Report).where(Report.municipality_id == principal.municipality_id)
    if principal.role.is_provider_bound:
        statement = statement.where(Report.provider_id == principal.provider_id, Report.status != ReportStatus.DRAFT)
    if provider_id is not None:
        statement = statement.where(Report.provider_id == provider_id)
    if visit_id is not None:
        statement = statement.where(Report.visit_id == visit_id)
    if status is not None:
        statement = statement.where(Report.status == status)
    return paginate(session, statement, REPORT_ORDER, cursor, limit)


def content_of(session: Session, report: Report) -> ReportContent:
    """Frozen content from the moment the report is final; until then assembled from the visit as it is now."""
    if report.status in FROZEN and report.content:
        return content_from_dict(report.content)
    visit = session.get(Visit, report.visit_id)
    return assemble(session, visit, report.scope, report.unit_id, report=report)


# Creating


def _open_reports(session: Session, visit: Visit, scope: str, unit_id: uuid.UUID | None) -> list[Report]:
    statement = select(Report).where(
        Report.visit_id == visit.id, Report.scope == scope, Report.status != ReportStatus.SUPERSEDED
    )
    statement = statement.where(Report.unit_id == unit_id if unit_id else Report.unit_id.is_(None))  # type: ignore[union-attr]
    return list(session.exec(statement))


def _check_scope(session: Session, visit: Visit, data: ReportCreate, today: date) -> None:
    provider = session.get(Provider, visit.provider_id)
    dagpleje = provider is not None and provider.kind == ProviderKind.MUNICIPAL_CHILDMINDING
    duty = cite(today, Duty.REPORT)  # a refusal cites the law in force on the day of the request
    if data.scope is ReportScope.COMBINED and not dagpleje:
        raise invalid("body.scope", f"A combined report is the dagpleje's ({duty}); this provider is no dagpleje.")
    if data.scope is ReportScope.PROVIDER and dagpleje:
        raise invalid("body.scope", f"The dagpleje gets one combined report ({duty}): use scope `combined`.")
    if data.scope is ReportScope.UNIT:
        if data.unit_id is None:
            raise invalid("body.unit_id", "A unit report names the unit in `unit_id`.")
        unit = session.get(Unit, data.unit_id)
        if unit is None or unit.provider_id != visit.provider_id or str(data.unit_id) not in visit.unit_ids:
            raise invalid("body.unit_id", "The unit is not one of the visit's units.")
        if dagpleje or unit.kind == UnitKind.CHILDMINDER:
            raise invalid(
                "body.unit_id",
                "A dagplejer's own result stays internal (a unit assessment); the dagpleje's published report is "
                f"the combined one ({duty}): use scope `combined`.",
            )
        if unit_assessment(session, visit, unit.id) is None:
            raise invalid("body.unit_id", "The unit was not observed on its own at this visit; report on the provider.")
    elif data.unit_id is not None:
        raise invalid("body.unit_id", "Only a report with scope `unit` names a unit.")


def create_report(session: Session, visit: Visit, data: ReportCreate, today: date) -> Report:
    """A draft on a completed visit; one open report per visit, scope and unit."""
    if visit.status != VisitStatus.COMPLETED:
        raise _conflict(f"The visit is {visit.status}; a report is written on a completed visit.")
    _check_scope(session, visit, data, today)
    if _open_reports(session, visit, data.scope, data.unit_id):
        message = "The visit already has a report for this scope; change it, or correct it once it is published."
        raise DomainError(ErrorCode.DUPLICATE, message, [Violation("body.scope", message)])
    report = Report(
        municipality_id=visit.municipality_id,
        provider_id=visit.provider_id,
        visit_id=visit.id,
        unit_id=data.unit_id,
        scope=data.scope,
        summary=data.summary,
    )
    session.add(report)
    session.flush()
    return report


def correct_report(session: Session, report: Report, data: CorrectionCreate) -> Report:
    """A new draft that corrects the published `report`; it goes through the same workflow."""
    if report.status != ReportStatus.PUBLISHED:
        raise _conflict(f"The report is {report.status}; only a published report is corrected, by a new version.")
    pending = session.exec(
        select(Report).where(Report.replaces_id == report.id, Report.status != ReportStatus.SUPERSEDED)
    ).first()
    if pending is not None:
        raise DomainError(
            ErrorCode.DUPLICATE, f"A correction of this report is already underway (report {pending.id})."
        )
    # The note cannot be edited later, so personal data in it would block the correction for good.
    _refuse_in_input({"body.correction_note": data.correction_note})
    correction = Report(
        municipality_id=report.municipality_id,
        provider_id=report.provider_id,
        visit_id=report.visit_id,
        unit_id=report.unit_id,
        scope=report.scope,
        report_version=report.report_version + 1,
        replaces_id=report.id,
        correction_note=data.correction_note,
        summary=data.summary if data.summary is not None else report.summary,
    )
    session.add(correction)
    session.flush()
    return correction


# The workflow


def update_report(session: Session, report: Report, data: ReportUpdate) -> Report:
    _require_status(report, (ReportStatus.DRAFT, ReportStatus.SENT), "changing the summary")
    if "summary" in data.model_fields_set:
        report.summary = data.summary
    session.flush()
    return report


def send_report(session: Session, report: Report, today: date) -> Report:
    """Send the draft to the leader, who may comment for the policy's number of days."""
    _require_status(report, (ReportStatus.DRAFT,), "sending it to the leader")
    _, policy = policy_in_force(session, report.municipality_id, today)
    report.status = ReportStatus.SENT
    report.sent_on = today
    report.comment_window_ends = today + timedelta(days=policy.deadlines.leader_comment_days)
    session.flush()
    return report


def comment_report(session: Session, report: Report, data: LeaderComment, today: date) -> Report:
    _require_status(report, (ReportStatus.SENT,), "the leader's comment")
    if report.comment_window_ends is not None and today > report.comment_window_ends:
        raise _conflict(f"The comment window ended on {report.comment_window_ends.isoformat()}; it is closed.")
    # The leader cannot edit the comment after the window, so personal data in it would block the report.
    _refuse_in_input({"body.comment": data.comment})
    report.leader_comment = data.comment
    session.flush()
    return report


def finalise_report(session: Session, report: Report, today: date) -> Report:
    """Freeze the content once the leader had their say; refuse personal data in any published text."""
    impartiality.require_impartial(
        session, impartiality.Act.FINALISE_REPORT, report.provider_id, begun_at=report.created_at
    )
    _require_status(report, (ReportStatus.SENT,), "finalising")
    window_open = report.comment_window_ends is not None and today <= report.comment_window_ends
    if window_open and report.leader_comment is None:
        raise _conflict(
            f"The leader may comment until {report.comment_window_ends.isoformat()}; finalise after that day, "
            "or once the leader has commented."
        )
    content = content_of(session, report)
    try:
        content.refuse_personal_data(people=_dagplejere_names(session, report))
    except DomainError as exc:
        raise DomainError(
            exc.code, exc.detail, [Violation(f"report.{v.location}", v.message) for v in exc.violations]
        ) from exc
    # Read before the report changes: a query after the changes would flush them, and the finalised event would go
    # out without what the case system files by (the KLE number and the PDF's hash).
    kle_classification = session.get_one(Municipality, report.municipality_id).kle_classification
    report.content = content_to_dict(content)
    report.status = ReportStatus.FINAL
    report.finalised_on = today
    # For the case system, in the same transaction: the subject to file under and the hash of the document to file.
    report.kle_classification = kle_classification
    report.pdf_sha256 = pdf_sha256(content)
    session.flush()
    return report


def pdf_sha256(content: ReportContent) -> str:
    """The SHA-256 of the PDF that GET /reports/{id}/pdf serves for this content (the renderer is deterministic)."""
    from api.reports.pdf import render_pdf  # the renderer is its own module; loaded when a PDF is made

    return hashlib.sha256(render_pdf(content)).hexdigest()


def _dagplejere_names(session: Session, report: Report) -> list[str]:
    """The names of the dagpleje's dagplejere, which its combined report may not print."""
    if report.scope != ReportScope.COMBINED:
        return []
    rows = session.exec(
        select(Unit.name).where(Unit.provider_id == report.provider_id, Unit.kind == UnitKind.CHILDMINDER)
    )
    return list(rows)


def publish_report(session: Session, principal: Principal, report: Report, data: Publication, today: date) -> Report:
    """Record the publication; a published correction supersedes the report it replaces."""
    _require_status(report, (ReportStatus.FINAL,), "publishing")
    published_on = data.published_on or today
    if published_on > today:
        raise invalid("body.published_on", "Record the publication once it has happened; this day has not come yet.")
    if report.finalised_on is not None and published_on < report.finalised_on:
        raise invalid("body.published_on", f"The report became final on {report.finalised_on}; it is published after.")
    content = dict(report.content)
    content["published_on"] = published_on.isoformat()
    if data.url is not None:
        content["extra"] = {**(content.get("extra") or {}), "published_url": str(data.url)}
    report.content = content  # a new dict, so the JSON column sees the change
    report.pdf_sha256 = pdf_sha256(content_from_dict(content))  # the document now carries its publication date
    report.status = ReportStatus.PUBLISHED
    report.published_on = published_on
    report.published_by = principal.name[:200]
    report.first_published_on = published_on
    if report.replaces_id is not None:
        replaced = session.get(Report, report.replaces_id)
        if replaced is not None:
            # A correction keeps the day the first version was published: the report duty's two years run on.
            report.first_published_on = replaced.first_published_on or replaced.published_on or published_on
            if replaced.status == ReportStatus.PUBLISHED:
                replaced.status = ReportStatus.SUPERSEDED
    session.flush()
    return report


def file_report(session: Session, report: Report, data: CaseReference) -> Report:
    """Record where the case system filed the final report; the content itself does not change."""
    _require_status(report, (ReportStatus.FINAL, ReportStatus.PUBLISHED), "filing it in the case system")
    report.case_id, report.case_number, report.document_id = data.case_id, data.case_number, data.document_id
    report.filed_at = data.filed_at.astimezone(UTC)  # as a later read returns it
    session.flush()
    return report


def _refuse_in_input(texts: dict[str, str]) -> None:
    refuse_personal_data({location: text for location, text in texts.items() if text})


# Documents


def document_filename(content: ReportContent) -> str:
    """tilsynsrapport-<provider>-<date>.pdf, in plain ASCII so every browser and case system keeps it."""
    name = content.provider_name.lower()
    for danish, plain in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        name = name.replace(danish, plain)
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in name)
    slug = "-".join(part for part in slug.split("-") if part) or "dagtilbud"
    return f"tilsynsrapport-{slug}-{content.visit_date.isoformat()}.pdf"
