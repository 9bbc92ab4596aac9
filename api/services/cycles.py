"""Each provider's supervision cycle and what it makes due, built once for `/due` and the publication tracker.

Both read the same dates from the same facts through `domain.compliance.due_dates`, so they cannot disagree on a
deadline: the cycle starts at a fixed day (`domain.cycle.cycle_origin`: the day an admin set, the first visit
after registration, or the registration) and cycles follow on from it; the next report is due a cycle after the
last one was first published (a correction keeps that day), or by the end of the scope's first cycle.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Text, case, cast, func, null
from sqlmodel import Session, select

from api.services.reading import column_rows, danish_day
from api.tables import (
    Provider,
    Report,
    Unit,
    Visit,
)
from domain.cycle import (
    COMBINED_SCOPE,
    PROVIDER_SCOPE,
    Cycle,
    ProviderCycle,
    VisitFact,
    VisitKind,
    cycle_on,
    cycle_origin,
    required_report_scopes,
)
from domain.due import DueItem, DueKind, due_dates
from domain.policy import SupervisionPolicy
from domain.providers import ProviderKind
from domain.states import RegisterStatus, ReportScope, ReportStatus, VisitStatus

UNIT_SCOPE = ReportScope.UNIT
ScopeKey = tuple[uuid.UUID, str, uuid.UUID | None]  # (provider id, Report.scope, unit id)
# What the cycle reads of a provider (a Row with these attributes; a Provider object has them too).
PROVIDER_COLUMNS = (
    Provider.id,
    Provider.name,
    Provider.kind,
    Provider.status,
    Provider.created_at,
    Provider.cycle_start,
)
ProviderRow = Any  # a Row of PROVIDER_COLUMNS, or a Provider
# What the cycle reads of an active unit: its report scope, its name on the lists, the day it was registered.
UNIT_COLUMNS = (Unit.id, Unit.provider_id, Unit.name, Unit.created_at)
UnitRow = Any  # a Row of UNIT_COLUMNS
# What the cycle's dates read of a held visit (/due, the tracker): which kind, when, and whether observed.
CYCLE_VISIT_COLUMNS = (Visit.id, Visit.provider_id, Visit.kind, Visit.held_on, Visit.instrument_id)
# What the legal minimums read of a held visit besides.
HELD_VISIT_COLUMNS = (
    Visit.id,
    Visit.provider_id,
    Visit.kind,
    Visit.held_on,
    Visit.instrument_id,
    Visit.supervisor_id,
    Visit.co_observer_id,
    Visit.dialogue_held_on,
    Visit.based_on_curriculum,
    # As its JSON text, parsed only for the visits of the cycle checked: most of a provider's visits are history.
    cast(Visit.data_sources, Text).label("data_sources_json"),
)
HeldVisit = Any  # a Row of HELD_VISIT_COLUMNS
# What the minimums read of a report: never its content.
REPORT_FACT_COLUMNS = (
    Report.id,
    Report.provider_id,
    Report.visit_id,
    Report.unit_id,
    Report.scope,
    Report.status,
    Report.published_on,
    Report.first_published_on,
)


@dataclass(frozen=True)
class LatestReport:
    """The latest current published report of a scope, as the tracker shows it (its labels read in SQL)."""

    id: uuid.UUID
    provider_id: uuid.UUID
    scope: str
    unit_id: uuid.UUID | None
    published_on: date | None
    first_published_on: date | None
    report_version: int
    band_label: str | None
    concern_label: str | None


@dataclass(frozen=True)
class RequiredScope:
    """One report a provider's kind and units call for: the provider's, the dagpleje's combined, or a unit's."""

    scope: str  # a Report.scope: provider | unit | combined
    unit: UnitRow | None
    since: date  # the first day of the scope's first cycle
    last: LatestReport | None  # the latest current published report

    @property
    def domain_scope(self) -> str:
        return str(self.unit.id) if self.unit else self.scope


@dataclass(frozen=True)
class ProviderDates:
    """A provider's cycle today and everything it makes due (visits, reports, follow-ups), in domain terms."""

    provider: ProviderRow
    registered: date
    origin: date
    cycle: Cycle
    scopes: tuple[RequiredScope, ...]
    items: tuple[DueItem, ...]

    def report_item(self, scope: RequiredScope) -> DueItem | None:
        """The scope's report deadline; None when neither the law nor the policy asks for the report."""
        wanted = scope.domain_scope
        return next((i for i in self.items if i.what == DueKind.REPORT_PUBLICATION and i.scope == wanted), None)


def published_on(report: Report | LatestReport | Any) -> date:
    """The day a report counts as published for the §5 clock: its first version's (a correction keeps it)."""
    return report.first_published_on or report.published_on


def provider_dates(
    session: Session,
    providers: Sequence[ProviderRow],
    policy: SupervisionPolicy,
    today: date,
    *,
    labels: bool = False,
) -> dict[uuid.UUID, ProviderDates]:
    """Each provider's cycle as of `today` and what is due in it, under `policy`.

    `labels` reads the latest reports' band and concern labels: the tracker shows them, /due does not, and reading
    them parses each report's content.
    """
    ids = [p.id for p in providers]
    if not ids:
        return {}
    held = held_visits(session, ids, today, CYCLE_VISIT_COLUMNS)
    units = active_units(session, ids)
    latest = _latest_published(session, ids, today, labels=labels)
    return {p.id: _dates(p, held[p.id], units[p.id], latest, policy, today) for p in providers}


