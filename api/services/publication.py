"""The publication tracker (dagtilbudsloven §5 stk. 3): every report the law requires, when it is due, what is late.

The law asks for a published report at least every second year: one per institution, one per unit where an
institution has several, and one combined for the dagpleje (`domain.compliance.required_report_scopes`). For
each of the municipality's active providers and each required scope the tracker shows the last published report
and when the next is due: the policy's cycle (24 months by default) after that publication.

When nothing has been published for a scope yet, the next report is due a cycle after the day the scope came
into being: the provider's registration here, or the unit's when the unit was registered later (an afdeling
opened last month in an old institution is not overdue on its first day). The register date is the earliest
fact the service holds; a provider that was supervised before it was registered here is due by that count too.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from api.schemas import publication as schema
from api.services.policy import policy_in_force
from api.services.reading import danish_day
from api.tables import Provider, Report, Unit
from domain.compliance import required_report_scopes
from domain.cycle import COMBINED_SCOPE, PROVIDER_SCOPE, add_months
from domain.providers import ProviderKind

ACTIVE = "active"
PUBLISHED = "published"
UNIT_SCOPE = "unit"
ScopeKey = tuple[uuid.UUID, str, uuid.UUID | None]  # (provider id, Report.scope, unit id)


@dataclass(frozen=True)
class _Required:
    provider: Provider
    scope: str  # a Report.scope: provider | unit | combined
    unit: Unit | None

    @property
    def key(self) -> ScopeKey:
        return self.provider.id, self.scope, self.unit.id if self.unit else None

    def came_into_being(self) -> date:
        registered = danish_day(self.provider.created_at)
        return max(registered, danish_day(self.unit.created_at)) if self.unit else registered


def tracker(
    session: Session,
    municipality_id: uuid.UUID,
    today: date,
    *,
    overdue_only: bool = False,
    provider_id: uuid.UUID | None = None,
) -> schema.PublicationTracker:
    """The tracker as of `today`, overdue first, then by the day the next report is due."""
    row, policy = policy_in_force(session, municipality_id, today)
    conditions = [Provider.municipality_id == municipality_id, Provider.status == ACTIVE]
    if provider_id is not None:
        conditions.append(Provider.id == provider_id)
    providers = list(session.exec(select(Provider).where(*conditions)))
    required = list(_required(session, providers))
    latest = _latest_published(session, [p.id for p in providers])
    items = [_row(r, latest.get(r.key), policy.cycle_months, today) for r in required]
    if overdue_only:
        items = [i for i in items if i.overdue]
    items.sort(key=lambda i: (not i.overdue, i.next_due, i.provider_name, i.unit_name or "", str(i.unit_id or "")))
    return schema.PublicationTracker(
        as_of=today, cycle_months=policy.cycle_months, policy_version=row.number if row else 0, items=items
    )


def _required(session: Session, providers: list[Provider]) -> Iterable[_Required]:
    """Each provider's required report scopes, from its kind and its active units."""
    units: dict[uuid.UUID, list[Unit]] = {p.id: [] for p in providers}
    if providers:
        statement = select(Unit).where(Unit.provider_id.in_(units.keys()), Unit.status == ACTIVE)
        for unit in session.exec(statement.order_by(Unit.name, Unit.id)):
            units[unit.provider_id].append(unit)
    for provider in providers:
        by_id = {str(u.id): u for u in units[provider.id]}
        for scope in required_report_scopes(ProviderKind(provider.kind), tuple(by_id)):
            if scope in (PROVIDER_SCOPE, COMBINED_SCOPE):
                yield _Required(provider, scope, None)
            else:  # a unit's id: the unit's own report
                yield _Required(provider, UNIT_SCOPE, by_id[scope])


def _latest_published(session: Session, provider_ids: list[uuid.UUID]) -> dict[ScopeKey, Report]:
    """The latest current published report per (provider, scope, unit).

    Only `published` counts: a superseded report was replaced by a published correction, which is the current
    publication. A report's scope is taken as recorded, so a provider report does not stand in for the unit
    reports the law asks of an institution with several units.
    """
    if not provider_ids:
        return {}
    statement = select(Report).where(
        Report.provider_id.in_(provider_ids), Report.status == PUBLISHED, Report.published_on.is_not(None)
    )
    latest: dict[ScopeKey, Report] = {}
    for report in session.exec(statement.order_by(Report.published_on, Report.report_version, Report.created_at)):
        unit_id = report.unit_id if report.scope == UNIT_SCOPE else None
        latest[(report.provider_id, report.scope, unit_id)] = report  # later rows win
    return latest


def _row(required: _Required, last: Report | None, cycle_months: int, today: date) -> schema.TrackerRow:
    provider, unit = required.provider, required.unit
    kind, scope = ProviderKind(provider.kind), schema.PublicationScope(required.scope)
    if last is not None:
        next_due, due_from = add_months(last.published_on, cycle_months), schema.TrackerDueFrom.LAST_REPORT
    else:
        next_due, due_from = add_months(required.came_into_being(), cycle_months), schema.TrackerDueFrom.REGISTRATION
    late = max((today - next_due).days, 0)
    return schema.TrackerRow(
        provider_id=provider.id,
        provider_name=provider.name,
        provider_kind=kind.value,
        provider_kind_label=kind.label_da,
        scope=scope,
        scope_label=scope.label_da,
        unit_id=unit.id if unit else None,
        unit_name=unit.name if unit else None,
        last_report=_last(last) if last else None,
        due_from=due_from,
        next_due=next_due,
        overdue=late > 0,
        days_overdue=late,
    )


def _last(report: Report) -> schema.TrackerLastReport:
    content = report.content or {}
    return schema.TrackerLastReport(
        report_id=report.id,
        published_on=report.published_on,
        band_label=content.get("band_label_da"),
        concern_label=content.get("concern_label_da"),
    )


# --- the same list as a report for the administration --------------------------------------------------------

CSV_COLUMNS = (
    "Dagtilbud",
    "Dagtilbudstype",
    "Rapport for",
    "Afdeling",
    "Seneste offentliggjorte rapport",
    "Vurdering",
    "Bekymringsniveau",
    "Næste rapport senest",
    "Fristen regnes fra",
    "Overskredet",
    "Dage over fristen",
)
_DUE_FROM_DA = {
    schema.TrackerDueFrom.LAST_REPORT: "seneste rapport",
    schema.TrackerDueFrom.REGISTRATION: "oprettelse",
}


def as_csv(tracker_: schema.PublicationTracker) -> str:
    """The tracker as CSV for a spreadsheet: a header row, then one line per required report.

    Semicolons separate the fields and the text starts with a byte-order mark, because that is what a Danish
    Excel opens correctly (the comma is the Danish decimal sign, and without the mark æøå come out garbled).
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for i in tracker_.items:
        last = i.last_report
        writer.writerow(
            (
                _cell(i.provider_name),
                i.provider_kind_label,
                i.scope_label,
                _cell(i.unit_name or ""),
                last.published_on.isoformat() if last else "ingen",
                (last.band_label or "") if last else "",
                (last.concern_label or "") if last else "",
                i.next_due.isoformat(),
                _DUE_FROM_DA[i.due_from],
                "ja" if i.overdue else "nej",
                i.days_overdue,
            )
        )
    return out.getvalue()


def _cell(text: str) -> str:
    # A name that starts like a formula would run as one in a spreadsheet (CSV injection); a quote keeps it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
