"""Assessed visits for the calibration tests, written straight to the database with the day and percent a test needs."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from api.tables import Assessment, InstrumentVersion, Municipality, Observation, OwnObservation, Provider, UserAccount
from domain.instruments import DEMO_INSTRUMENT
from domain.policy import KOLDING_DEFAULT
from tests.support import factories
from tests.support import overview_data as data

ITEMS = [item.key for item in DEMO_INSTRUMENT.items()]


def every_item(value: int) -> dict[str, int]:
    """The demo instrument's items all scored `value` (1-5: 2 is 25 %, 4 is 75 %, 5 is 100 %)."""
    return dict.fromkeys(ITEMS, value)


def providers(db: Session, municipality: Municipality, count: int, **overrides: Any) -> list[Provider]:
    return [factories.provider(db, municipality, **overrides) for _ in range(count)]


def assessed(
    db: Session,
    provider: Provider,
    supervisor: UserAccount,
    percent: float | None,
    held_on: date,
    *,
    unit_id: Any = None,
    **visit: Any,
) -> Assessment:
    """A completed visit led by `supervisor` and its provider-level assessment (or a unit's, with `unit_id`)."""
    row = data.visit(db, provider, supervisor, planned_on=held_on, **visit)
    band = KOLDING_DEFAULT.band_for(percent) if percent is not None else None
    return data.assessment(
        db,
        row,
        percent=percent,
        band=(band.key, band.label_da) if band else (None, None),
        concern=band.concern.value if band else "none",
        unit_id=unit_id,
        insufficient_observation=percent is None,
    )


def led_by(db: Session, supervisor: UserAccount, percents: list[float], over: list[Provider], first: date) -> None:
    """`supervisor` leads one visit per percent, to the providers in turn, a week apart from `first`."""
    for i, percent in enumerate(percents):
        assessed(db, over[i % len(over)], supervisor, percent, date.fromordinal(first.toordinal() + 7 * i))


def instrument(db: Session, municipality: Municipality) -> InstrumentVersion:
    row = InstrumentVersion(
        municipality_id=municipality.id,
        key="demo",
        version="1",
        name="Demo",
        definition=DEMO_INSTRUMENT.to_dict(),
        created_by="test",
    )
    db.add(row)
    db.commit()
    return row


def observed(db: Session, assessment: Assessment, scores: dict[str, int], by: str = "Tilsynsførende") -> None:
    db.add(Observation(visit_id=assessment.visit_id, scores=scores, observed_by=by))
    db.commit()


def own(db: Session, provider: Provider, instrument: InstrumentVersion, on: date, scores: dict[str, int]) -> None:
    row = OwnObservation(
        municipality_id=provider.municipality_id,
        provider_id=provider.id,
        instrument_id=instrument.id,
        observed_on=on,
        scores=scores,
        recorded_by="leader-account-id",
        recorded_by_role="leader",
    )
    db.add(row)
    db.commit()
