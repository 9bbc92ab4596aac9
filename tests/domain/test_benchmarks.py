"""Benchmark cells across a network: the suppression rule on worked examples, names, and facts built with the
trends' own rules."""

from __future__ import annotations

from datetime import date

from domain.benchmark_suppression import CellKey
from domain.benchmarks import WHOLE, Measure, ProviderFacts, benchmark_table, provider_facts
from domain.networks import BenchmarkThresholds
from domain.policy import ConcernLevel, SupervisionPolicy
from domain.providers import ProviderKind
from domain.trend_outcomes import ReportFact
from domain.trends import AssessmentFact, Window

DEFAULT = BenchmarkThresholds()  # 10 providers from 3 municipalities
INSTITUTION, PRIVATE = ProviderKind.MUNICIPAL_INSTITUTION, ProviderKind.PRIVATE_INSTITUTION


def providers(municipality: str, count: int, *, kind=INSTITUTION, band="good", start=0) -> list[ProviderFacts]:
    concern = ConcernLevel.SERIOUS if band == "poor" else ConcernLevel.NONE
    return [
        ProviderFacts(f"{municipality}-{kind.value}-{start + i}", municipality, kind, band, concern, compliant=True)
        for i in range(count)
    ]


def shown(facts, caller=None, thresholds=DEFAULT) -> dict[CellKey, object]:
    return {c.key: c for c in benchmark_table(facts, thresholds, caller)}


def total(measure: Measure, kind: ProviderKind | None = None, band: str | None = None) -> CellKey:
    return CellKey(measure.value, WHOLE, kind.value if kind else None, band)


def test_a_figure_resting_on_nine_providers_is_not_shown_at_k_ten():
    facts = providers("a", 3) + providers("b", 3) + providers("c", 3)
    assert total(Measure.COMPLIANT) not in shown(facts)
    assert total(Measure.COMPLIANT) in shown(facts + providers("c", 1, start=3))


def test_a_figure_from_two_municipalities_is_not_shown_at_m_three_however_many_providers():
    facts = providers("a", 20) + providers("b", 20)
    assert shown(facts) == {}
    assert shown(facts, thresholds=BenchmarkThresholds(10, 2)) != {}


def test_a_member_does_not_see_the_network_figure_when_the_others_rest_on_too_few():
    facts = providers("a", 20) + providers("b", 4) + providers("c", 3) + providers("d", 2)
    assert total(Measure.COMPLIANT) in shown(facts, caller=None)
    assert total(Measure.COMPLIANT) in shown(facts, caller="b")  # 25 providers of a, c and d
    assert shown(facts, caller="a") == {}  # without a's own: 9 providers, below k = 10


def test_when_every_provider_is_in_one_band_the_band_is_not_shown():
    facts = providers("a", 5) + providers("b", 5) + providers("c", 5)
    cells = shown(facts)
    assert total(Measure.BANDS) in cells
    assert total(Measure.BANDS, band="good") not in cells  # 15 of 15 in `good` would say each one's band


def test_a_band_is_shown_with_its_share_when_the_rest_of_its_row_rests_on_enough():
    facts = []
    for town in "abc":
        facts += providers(town, 4, band="good") + providers(town, 4, band="adequate", start=4)
    cells = shown(facts)
    good = cells[total(Measure.BANDS, band="good")]
    assert (good.network.providers, good.network.value) == (12, 50.0)


def test_the_last_kind_of_a_column_cannot_be_worked_out_from_the_total_and_the_other_kind():
    # 30 institutions from three municipalities and 4 private ones from one: the network's total less the
    # institutions' would be the private institutions' figure.
    facts = providers("a", 10) + providers("b", 10) + providers("c", 10) + providers("c", 4, kind=PRIVATE)
    cells = shown(facts)
    assert total(Measure.COMPLIANT, PRIVATE) not in cells
    assert not (total(Measure.COMPLIANT) in cells and total(Measure.COMPLIANT, INSTITUTION) in cells)


def test_a_kind_that_is_the_whole_network_is_shown_once_as_the_network_total():
    facts = providers("a", 4) + providers("b", 4) + providers("c", 4)
    cells = shown(facts)
    assert total(Measure.COMPLIANT) in cells
    assert total(Measure.COMPLIANT, INSTITUTION) not in cells


def test_the_callers_own_figure_stands_beside_the_networks():
    facts = []
    for town in "abcd":
        facts += providers(town, 4) + providers(town, 4, band="poor", start=10)
    cell = shown(facts, caller="a")[total(Measure.UNDER_CONCERN)]
    assert (cell.network.providers, cell.network.value) == (32, 50.0)
    assert (cell.own.providers, cell.own.count, cell.own.value) == (8, 4, 50.0)


def test_names_stand_beside_totals_of_members_that_agreed_never_beside_a_band():
    facts = []
    for town in "abcd":
        facts += providers(town, 4, band="good") + providers(town, 4, band="adequate", start=4)
    cells = {c.key: c for c in benchmark_table(facts, DEFAULT, "a", named=["b"])}
    assert cells[total(Measure.COMPLIANT)].named == ("b",)
    assert cells[total(Measure.BANDS, band="good")].named == ()


def test_a_providers_facts_use_the_report_deadline_of_its_municipalitys_policy():
    policy = SupervisionPolicy()
    days = policy.deadlines.report_published_days
    window = Window(date(2025, 1, 1), date(2025, 12, 31))
    held = date(2025, 3, 3)
    result = AssessmentFact("p", None, INSTITUTION, held, "good", ConcernLevel.NONE, 75.0)
    reports = [
        ReportFact("p", INSTITUTION, held, date.fromordinal(held.toordinal() + days)),
        ReportFact("p", INSTITUTION, held, date.fromordinal(held.toordinal() + days + 1)),
    ]
    (fact,) = provider_facts(
        "a", policy, window, date(2025, 12, 31), kinds={"p": INSTITUTION}, latest={"p": result}, reports=reports
    )
    assert (fact.band_key, fact.reports_judged, fact.reports_in_time) == ("good", 2, 1)


def test_in_a_network_of_three_a_member_sees_figures_only_when_m_is_two():
    # The network's figure less the member's own must rest on m municipalities: two others are enough only at m = 2.
    facts = providers("a", 10) + providers("b", 10) + providers("c", 10)
    assert shown(facts, caller="a") == {}
    assert total(Measure.COMPLIANT) in shown(facts, caller="a", thresholds=BenchmarkThresholds(10, 2))