def held_visits(
    session: Session, provider_ids: list[uuid.UUID], today: date, columns: Sequence[Any] = HELD_VISIT_COLUMNS
) -> dict[uuid.UUID, list[HeldVisit]]:
    """The completed supervision visits held up to `today`, per provider, in the order they were held.

    Only `columns` (those the minimums read, by default), as rows: a provider's history is not loaded as ORM objects.
    """
    held: dict[uuid.UUID, list[HeldVisit]] = defaultdict(list)
    completed = select(*columns).where(
        Visit.provider_id.in_(provider_ids),
        Visit.status == VisitStatus.COMPLETED,
        Visit.held_on.is_not(None),
        Visit.held_on <= today,
        Visit.kind.in_([k.value for k in VisitKind]),
    )
    for visit in column_rows(session, completed.order_by(Visit.held_on, Visit.id)):
        held[visit.provider_id].append(visit)
    return held


def active_units(session: Session, provider_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[UnitRow]]:
    """Each provider's active units by name (UNIT_COLUMNS), as rows."""
    units: dict[uuid.UUID, list[UnitRow]] = defaultdict(list)
    active = select(*UNIT_COLUMNS).where(Unit.provider_id.in_(provider_ids), Unit.status == RegisterStatus.ACTIVE)
    for unit in session.exec(active.order_by(Unit.name)):
        units[unit.provider_id].append(unit)
    return units


def provider_origin(provider: ProviderRow, visits: list[HeldVisit], months: int) -> tuple[date, date]:
    """The day the provider was registered and the first day of its first cycle (`domain.cycle.cycle_origin`)."""
    registered = danish_day(provider.created_at)
    first_visit = next((v.held_on for v in visits if v.held_on >= registered), None)
    return registered, cycle_origin(registered, months, set_start=provider.cycle_start, first_visit=first_visit)


def _dates(
    provider: ProviderRow,
    visits: list[HeldVisit],
    units: list[UnitRow],
    latest: dict[ScopeKey, LatestReport],
    policy: SupervisionPolicy,
    today: date,
) -> ProviderDates:
    months = policy.cycle_months
    registered, origin = provider_origin(provider, visits, months)
    cycle = cycle_on(origin, months, today)
    by_id = {str(u.id): u for u in units}
    scopes = []
    for scope in required_report_scopes(ProviderKind(provider.kind), tuple(by_id)):
        if scope in (PROVIDER_SCOPE, COMBINED_SCOPE):
            scopes.append(RequiredScope(scope, None, origin, latest.get((provider.id, scope, None))))
        else:  # a unit's id: the unit's own report, due from the unit's registration when it came later
            unit = by_id[scope]
            since = max(origin, danish_day(unit.created_at))
            scopes.append(RequiredScope(UNIT_SCOPE, unit, since, latest.get((provider.id, UNIT_SCOPE, unit.id))))
    # The dates count the visits of this cycle and the one before (domain.due.due_dates); older ones are history.
    counted_from = cycle.previous_start or cycle.start
    facts = ProviderCycle(
        provider_id=str(provider.id),
        kind=ProviderKind(provider.kind),
        unit_ids=tuple(by_id),
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        previous_cycle_start=cycle.previous_start,
        # An announced visit counts only with systematic observation, i.e. an instrument was used.
        visits=tuple(
            VisitFact(
                id=str(v.id), kind=VisitKind(v.kind), held_on=v.held_on, systematic_observation=bool(v.instrument_id)
            )
            for v in visits
            if v.held_on >= counted_from
        ),
        last_published_report_on={s.domain_scope: published_on(s.last) for s in scopes if s.last},
        report_due_from={s.domain_scope: s.since for s in scopes},
        as_of=today,
    )
    return ProviderDates(provider, registered, origin, cycle, tuple(scopes), due_dates(facts, policy))


def _latest_published(
    session: Session, provider_ids: list[uuid.UUID], today: date, *, labels: bool
) -> dict[ScopeKey, LatestReport]:
    """The latest current published report per (provider, scope, unit), by the day its first version came out.

    Only `published` counts: a superseded report was replaced by a published correction, which is the current
    publication and carries the first version's day. A report's scope is taken as recorded, so a provider report
    does not stand in for the unit reports the law asks of an institution with several units.

    One query: a window numbers each scope's reports newest first, and only the first of each is read, with the
    two labels taken out of its content in SQL when `labels` asks for them (no report's content is loaded).
    """
    first_day = func.coalesce(Report.first_published_on, Report.published_on)
    unit_key = case((Report.scope == UNIT_SCOPE, Report.unit_id), else_=None)
    ranked = (
        select(
            Report.id,
            Report.provider_id,
            Report.scope,
            Report.unit_id,
            Report.published_on,
            Report.first_published_on,
            Report.report_version,
            func.row_number()
            .over(
                partition_by=(Report.provider_id, Report.scope, unit_key),
                order_by=(first_day.desc(), Report.report_version.desc(), Report.created_at.desc()),
            )
            .label("n"),
        )
        .where(
            Report.provider_id.in_(provider_ids),
            Report.status == ReportStatus.PUBLISHED,
            Report.published_on.is_not(None),
            first_day <= today,
        )
        .subquery()
    )
    columns = [c for c in ranked.c if c.name != "n"]
    if labels:  # the one row per scope is joined back to its report for the two labels in its content
        band, concern = Report.content["band_label_da"].as_string(), Report.content["concern_label_da"].as_string()
        statement = select(*columns, band, concern).join(Report, Report.id == ranked.c.id)
    else:
        statement = select(*columns, null(), null())
    statement = statement.where(ranked.c.n == 1)
    latest: dict[ScopeKey, LatestReport] = {}
    for row in column_rows(session, statement):
        report = LatestReport(*row)
        unit_id = report.unit_id if report.scope == UNIT_SCOPE else None
        latest[(report.provider_id, report.scope, unit_id)] = report
    return latest
