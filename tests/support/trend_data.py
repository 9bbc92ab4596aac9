"""Rows for the trend tests: assessments with areas and themes, imported KIDS history and context values, dated."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from api.tables import HistoricalAssessment, Provider, UserAccount, Visit
from domain.policy import SupervisionPolicy
from tests.support import overview_data as rows

POLICY = SupervisionPolicy()
TODAY = date(2026, 6, 15)  # the last two years: 2024-06-16..2026-06-15; the two before: 2022-06-16..2024-06-15
BEFORE_DAY = date(2023, 5, 1)
NOW_DAY = date(2025, 5, 1)

# Names of persons that must never appear in a trend: a dagplejer (a unit), the leader on a plan, a supervisor.
DAGPLEJER_NAME = "Hanne Dagplejersen"
LEADER_NAME = "Lene Ledersen"
SUPERVISOR_NAME = "Sofie Tilsynsen"


def parts(leg: float, relationer: float | None = None) -> dict[str, Any]:
    areas = [{"key": "leg", "name": "Leg og aktivitet", "percent": leg, "scored": 6, "total": 6}]
    if relationer is not None:
        areas.append({"key": "relationer", "name": "Relationer", "percent": relationer, "scored": 6, "total": 6})
    themes = [{"key": "sprog", "name": "Kommunikation og sprog", "percent": leg, "scored": 3, "total": 3}]
    return {"areas": areas, "themes": themes, "unscored": []}


def assessed(
    db: Session,
    provider: Provider,
    supervisor: UserAccount,
    day: date,
    percent: float,
    *,
    unit_id: Any = None,
    concern: str | None = None,
    kind: str = "announced",
) -> Visit:
    """A completed visit on `day` with the provider's assessment (and a unit's, with `unit_id`) at `percent`."""
    visit = rows.visit(db, provider, supervisor, planned_on=day, kind=kind)
    band = POLICY.band_for(percent)
    rows.assessment(
        db,
        visit,
        percent=percent,
        band=(band.key, band.label_da),
        concern=concern or band.concern.value,
        parts=parts(percent),
        unit_id=unit_id,
    )
    return visit


def imported(db: Session, provider: Provider, day: date, areas: dict[str, float], *, unit_id: Any = None) -> None:
    """Imported KIDS history: one row per area, as the kids-history import writes them."""
    for area, percent in areas.items():
        db.add(
            HistoricalAssessment(
                municipality_id=provider.municipality_id,
                provider_id=provider.id,
                unit_id=unit_id,
                scope_id=unit_id or provider.id,
                assessed_on=day,
                instrument_key="kids",
                area_key=area,
                percent=percent,
            )
        )
    db.commit()
