"""Each provider's supervision cycle and what it makes due, built once for `/due` and the publication tracker.

Both read the same dates from the same facts through `domain.compliance.due_dates`, so they cannot disagree on a
deadline: the cycle starts at a fixed day (`domain.cycle.cycle_origin`: the day an admin set, the first visit
after registration, or the registration) and cycles follow on from it; the next report is due a cycle after the
last one was first published (a correction keeps that day), or by the end of the scope's first cycle.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from api.services.reading import danish_day
from api.tables import Provider, Report, Unit, Visit
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


@dataclass(frozen=True)
class RequiredScope:
    """One report a provider's kind and units call for: the provider's, the dagpleje's combined, or a unit's."""

    scope: str  # a Report.scope: provider | unit | combined
    unit: Unit | None
    since: date  # the first day of the scope's first cycle
    last: Report | None  # the latest current published report

    @property
    def domain_scope(self) -> str:
        return str(self.unit.id) if self.unit else self.scope


@dataclass(frozen=True)
class ProviderDates:
    """A provider's cycle today and everything it makes due (visits, reports, follow-ups), in domain terms."""

    provider: Provider
    registered: date
    origin: date
    cycle: Cycle
    scopes: tuple[RequiredScope, ...]
    items: tuple[DueItem, ...]

    def report_item(self, scope: RequiredScope) -> DueItem | None:
        """The scope's report deadline; None when neither the law nor the policy asks for the report."""
        wanted = scope.domain_scope
        return next((i for i in self.items if i.what == DueKind.REPORT_PUBLICATION and i.scope == wanted), None)


def published_on(report: Report) -> date:
    """The day a report counts as published for the §5 clock: its first version's (a correction keeps it)."""
    return report.first_published_on or report.published_on


def provider_dates(
    session: Session, providers: list[Provider], policy: SupervisionPolicy, today: date
) -> dict[uuid.UUID, ProviderDates]:
    """Each provider's cycle as of `today` and what is due in it, under `policy`."""
    ids = [p.id for p in providers]
    if not ids:
        return {}
    held: dict[uuid.UUID, list[Visit]] = defaultdict(list)
    completed = select(Visit).where(
        Visit.provider_id.in_(ids), Visit.status == VisitStatus.COMPLETED, Visit.held_on.is_not(None)
    )
    for visit in session.exec(completed.order_by(Visit.held_on, Visit.id)):
        if visit.held_on <= today and visit.kind in set(VisitKind):
            held[visit.provider_id].append(visit)
    units: dict[uuid.UUID, list[Unit]] = defaultdict(list)
    for unit in session.exec(
        select(Unit).where(Unit.provider_id.in_(ids), Unit.status == RegisterStatus.ACTIVE).order_by(Unit.name)
    ):
        units[unit.provider_id].append(unit)
    latest = _latest_published(session, ids, today)
    return {p.id: _dates(p, held[p.id], units[p.id], latest, policy, today) for p in providers}


def _dates(
    provider: Provider,
    visits: list[Visit],
    units: list[Unit],
    latest: dict[ScopeKey, Report],
    policy: SupervisionPolicy,
    today: date,
) -> ProviderDates:
    months, registered = policy.cycle_months, danish_day(provider.created_at)
    first_visit = next((v.held_on for v in visits if v.held_on >= registered), None)
    origin = cycle_origin(registered, months, set_start=provider.cycle_start, first_visit=first_visit)
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
        ),
        last_published_report_on={s.domain_scope: published_on(s.last) for s in scopes if s.last},
        report_due_from={s.domain_scope: s.since for s in scopes},
        as_of=today,
    )
    return ProviderDates(provider, registered, origin, cycle, tuple(scopes), due_dates(facts, policy))


def _latest_published(session: Session, provider_ids: list[uuid.UUID], today: date) -> dict[ScopeKey, Report]:
    """The latest current published report per (provider, scope, unit), by the day its first version came out.

    Only `published` counts: a superseded report was replaced by a published correction, which is the current
    publication and carries the first version's day. A report's scope is taken as recorded, so a provider report
    does not stand in for the unit reports the law asks of an institution with several units.
    """
    statement = select(Report).where(
        Report.provider_id.in_(provider_ids), Report.status == ReportStatus.PUBLISHED, Report.published_on.is_not(None)
    )
    reports = [r for r in session.exec(statement) if published_on(r) <= today]
    latest: dict[ScopeKey, Report] = {}
    for report in sorted(reports, key=lambda r: (published_on(r), r.report_version, r.created_at)):
        unit_id = report.unit_id if report.scope == UNIT_SCOPE else None
        latest[(report.provider_id, report.scope, unit_id)] = report  # later rows win
    return latest
