"""Done when (issue 14, 1): over random networks no shown benchmark cell rests on fewer than k providers or m
municipalities, for any caller, including after subtracting any two shown cells of one measure that share a
dimension, and after subtracting a total's shown parts from it.

The populations here are recomputed from the facts by a second, naive reading of what each cell counts, so the
test does not trust the table's own bookkeeping. Sizes are drawn close to k and m so the edges are hit often.
"""

from __future__ import annotations

from itertools import combinations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain.benchmark_suppression import CellKey
from domain.benchmarks import WHOLE, Measure, ProviderFacts, benchmark_table
from domain.networks import FLOOR_K, FLOOR_M, BenchmarkThresholds
from domain.policy import ConcernLevel
from domain.providers import ProviderKind

KINDS = (ProviderKind.MUNICIPAL_INSTITUTION, ProviderKind.PRIVATE_INSTITUTION, ProviderKind.MUNICIPAL_CHILDMINDING)
BANDS = ("excellent", "good", "adequate", "poor")
PARTS = ("area:leg", "theme:sprog")


@st.composite
def provider(draw, index: int, municipalities: int) -> ProviderFacts:
    band = draw(st.sampled_from((*BANDS, None)))
    parts = tuple((p, draw(st.sampled_from(BANDS))) for p in PARTS if band is not None and draw(st.booleans()))
    completed = draw(st.integers(0, 2))
    judged = draw(st.integers(0, 2))
    return ProviderFacts(
        provider_id=f"p{index}",
        municipality_id=f"m{draw(st.integers(0, municipalities - 1))}",
        kind=draw(st.sampled_from(KINDS)),
        band_key=band,
        concern=None if band is None else draw(st.sampled_from(list(ConcernLevel))),
        part_bands=parts,
        intensified=draw(st.booleans()),
        intensified_days=tuple(draw(st.lists(st.integers(1, 400), max_size=2))),
        plans_completed=completed,
        plans_in_time=draw(st.integers(0, completed)),
        reports_judged=judged,
        reports_in_time=draw(st.integers(0, judged)),
        compliant=draw(st.sampled_from((True, False, None))),
    )


@st.composite
def networks(draw) -> tuple[BenchmarkThresholds, list[ProviderFacts]]:
    k = draw(st.sampled_from((FLOOR_K, FLOOR_K + 1, 7, 10)))
    m = draw(st.sampled_from((FLOOR_M, 3, 4)))
    municipalities = draw(st.integers(1, m + 3))
    size = draw(st.integers(0, 4 * k))
    return BenchmarkThresholds(k, m), [draw(provider(i, municipalities)) for i in range(size)]


def in_cell(key: CellKey, f: ProviderFacts) -> bool:
    """Whether the provider counts in the cell: a naive reading of each measure, independent of the domain's."""
    if key.kind is not None and f.kind.value != key.kind:
        return False
    measure = Measure(key.measure)
    if measure is Measure.BANDS:
        band = f.band_key if key.part == WHOLE else dict(f.part_bands).get(key.part)
        return band is not None and key.band in (None, band)
    return {
        Measure.UNDER_CONCERN: f.band_key is not None,
        Measure.INTENSIFIED: True,
        Measure.INTENSIFIED_DAYS: bool(f.intensified_days),
        Measure.ACTION_PLANS_IN_TIME: f.plans_completed > 0,
        Measure.REPORTS_IN_TIME: f.reports_judged > 0,
        Measure.COMPLIANT: f.compliant is not None,
    }[measure]


def every_key(facts: list[ProviderFacts]) -> set[CellKey]:
    kinds = (None, *(k.value for k in KINDS))
    keys = {CellKey(m.value, WHOLE, kind, None) for m in Measure for kind in kinds}
    keys |= {
        CellKey(Measure.BANDS.value, part, kind, band)
        for part in (WHOLE, *PARTS)
        for kind in kinds
        for band in (None, *BANDS)
    }
    return keys


def enough(population: set[str], municipality_of: dict[str, str], t: BenchmarkThresholds, caller: str | None) -> bool:
    others = {p for p in population if municipality_of[p] != caller}
    return len(others) >= t.k and len({municipality_of[p] for p in others}) >= t.m


def check(t: BenchmarkThresholds, facts: list[ProviderFacts]) -> None:
    municipality_of = {f.provider_id: f.municipality_id for f in facts}
    pops = {key: {f.provider_id for f in facts if in_cell(key, f)} for key in every_key(facts)}
    for caller in (None, *sorted(set(municipality_of.values()))):
        shown = {c.key: c for c in benchmark_table(facts, t, caller)}
        assert set(shown) <= set(pops)
        for key, cell in shown.items():
            # Every shown cell rests on k providers from m municipalities, without the caller's own.
            assert cell.network.providers == len(pops[key])
            assert enough(pops[key], municipality_of, t, caller), (caller, key)
        for a, b in combinations(sorted(shown), 2):
            if a.slice != b.slice:
                continue
            small, big = sorted((pops[a], pops[b]), key=len)
            if small <= big:  # one contains the other: what the difference rests on must be enough too
                assert enough(big - small, municipality_of, t, caller), (caller, a, b)
        for total in shown:
            for parts in _parts(total, pops):
                hidden = set().union(*(pops[p] for p in parts if p not in shown))
                assert not hidden or enough(hidden, municipality_of, t, caller), (caller, total)


def _parts(total: CellKey, pops: dict[CellKey, set[str]]) -> list[list[CellKey]]:
    lines = []
    if total.kind is None:
        lines.append([k for k in pops if k.slice == total.slice and k.band == total.band and k.kind is not None])
    if total.band is None:
        lines.append([k for k in pops if k.slice == total.slice and k.kind == total.kind and k.band is not None])
    return lines


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(networks())
def test_no_shown_cell_or_difference_of_two_rests_on_fewer_than_k_providers_or_m_municipalities(network):
    check(*network)


def _exactly(k: int, m: int, per_municipality: tuple[int, ...], kind=ProviderKind.MUNICIPAL_INSTITUTION):
    facts = []
    for i, count in enumerate(per_municipality):
        facts += [
            ProviderFacts(f"p{i}-{j}", f"m{i}", kind, band_key="good", concern=ConcernLevel.NONE, compliant=True)
            for j in range(count)
        ]
    return BenchmarkThresholds(k, m), facts


@given(st.sampled_from([(FLOOR_K, FLOOR_M), (10, 3), (6, 2)]), st.integers(-1, 1), st.integers(-1, 1))
@settings(max_examples=60, deadline=None)
def test_the_edges_at_k_and_m_hold_for_every_caller(thresholds, dk, dm):
    """Populations right at, one below and one above k providers and m municipalities (with the caller's own)."""
    k, m = thresholds
    towns = max(1, m + 1 + dm)  # one more than m: the caller's own leaves m
    spread = [(k + dk) // (towns - 1) + 1] * towns if towns > 1 else [k + dk]
    check(*_exactly(k, m, tuple(spread)))


@example((BenchmarkThresholds(5, 2), []))
@given(networks())
@settings(max_examples=50, deadline=None)
def test_no_cell_is_shown_at_all_in_a_network_below_m_municipalities(network):
    t, facts = network
    if len({f.municipality_id for f in facts}) < t.m:
        assert benchmark_table(facts, t, None) == ()
