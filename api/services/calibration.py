"""Supervisor calibration over the API: read the period's assessments and observations as columns, apply the rule.

The rule is domain.calibration; the comparison with the provider's own observations is domain.own_observations'
own `compare` (the dialogue view's), fed the same observations and the same period of each visit. A handful of
set-based queries, whatever the size of the municipality: the assessments, the socio-economic profiles, and (only
where the providers recorded own observations with a visit's instrument) the visits before, the observations and
the instruments.
"""

from __future__ import annotations

import bisect
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from api.schemas import calibration as schema
from api.services.policy import policy_in_force
from api.tables import (
    Assessment,
    Indicator,
    IndicatorValue,
    InstrumentVersion,
    Observation,
    OwnObservation,
    Provider,
    UserAccount,
    Visit,
)
from domain import calibration as rules
from domain.errors import invalid
from domain.instruments import Instrument
from domain.own_observations import Comparison, compare, period_of_visit
from domain.providers import ProviderKind
from domain.states import VisitStatus

SOCIO_ECONOMIC_INDICATOR = "socio_economic_profile"  # the key in domain.indicator_catalogue
DEFAULT_YEARS = 2  # the default period: the two years up to today, one supervision cycle


@dataclass(frozen=True)
class _Row:
    visit_id: uuid.UUID
    supervisor_id: uuid.UUID
    co_observer_id: uuid.UUID | None
    provider_id: uuid.UUID
    held_on: date
    instrument_id: uuid.UUID | None
    kind: str
    percent: float | None
    band_key: str | None
    band_label: str | None


def period(today: date, assessed_from: date | None, assessed_to: date | None) -> tuple[date, date]:
    """The period asked for; by default the two years up to today."""
    last = assessed_to or today
    if assessed_from is not None:
        first = assessed_from
    else:  # the day after the same day two years before (28 February for 29 February)
        first = date(last.year - DEFAULT_YEARS, last.month, min(last.day, 28 if last.month == 2 else 31))
        first += timedelta(days=1)
    if first > last:
        raise invalid("query.assessed_from", "The period's first day must not be after its last.")
    return first, last


def _assessed(
    session: Session, municipality_id: uuid.UUID, first: date, last: date, kind: ProviderKind | None
) -> list[_Row]:
    """The provider-level assessment of every completed visit held in the period: one query, columns only."""
    statement = (
        select(
            Visit.id,
            Visit.supervisor_id,
            Visit.co_observer_id,
            Visit.provider_id,
            Visit.held_on,
            Visit.instrument_id,
            Provider.kind,
            Assessment.percent,
            Assessment.band_key,
            Assessment.band_label,
        )
        .join(Assessment, col(Assessment.visit_id) == Visit.id)
        .join(Provider, col(Provider.id) == Visit.provider_id)
        .where(
            Visit.municipality_id == municipality_id,
            Provider.municipality_id == municipality_id,  # hash the municipality's providers only, not the nation's
            Visit.status == VisitStatus.COMPLETED,
            col(Visit.held_on) >= first,
            col(Visit.held_on) <= last,
            col(Assessment.unit_id).is_(None),
        )
    )
    if kind is not None:
        statement = statement.where(Provider.kind == kind)
    return [_Row(*row) for row in session.exec(statement)]


