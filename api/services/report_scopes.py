"""The part of a report that belongs to its scope: the provider's pooled result, one unit's own, or the dagpleje
as a whole over the cycle (its dagplejere counted per band and concern level, never named; domain.reports.combine).

`api/services/report_content.py` puts the rest of the report around it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from api.tables import Assessment, InstrumentVersion, Provider, Unit, Visit
from domain.errors import DomainError, ErrorCode
from domain.instruments import Instrument
from domain.policy import ConcernLevel, SupervisionPolicy
from domain.providers import UnitKind
from domain.report_scopes import ScopeResult, combine, combined_period_start
from domain.reports import CountLine, EarlierResult, ScoreLine, UnitResult


def concern_label(value: str | None) -> str:
    return ConcernLevel(value or ConcernLevel.NONE).label_da


def _units(session: Session, visit: Visit, unit_ids: list[uuid.UUID]) -> list[Unit]:
    found = {u.id: u for u in session.exec(select(Unit).where(Unit.id.in_(unit_ids)))} if unit_ids else {}  # type: ignore[attr-defined]
    return [found[i] for i in unit_ids if i in found]


def _visit_unit_ids(visit: Visit, unit_assessments: list[Assessment]) -> list[uuid.UUID]:
    """The visit's units in the order planned, then any unit observed without being planned."""
    ordered = [uuid.UUID(str(u)) for u in visit.unit_ids]
    for row in unit_assessments:
        if row.unit_id is not None and row.unit_id not in ordered:
            ordered.append(row.unit_id)
    return ordered


def _theme_areas(session: Session, visit: Visit) -> dict[str, str]:
    """Theme key -> the name of its area, from the instrument definition (the stored parts do not say)."""
    row = session.get(InstrumentVersion, visit.instrument_id) if visit.instrument_id else None
    if row is None:
        return {}
    instrument = Instrument.from_dict(row.definition)
    return {theme.key: area.name for area in instrument.areas for theme in area.themes}


def score_lines(session: Session, visit: Visit, parts: dict) -> tuple[tuple[ScoreLine, ...], tuple[ScoreLine, ...]]:
    areas = tuple(ScoreLine(p["name"], p.get("percent"), "area") for p in parts.get("areas") or ())
    area_of = _theme_areas(session, visit)
    themes = tuple(
        ScoreLine(p["name"], p.get("percent"), "theme", area_of.get(p.get("key", "")))
        for p in parts.get("themes") or ()
    )
    return areas, themes


def _earlier(session: Session, visit: Visit, current: Assessment) -> EarlierResult | None:
    """The same scope's assessment just before this visit's (the provider's, or the unit's), for comparison."""
    scope = Assessment.unit_id == current.unit_id if current.unit_id else Assessment.unit_id.is_(None)  # type: ignore[union-attr]
    rows = session.exec(
        select(Assessment).where(Assessment.provider_id == visit.provider_id, scope, Assessment.visit_id != visit.id)
    ).all()
    before = [r for r in rows if (r.assessed_on, r.created_at) < (current.assessed_on, current.created_at)]
    if not before:
        return None
    latest = max(before, key=lambda r: (r.assessed_on, r.created_at))
    return EarlierResult(latest.assessed_on, latest.percent, latest.band_label)


def _dagplejere_results(
    session: Session, visit: Visit, provider: Provider, policy: SupervisionPolicy
) -> tuple[date, list[ScopeResult]]:
    """The first day of the period, and each dagplejer's latest assessment in it (up to this visit's day)."""
    start = combined_period_start(visit.held_on, policy.cycle_months, provider.cycle_start)
    rows = session.exec(
        select(Assessment)
        .join(Unit, Assessment.unit_id == Unit.id)  # type: ignore[arg-type]
        .where(
            Assessment.provider_id == provider.id,
            Unit.kind == UnitKind.CHILDMINDER,
            Assessment.assessed_on >= start,
            Assessment.assessed_on <= visit.held_on,
        )
    ).all()
    latest: dict[uuid.UUID, Assessment] = {}
    for row in rows:
        seen = latest.get(row.unit_id)
        if seen is None or (row.assessed_on, row.created_at) > (seen.assessed_on, seen.created_at):
            latest[row.unit_id] = row
    results = []
    for row in sorted(latest.values(), key=lambda r: (r.assessed_on, r.created_at, str(r.id))):
        areas, themes = score_lines(session, visit, row.parts or {})
        results.append(ScopeResult(row.percent, ConcernLevel(row.concern), areas, themes))
    return start, results


