"""One provider's trend: its assessments and those of its units across visits and cycles, imported KIDS history
included, read as columns and shaped for a chart. A dagplejer is a person: no unit name is shown for one, and its own
result only to admin and supervisors (domain.trends.shows_unit_result)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from api.principal import Principal
from api.schemas import trend as schema
from api.services.policy import policy_in_force
from api.services.trend_views import legend
from api.services.trends import ASSESSMENT_COLUMNS, assessment_facts, imported
from api.tables import Assessment, IntensifiedSupervision, Provider, Unit
from domain.cycle import cycle_on
from domain.escalation import EscalationState
from domain.policy import SupervisionPolicy
from domain.providers import UnitKind
from domain.trends import AssessmentFact, PartKind, ScopeSeries, provider_series, shows_unit_result


@dataclass(frozen=True)
class UnitInfo:
    id: str
    kind: UnitKind
    name: str | None  # None for a dagplejer: a person's name is never shown beside a result


@dataclass(frozen=True)
class ProviderTrendFacts:
    policy: SupervisionPolicy
    facts: list[AssessmentFact]
    units: dict[str, UnitInfo]
    state: EscalationState  # where the provider stands today


def provider_trend_facts(session: Session, provider: Provider, today: date) -> ProviderTrendFacts:
    """Every assessment of the provider and its units, from visits and imported history, its units and where it
    stands on the escalation ladder today. Five column queries."""
    _, policy = policy_in_force(session, provider.municipality_id, today)
    kinds = {provider.id: provider.kind}
    rows = session.exec(select(*ASSESSMENT_COLUMNS).where(Assessment.provider_id == provider.id)).all()
    facts = assessment_facts(rows, kinds)
    facts += imported(session, policy, provider.municipality_id, kinds, None, whole_only=False, provider_id=provider.id)
    units = {
        str(i): UnitInfo(str(i), UnitKind(k), None if UnitKind(k) is UnitKind.CHILDMINDER else name)
        for i, k, name in session.exec(select(Unit.id, Unit.kind, Unit.name).where(Unit.provider_id == provider.id))
    }
    t = IntensifiedSupervision
    open_state = session.exec(
        select(t.state).where(t.provider_id == provider.id, t.started_on <= today, t.ended_on.is_(None))
    ).first()
    return ProviderTrendFacts(policy, facts, units, EscalationState(open_state or EscalationState.NORMAL))


def provider_trend(session: Session, principal: Principal, provider: Provider, today: date) -> schema.ProviderTrendRead:
    """The provider's trend as `principal` may see it."""
    read = provider_trend_facts(session, provider, today)
    labels = {b.key: b.label_da for b in read.policy.bands}
    origin = provider.cycle_start
    months = read.policy.cycle_months

    def cycle_of(day: date) -> date | None:
        return cycle_on(origin, months, day).start if origin is not None and day >= origin else None

    def scope(series: ScopeSeries) -> schema.ScopeTrendRead:
        unit = read.units.get(series.unit_id) if series.unit_id else None
        shown = unit is None or shows_unit_result(unit.kind, principal.role)
        points = [
            schema.TrendPointRead(
                assessed_on=f.assessed_on,
                source=f.source,
                cycle_start=cycle_of(f.assessed_on),
                percent=f.percent if shown else None,
                band_key=f.band_key if shown else None,
                band_label=labels.get(f.band_key, f.band_key) if shown and f.band_key else None,
                concern=f.concern if shown else None,
            )
            for f in series.points
        ]
        parts = series.part_series() if shown else {}
        names = {(p.kind, p.key): p.name for f in series.points for p in f.parts if p.name}

        def part_list(kind: PartKind) -> list[schema.PartSeriesRead]:
            return [
                schema.PartSeriesRead(
                    key=key,
                    name=names.get((k, key), key),
                    points=[schema.PartPointRead(assessed_on=d, percent=p) for d, p in values],
                )
                for (k, key), values in sorted(parts.items(), key=lambda kv: kv[0][1])
                if k is kind
            ]

        return schema.ScopeTrendRead(
            unit_id=uuid.UUID(series.unit_id) if series.unit_id else None,
            unit_kind=unit.kind if unit else None,
            unit_name=unit.name if unit else None,
            result_shown=shown,
            points=points,
            areas=part_list(PartKind.AREA),
            themes=part_list(PartKind.THEME),
        )

    return schema.ProviderTrendRead(
        provider_id=provider.id,
        provider_kind=provider.kind,
        as_of=today,
        legend=legend(read.policy),
        intensified_now=read.state,
        scopes=[scope(s) for s in provider_series(read.facts)],
    )
