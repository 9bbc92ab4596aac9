"""What anyone may read without a token: published reports (the report duty of dagtilbudsloven §5).

Only a report whose status is `published` is public, and only while no published correction replaces it: a
draft, a report sent to the leader, a final one not yet published and a superseded one do not exist here (404).
The content shown is the one frozen when the report became final, which passed the privacy guard; nothing from
the report row that is not a fact of publication (case-system references, who published it) is read out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from api.pagination import Page, SortKey, paginate
from api.tables import Municipality, Provider, Report, Unit
from domain.errors import not_found
from domain.privacy import find_personal_data
from domain.reports import ReportContent, content_from_dict
from domain.states import ReportScope, ReportStatus

_Correction = aliased(Report)


@dataclass(frozen=True)
class PublicFacts:
    """A published report as the public sees it: the row's publication facts and its content."""

    report: Report
    municipality: Municipality
    content: ReportContent
    replaces_version: int | None
    unit_name: str | None


def municipality_by_code(session: Session, kommunekode: str) -> Municipality:
    municipality = session.exec(select(Municipality).where(Municipality.kommunekode == kommunekode)).first()
    if municipality is None:
        raise not_found("municipality")
    return municipality


def provider_of(session: Session, municipality: Municipality, provider_id: uuid.UUID) -> Provider:
    """The provider, when it is the municipality's; otherwise 404 (a provider id does not cross municipalities)."""
    provider = session.get(Provider, provider_id)
    if provider is None or provider.municipality_id != municipality.id:
        raise not_found("provider")
    return provider


def _current() -> list[Any]:
    # Published, and not replaced by a published correction. The workflow marks the old version `superseded`
    # when it publishes a correction; the second condition keeps the public side right even if it did not.
    replaced = exists().where(_Correction.replaces_id == Report.id, _Correction.status == ReportStatus.PUBLISHED)
    return [Report.status == ReportStatus.PUBLISHED, Report.published_on.is_not(None), ~replaced]


def list_published(
    session: Session,
    municipality: Municipality,
    *,
    provider: Provider | None = None,
    cursor: str | None,
    limit: int,
) -> Page[PublicFacts]:
    """The municipality's (or one provider's) current published reports, newest publication first."""
    statement = select(Report).where(Report.municipality_id == municipality.id, *_current())
    if provider is not None:
        statement = statement.where(Report.provider_id == provider.id)
    keys = (SortKey(Report.published_on, descending=True), SortKey(Report.id, descending=True))
    page = paginate(session, statement, keys, cursor, limit)
    return Page(_facts(session, municipality, page.items), page.next_cursor)


def published_report(session: Session, report_id: uuid.UUID) -> PublicFacts:
    """One current published report, or 404 for anything else."""
    report = session.exec(select(Report).where(Report.id == report_id, *_current())).first()
    if report is None:
        raise not_found("published report")
    municipality = session.get(Municipality, report.municipality_id)
    return _facts(session, municipality, [report])[0]


def _facts(session: Session, municipality: Municipality, reports: list[Report]) -> list[PublicFacts]:
    replaced_ids = {r.replaces_id for r in reports if r.replaces_id}
    versions = _lookup(session, Report, replaced_ids, lambda row: row.report_version)
    unit_ids = {r.unit_id for r in reports if r.unit_id}
    units = _lookup(session, Unit, unit_ids, lambda row: row.name)
    facts = []
    for report in reports:
        content = public_content(report)
        replaces = versions.get(report.replaces_id) if report.replaces_id else None
        content = replace(content, replaces_version=replaces or content.replaces_version)
        facts.append(
            PublicFacts(report, municipality, content, content.replaces_version, _unit_name(report, content, units))
        )
    return facts


def _lookup(session: Session, table: Any, ids: set[uuid.UUID], value: Any) -> dict[uuid.UUID, Any]:
    if not ids:
        return {}
    return {row.id: value(row) for row in session.exec(select(table).where(table.id.in_(ids)))}


def _unit_name(report: Report, content: ReportContent, units: dict[uuid.UUID, str]) -> str | None:
    if report.scope != ReportScope.UNIT:
        return None
    # The name the report was published with, as frozen; the register's current name only if the content lacks it.
    return content.unit_names[0] if len(content.unit_names) == 1 else units.get(report.unit_id)


def public_content(report: Report) -> ReportContent:
    """The frozen content with the facts of publication, ready to show, render or serialise.

    `extra` is the one place in the content that the privacy guard (ReportContent.publishable_texts) does not
    cover, so an entry with a CPR number, e-mail address or phone number in it is withheld here rather than
    published: "no personal data ever" must hold whatever a municipality puts there.
    """
    content = content_from_dict(report.content)
    extra = {key: text for key, text in content.extra.items() if not find_personal_data(f"{key}\n{text}")}
    return replace(
        content,
        published_on=report.published_on,
        report_version=report.report_version,
        extra=extra,
    )