@dataclass(frozen=True)
class ScopeView:
    """What a report's scope contributes: its own result and what it covers."""

    percent: float | None
    band_label: str | None
    concern: ConcernLevel
    justification: str | None
    areas: tuple[ScoreLine, ...]
    themes: tuple[ScoreLine, ...]
    earlier: EarlierResult | None
    unit_names: tuple[str, ...] = ()
    unit_results: tuple[UnitResult, ...] = ()
    whole_provider: bool = False
    period_from: date | None = None
    band_counts: tuple[CountLine, ...] = ()
    concern_counts: tuple[CountLine, ...] = ()
    dagplejere: int = 0  # the combined report: how many dagplejere it counts


def of_provider(session: Session, visit: Visit, current: Assessment) -> ScopeView:
    """The whole provider: the pooled assessment, with each assessed unit's result beside it."""
    unit_rows = [
        r
        for r in session.exec(select(Assessment).where(Assessment.visit_id == visit.id)).all()
        if r.unit_id is not None
    ]
    units = _units(session, visit, _visit_unit_ids(visit, unit_rows))
    by_unit = {r.unit_id: r for r in unit_rows}
    results = tuple(
        UnitResult(u.name, by_unit[u.id].percent, by_unit[u.id].band_label, concern_label(by_unit[u.id].concern))
        for u in units
        if u.id in by_unit
    )
    areas, themes = score_lines(session, visit, current.parts or {})
    return ScopeView(
        current.percent,
        current.band_label,
        ConcernLevel(current.concern),
        current.justification,
        areas,
        themes,
        _earlier(session, visit, current),
        unit_names=tuple(u.name for u in units),
        unit_results=results,
        whole_provider=True,
    )


def unit_assessment(session: Session, visit: Visit, unit_id: uuid.UUID) -> Assessment | None:
    """The unit's own assessment at the visit; None when no observation named the unit."""
    return session.exec(
        select(Assessment).where(Assessment.visit_id == visit.id, Assessment.unit_id == unit_id)
    ).first()


def of_unit(session: Session, visit: Visit, unit: Unit) -> ScopeView:
    """One unit: its own assessment leads, and its own concern says what follows."""
    own = unit_assessment(session, visit, unit.id)
    if own is None:
        raise DomainError(
            ErrorCode.CONFLICT, "The unit was not observed on its own at this visit; report on the whole provider."
        )
    areas, themes = score_lines(session, visit, own.parts or {})
    result = UnitResult(unit.name, own.percent, own.band_label, concern_label(own.concern))
    return ScopeView(
        own.percent,
        own.band_label,
        ConcernLevel(own.concern),
        own.justification,
        areas,
        themes,
        _earlier(session, visit, own),
        unit_names=(unit.name,),
        unit_results=(result,),
    )


def of_dagpleje(
    session: Session, visit: Visit, provider: Provider, current: Assessment, policy: SupervisionPolicy
) -> ScopeView:
    """The dagpleje as a whole over the cycle: its dagplejere counted per band and concern level, never named.

    A dagpleje observed as one (no dagplejer assessed on their own in the period) has nothing to count: its report
    then rests on the visit's own assessment of the dagpleje, like a provider report without its units.
    """
    start, results = _dagplejere_results(session, visit, provider, policy)
    if not results:
        areas, themes = score_lines(session, visit, current.parts or {})
        concern = ConcernLevel(current.concern)
        earlier = _earlier(session, visit, current)
        return ScopeView(current.percent, current.band_label, concern, current.justification, areas, themes, earlier)
    combined = combine(results, policy, at_least=ConcernLevel(current.concern))
    raised = current.justification if ConcernLevel(current.concern) is combined.concern else None
    return ScopeView(
        combined.percent,
        combined.band_label_da,
        combined.concern,
        raised,
        combined.areas,
        combined.themes,
        None,
        period_from=start,
        band_counts=combined.band_counts,
        concern_counts=combined.concern_counts,
        dagplejere=len(results),
    )