def _quartiles(session: Session, municipality_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Each provider's socio-economic quartile, from its latest provider-level profile; empty with too few."""
    statement = (
        select(IndicatorValue.provider_id, IndicatorValue.period, IndicatorValue.value)
        .join(Indicator, col(Indicator.id) == IndicatorValue.indicator_id)
        .where(
            Indicator.municipality_id == municipality_id,
            Indicator.key == SOCIO_ECONOMIC_INDICATOR,
            col(IndicatorValue.unit_id).is_(None),
        )
    )
    latest: dict[uuid.UUID, tuple[str, float]] = {}
    for provider_id, period_key, value in session.exec(statement):
        if provider_id not in latest or period_key > latest[provider_id][0]:
            latest[provider_id] = (period_key, float(value))
    return rules.quartiles({provider_id: value for provider_id, (_, value) in latest.items()})


# --- beside the providers' own observations -------------------------------------------------------------------


def _held_before(session: Session, provider_ids: set[uuid.UUID], last: date) -> dict[uuid.UUID, list[date]]:
    """The days each provider's completed visits were held, up to `last`, sorted: to find each visit's previous."""
    statement = select(Visit.provider_id, Visit.held_on).where(
        col(Visit.provider_id).in_(provider_ids),
        Visit.status == VisitStatus.COMPLETED,
        col(Visit.held_on).is_not(None),
        col(Visit.held_on) <= last,
    )
    days: dict[uuid.UUID, list[date]] = defaultdict(list)
    for provider_id, held_on in session.exec(statement):
        days[provider_id].append(held_on)
    return {provider_id: sorted(held) for provider_id, held in days.items()}


def _previous(days: Sequence[date], held_on: date) -> date | None:
    """The latest day strictly before `held_on` (as the dialogue view's `_previous_held_on`)."""
    index = bisect.bisect_left(days, held_on)
    return days[index - 1] if index else None


def _own_comparisons(
    session: Session, municipality_id: uuid.UUID, rows: list[_Row], last: date
) -> dict[uuid.UUID, list[Comparison]]:
    """Per supervisor, each of their visits compared with the own observations of its period, as the dialogue view
    compares them; only visits with own observations made with the visit's instrument."""
    with_instrument = [r for r in rows if r.instrument_id is not None]
    if not with_instrument:
        return {}
    providers = {r.provider_id for r in with_instrument}
    own_statement = select(
        OwnObservation.provider_id, OwnObservation.instrument_id, OwnObservation.observed_on, OwnObservation.scores
    ).where(
        OwnObservation.municipality_id == municipality_id,
        col(OwnObservation.provider_id).in_(providers),
        col(OwnObservation.instrument_id).in_({r.instrument_id for r in with_instrument}),
        col(OwnObservation.observed_on) <= last,
    )
    own: dict[tuple[uuid.UUID, uuid.UUID], list[tuple[date, dict[str, Any]]]] = defaultdict(list)
    for provider_id, instrument_id, observed_on, scores in session.exec(own_statement):
        own[(provider_id, instrument_id)].append((observed_on, scores))
    if not own:
        return {}
    held = _held_before(session, {p for p, _ in own}, last)
    matched: dict[uuid.UUID, tuple[_Row, list[dict[str, Any]]]] = {}
    for row in with_instrument:
        candidates = own.get((row.provider_id, row.instrument_id))  # type: ignore[arg-type]
        if not candidates:
            continue
        span = period_of_visit(row.held_on, _previous(held.get(row.provider_id, []), row.held_on))
        beside = [scores for observed_on, scores in candidates if span.contains(observed_on)]
        if beside:
            matched[row.visit_id] = (row, beside)
    if not matched:
        return {}
    observed: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for visit_id, scores in session.exec(
        select(Observation.visit_id, Observation.scores).where(col(Observation.visit_id).in_(matched))
    ):
        observed[visit_id].append(scores)
    instruments = {
        instrument_id: Instrument.from_dict(definition)
        for instrument_id, definition in session.exec(
            select(InstrumentVersion.id, InstrumentVersion.definition).where(
                col(InstrumentVersion.id).in_({row.instrument_id for row, _ in matched.values()})
            )
        )
    }
    comparisons: dict[uuid.UUID, list[Comparison]] = defaultdict(list)
    for visit_id, (row, beside) in matched.items():
        instrument = instruments[row.instrument_id]  # type: ignore[index]
        comparisons[row.supervisor_id].append(compare(instrument, observed.get(visit_id, []), beside))
    return comparisons


# --- the view -------------------------------------------------------------------------------------------------


def _bands(counts: dict[str, int], labels: dict[str, str], order: list[str]) -> list[schema.BandCount]:
    keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
    return [schema.BandCount(band_key=k, label_da=labels.get(k, k), count=counts[k]) for k in keys]


def _supervisor(
    result: rules.SupervisorResult,
    name: str,
    co_observed: int,
    own: rules.OwnResult,
    labels: dict[str, str],
    order: list[str],
) -> schema.SupervisorCalibration:
    return schema.SupervisorCalibration(
        user_id=uuid.UUID(result.supervisor_id),
        name=name,
        led=result.led,
        with_percent=result.with_percent,
        mean_percent=result.mean_percent,
        bands=_bands(dict(result.bands), labels, order),
        compared=result.compared,
        compared_by_quartile=result.compared_by_quartile,
        mean_difference=result.mean_difference,
        spread=result.spread,
        flagged=result.flagged,
        direction=result.direction,
        by_kind=[schema.KindCalibration.model_validate(k, from_attributes=True) for k in result.by_kind],
        co_observed_visits=co_observed,
        own_observations=schema.OwnObservationsCalibration(
            visits=own.visits,
            areas=[schema.AreaOwnDifference.model_validate(a, from_attributes=True) for a in own.areas],
        ),
    )


def calibration(
    session: Session,
    municipality_id: uuid.UUID,
    today: date,
    *,
    assessed_from: date | None,
    assessed_to: date | None,
    kind: ProviderKind | None,
) -> schema.CalibrationRead:
    """Each supervisor who led an assessed visit in the period, beside the others and the providers' own."""
    first, last = period(today, assessed_from, assessed_to)
    rows = _assessed(session, municipality_id, first, last, kind)
    quartile = _quartiles(session, municipality_id)
    results = rules.compare_with_others(
        [rules.Assessed(str(r.supervisor_id), r.kind, quartile.get(r.provider_id), r.percent, r.band_key) for r in rows]
    )
    comparisons = _own_comparisons(session, municipality_id, rows, last)
    co_observed: dict[uuid.UUID, int] = defaultdict(int)
    for r in rows:
        if r.co_observer_id is not None:
            co_observed[r.co_observer_id] += 1
    ids = {r.supervisor_id for r in rows}
    names: dict[uuid.UUID, str] = dict(
        session.exec(
            select(UserAccount.id, UserAccount.full_name).where(
                UserAccount.municipality_id == municipality_id, col(UserAccount.id).in_(ids)
            )
        ).all()
        if ids
        else []
    )
    _, policy = policy_in_force(session, municipality_id, today)
    order = [b.key for b in policy.bands_high_to_low()]
    labels = {b.key: b.label_da for b in policy.bands} | {r.band_key: r.band_label for r in rows if r.band_key}
    supervisors = [
        _supervisor(
            result,
            names.get(uuid.UUID(key), ""),
            co_observed.get(uuid.UUID(key), 0),
            rules.own_differences(comparisons.get(uuid.UUID(key), [])),
            labels,
            order,
        )
        for key, result in results.items()
    ]
    supervisors.sort(key=lambda s: (not s.flagged, s.name, str(s.user_id)))
    return schema.CalibrationRead(
        assessed_from=first,
        assessed_to=last,
        provider_kind=kind,
        comparable=schema.COMPARABLE,
        grouped_by_socio_economic_quartile=bool(quartile),
        threshold_points=rules.THRESHOLD_POINTS,
        minimum_assessments=rules.MINIMUM_ASSESSMENTS,
        co_observer_agreement=schema.CO_OBSERVERS,
        supervisors=supervisors,
    )
