"""The publication tracker (the report duty of dagtilbudsloven §5): every report the law requires, when it is due,
what is late.

The law asks for a published report at least every second year: one per institution, one per unit where an
institution has several, one combined for the dagpleje, and one per puljeordning
(`domain.cycle.required_report_scopes`, `LawVersion.report_kinds` in domain.law). Private pasningsordninger and
specialdagtilbud are shown too, due only when the municipality's policy asks for their report
(`SupervisionPolicy.policy_report_kinds`) and then on that ground, never "by law" (`domain.cycle.report_ground`).
A row's ground, and the paragraph its label cites, is the law in force on the day the report falls due: a report
due in 2025 or later cites the report duty as L 48 (2024-25) renumbered it.

The dates are the ones `/due` shows, from the same facts (`api.services.cycles`): the next report is due a cycle
after the last one was first published (a correction keeps that day), or, when none has been, by the last day
of the scope's first cycle, which starts at the provider's cycle start (the day an admin set, its first visit
after registration, or its registration) or at a unit's registration when the unit came later.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

from sqlmodel import Session, select

from api.schemas import publication as schema
from api.services.cycles import (
    PROVIDER_COLUMNS,
    LatestReport,
    ProviderDates,
    RequiredScope,
    provider_dates,
    published_on,
)
from api.services.policy import policy_in_force
from api.tables import Provider
from domain.cycle import DueStatus, ReportGround, report_ground
from domain.policy import SupervisionPolicy
from domain.providers import ProviderKind
from domain.states import RegisterStatus


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
    conditions = [Provider.municipality_id == municipality_id, Provider.status == RegisterStatus.ACTIVE]
    if provider_id is not None:
        conditions.append(Provider.id == provider_id)
    providers = session.exec(select(*PROVIDER_COLUMNS).where(*conditions)).all()
    dates = provider_dates(session, providers, policy, today, labels=True)
    items = [_row(d, scope, policy, today) for d in dates.values() for scope in d.scopes]
    if overdue_only:
        items = [i for i in items if i.overdue]
    items.sort(
        key=lambda i: (
            not i.overdue,
            i.next_due is None,
            i.next_due or date.max,
            i.provider_name,
            i.unit_name or "",
            str(i.unit_id or ""),
        )
    )
    return schema.PublicationTracker(
        as_of=today, cycle_months=policy.cycle_months, policy_version=row.number if row else 0, items=items
    )


def _due_from(dates: ProviderDates, scope: RequiredScope) -> schema.TrackerDueFrom:
    if scope.last is not None:
        return schema.TrackerDueFrom.LAST_REPORT
    if scope.since == dates.registered or (scope.unit is not None and scope.since > dates.origin):
        return schema.TrackerDueFrom.REGISTRATION
    return schema.TrackerDueFrom.CYCLE_START


def _row(dates: ProviderDates, required: RequiredScope, policy: SupervisionPolicy, today: date) -> schema.TrackerRow:
    provider, unit, last = dates.provider, required.unit, required.last
    kind, scope = ProviderKind(provider.kind), schema.PublicationScope(required.scope)
    item = dates.report_item(required)
    # Judged on the day the report falls due (domain.due); without a duty, on the day of the list.
    ground = item.ground if item is not None and item.ground is not None else report_ground(kind, policy, today)
    next_due = item.due if item else None
    late = max((today - next_due).days, 0) if next_due else 0
    return schema.TrackerRow(
        provider_id=provider.id,
        provider_name=provider.name,
        provider_kind=kind.value,
        provider_kind_label=kind.label_da,
        scope=scope,
        scope_label=scope.label_da,
        unit_id=unit.id if unit else None,
        unit_name=unit.name if unit else None,
        ground=ground,
        ground_label=ground.label_on(next_due or today),
        last_report=_last(last) if last else None,
        due_from=_due_from(dates, required) if item else None,
        next_due=next_due,
        status=item.status if item else None,
        overdue=item is not None and item.status is DueStatus.OVERDUE,
        overdue_by_law=item is not None and item.status is DueStatus.OVERDUE and ground is ReportGround.LAW,
        days_overdue=late,
    )


def _last(report: LatestReport) -> schema.TrackerLastReport:
    return schema.TrackerLastReport(
        report_id=report.id,
        published_on=report.published_on,
        first_published_on=published_on(report),
        report_version=report.report_version,
        band_label=report.band_label,
        concern_label=report.concern_label,
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
    "Pligt",
    "Næste rapport senest",
    "Fristen regnes fra",
    "Overskredet",
    "Dage over fristen",
)
_DUE_FROM_DA = {
    schema.TrackerDueFrom.LAST_REPORT: "seneste rapport",
    schema.TrackerDueFrom.CYCLE_START: "tilsynsperiodens start",
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
                last.first_published_on.isoformat() if last else "ingen",
                (last.band_label or "") if last else "",
                (last.concern_label or "") if last else "",
                i.ground_label,
                i.next_due.isoformat() if i.next_due else "",
                _DUE_FROM_DA[i.due_from] if i.due_from else "",
                "ja" if i.overdue else "nej",
                i.days_overdue,
            )
        )
    return out.getvalue()


def _cell(text: str) -> str:
    # A name that starts like a formula would run as one in a spreadsheet (CSV injection); a quote keeps it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


csv_cell = _cell  # the same guard for every CSV the service writes (compliance too)
