"""Anonymised benchmarks across a network: the active members' facts read, domain.benchmarks applied.

Only the network's ACTIVE members count (`api.services.networks.active_members`): a municipality that left is out
of every figure computed afterwards, whatever period the figure covers. Each member's facts are read the way its
own trends and compliance read them (`api.services.trends.period_facts`, `api.services.compliance.
compliant_providers`): column queries, a bounded number per member however many providers it has, and the band,
deadline and minimum rules those apply. Nothing read here leaves the service except the cells the suppression rule
lets through: counts and rates, never a provider's or person's name or id.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, col, select

from api.schemas import benchmark as schema
from api.services.compliance import compliant_providers
from api.services.networks import active_members, thresholds
from api.services.trends import PeriodFacts, period_facts, windows
from api.tables import Municipality, Network, NetworkMembership
from domain.benchmarks import WHOLE, BenchmarkCell, Figure, Measure, ProviderFacts, benchmark_table, provider_facts
from domain.networks import MembershipStatus, may_be_named
from domain.providers import ProviderKind
from domain.trends import PartKind


def _facts(session: Session, members: list[uuid.UUID], window, today: date) -> tuple[list[ProviderFacts], list]:
    facts: list[ProviderFacts] = []
    read: list[PeriodFacts] = []
    for member in members:
        found = period_facts(session, member, window, today)
        compliant = compliant_providers(session, member, today)
        read.append(found)
        facts += provider_facts(
            str(member),
            found.policy,
            window,
            today,
            kinds={str(p): ProviderKind(k) for p, k in found.kinds.items()},
            latest=found.latest,
            intensified=found.intensified,
            action_plans=found.action_plans,
            reports=found.reports,
            compliant={str(p): ok for p, ok in compliant.items()},
        )
    return facts, read


def _named(session: Session, network_id: uuid.UUID) -> dict[str, str]:
    """The names of the members that agreed to stand beside figures (and are members now)."""
    rows = session.exec(
        select(NetworkMembership.municipality_id, NetworkMembership.status, Municipality.name)
        .join(Municipality, col(Municipality.id) == NetworkMembership.municipality_id)
        .where(NetworkMembership.network_id == network_id, col(NetworkMembership.named_beside_figures))
    ).all()
    return {str(m): name for m, status, name in rows if may_be_named(MembershipStatus(status), True)}


def network_benchmarks(
    session: Session,
    network: Network,
    municipality_id: uuid.UUID,
    today: date,
    period_from: date | None = None,
    period_to: date | None = None,
) -> schema.NetworkBenchmarksRead:
    """The network's benchmark for the period (by default the last two years), as `municipality_id` may see it."""
    window, _ = windows(today, period_from, period_to)
    members = active_members(session, network.id)
    facts, read = _facts(session, members, window, today)
    named = _named(session, network.id)
    limits = thresholds(network)
    cells = benchmark_table(facts, limits, str(municipality_id), named=named)
    bands = {b.key: b.label_da for r in read for b in r.policy.bands}
    parts = {(p.kind.value, p.key): p.name for r in read for f in r.latest.values() for p in f.parts if p.name}
    rank = {b.key: i for i, b in enumerate(read[0].policy.bands_high_to_low())} if read else {}
    return schema.NetworkBenchmarksRead(
        network_id=network.id,
        period_from=window.start,
        period_to=window.end,
        as_of=today,
        k_min_providers=limits.k,
        m_min_municipalities=limits.m,
        members=len(members),
        cells=[_cell(c, bands, parts, named) for c in sorted(cells, key=lambda c: _order(c, rank))],
    )


_MEASURES = list(Measure)
_KINDS = list(ProviderKind)


def _order(cell: BenchmarkCell, rank: dict[str, int]) -> tuple:
    k = cell.key
    return (
        _MEASURES.index(Measure(k.measure)),
        k.part != WHOLE,
        k.part,
        -1 if k.kind is None else _KINDS.index(ProviderKind(k.kind)),
        -1 if k.band is None else rank.get(k.band, len(rank)),
        k.band or "",
    )


def _figure(f: Figure) -> schema.FigureRead:
    return schema.FigureRead(providers=f.providers, municipalities=f.municipalities, count=f.count, value=f.value)


def _cell(
    cell: BenchmarkCell, bands: dict[str, str], parts: dict[tuple[str, str], str], named: dict[str, str]
) -> schema.BenchmarkCellRead:
    k = cell.key
    part_kind, _, part_key = k.part.partition(":")
    return schema.BenchmarkCellRead(
        measure=Measure(k.measure),
        measure_label=Measure(k.measure).label_da,
        part_kind=PartKind(part_kind) if k.part else None,
        part_key=part_key or None,
        part_name=parts.get((part_kind, part_key), part_key) if k.part else None,
        provider_kind=ProviderKind(k.kind) if k.kind else None,
        band_key=k.band,
        band_label=bands.get(k.band, k.band) if k.band else None,
        network=_figure(cell.network),
        own=_figure(cell.own) if cell.own else None,
        named=[schema.MunicipalityNameRead(municipality_id=uuid.UUID(m), name=named[m]) for m in cell.named],
    )
