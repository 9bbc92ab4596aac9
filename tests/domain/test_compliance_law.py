"""The minimums judged act by act under the law in force on each act's day, and exemption periods."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.compliance import (
    ConcernEpisode,
    Exemption,
    Minimum,
    MinimumStatus,
    ProviderCycle,
    VisitKind,
    check_minimums,
    is_compliant,
)
from domain.errors import DomainError
from domain.policy import ConcernLevel
from tests.domain.test_compliance import POLICY, good_cycle, visit, with_visit

# Done-when 2: a cycle from 2024-06-01 to 2026-05-31, judged after it has ended.
SPANNING = dict(cycle_start=date(2024, 6, 1), cycle_end=date(2026, 5, 31), as_of=date(2026, 8, 1))
DATA = Minimum.DATA_AND_SYSTEMATIC_OBSERVATION


def spanning_cycle(*visits, **changes) -> ProviderCycle:
    values = {"visits": visits, "concerns": (), "last_published_report_on": {"provider": date(2025, 6, 1)}}
    return good_cycle(**SPANNING, **{**values, **changes})


def verdict_of(cycle: ProviderCycle, minimum: Minimum, exemptions=()):
    return next(v for v in check_minimums(cycle, POLICY, exemptions) if v.minimum == minimum)


def observed(held_on: date, **changes):
    """An announced visit with systematic observation that drew on key figures, but not on the earlier report."""
    values = {"data_sources": ("systematic_observation", "key_figures"), "earlier_reports": ("r-2023",)}
    return visit("v-observed", VisitKind.ANNOUNCED, held_on, **{**values, **changes})


def test_a_visit_in_2024_without_the_earlier_report_among_its_data_fails_the_2022_data_duty():
    got = verdict_of(spanning_cycle(observed(date(2024, 10, 1))), DATA)
    assert got.status is MinimumStatus.NOT_MET
    assert "r-2023" in got.reason and "(2022)" in got.reason
    assert got.law_versions == ("2022", "2025")  # the visit under 2022, the cycle's observation duty under 2025


def test_the_same_visit_in_2025_meets_the_2025_duty_of_relevant_data():
    got = verdict_of(spanning_cycle(observed(date(2025, 3, 4))), DATA)
    assert got.status is MinimumStatus.MET, got.reason
    assert got.law_versions == ("2025",)
    assert got.label_da.startswith("Relevante data")


def test_a_visit_in_2024_that_shows_its_earlier_report_meets_the_2022_duty():
    shown = observed(date(2024, 10, 1), data_sources=("systematic_observation", "earlier_report"))
    assert verdict_of(spanning_cycle(shown), DATA).status is MinimumStatus.MET


def test_under_2022_earlier_dialogue_and_intensified_supervision_must_feed_the_visit_and_not_under_2025():
    before = dict(data_sources=("earlier_report",), earlier_dialogues=("v-2023",), earlier_escalations=("is-2023",))
    in_2024 = verdict_of(spanning_cycle(observed(date(2024, 10, 1), **before)), DATA)
    assert in_2024.status is MinimumStatus.NOT_MET
    assert "earlier dialogue(s) (v-2023)" in in_2024.reason
    assert "earlier intensified supervision (is-2023)" in in_2024.reason
    in_2025 = verdict_of(spanning_cycle(observed(date(2025, 3, 4), **before)), DATA)
    assert in_2025.status is MinimumStatus.MET


def test_a_visit_without_any_recorded_data_fails_both_versions():
    for held_on in (date(2024, 10, 1), date(2025, 3, 4)):
        got = verdict_of(spanning_cycle(observed(held_on, data_sources=())), DATA)
        assert got.status is MinimumStatus.NOT_MET
        assert "drew on no recorded data" in got.reason


def test_the_publication_duty_is_cited_as_in_force_at_the_cycles_end_and_each_visits_report_at_its_day():
    cycle = spanning_cycle(observed(date(2024, 10, 1), data_sources=("earlier_report",)))
    got = verdict_of(cycle, Minimum.WRITTEN_PUBLISHED_DOCUMENTATION)
    assert got.legal_reference == (
        "dagtilbudsloven §5, stk. 3, og §5b, stk. 2 (2022); dagtilbudsloven §5, stk. 2, og §5b, stk. 2 (2025)"
    )
    before_2025 = replace(cycle, as_of=date(2024, 12, 1))
    early = verdict_of(before_2025, Minimum.WRITTEN_PUBLISHED_DOCUMENTATION)
    assert early.legal_reference == "dagtilbudsloven §5, stk. 3, og §5b, stk. 2"
    assert early.law_versions == ("2022",)


def test_a_concern_is_judged_under_the_law_of_the_day_it_was_raised():
    concern = ConcernEpisode(concern=ConcernLevel.CONCERN, raised_on=date(2024, 11, 5))
    got = verdict_of(spanning_cycle(concerns=(concern,)), Minimum.INTENSIFIED_ON_CONCERN)
    assert got.law_versions == ("2022",)
    assert got.status is MinimumStatus.NOT_MET


# --- exemptions (done-when 4) ---------------------------------------------------------------------------------

WELFARE = Exemption("ex-1", "Velfærdsaftale for dagtilbud", date(2024, 1, 1), date(2025, 7, 31))
CURRICULUM = Minimum.CURRICULUM_FOUNDATION


def test_inside_an_exemption_a_missed_minimum_is_not_required_by_law_and_the_policy_still_speaks():
    cycle = with_visit(good_cycle(), "v-announced", based_on_curriculum=False)  # visits 2024-03-05, 2025-02-10
    got = verdict_of(cycle, CURRICULUM, (WELFARE,))
    assert got.status is MinimumStatus.NOT_REQUIRED_BY_LAW
    assert got.policy_status is MinimumStatus.NOT_MET
    assert got.exemption_ids == ("ex-1",)
    assert "Velfærdsaftale for dagtilbud (2024-01-01 to 2025-07-31)" in got.reason
    assert "Under the municipality's policy: ikke opfyldt" in got.reason
    assert is_compliant((got,))
    assert verdict_of(cycle, CURRICULUM).status is MinimumStatus.NOT_MET  # without the exemption


def test_after_an_exemption_the_verdicts_are_normal_again():
    late = visit("v-late", VisitKind.UNANNOUNCED, date(2025, 9, 1), based_on_curriculum=False)
    cycle = replace(good_cycle(), visits=(*good_cycle().visits, late))
    got = verdict_of(cycle, CURRICULUM, (WELFARE,))
    assert got.status is MinimumStatus.NOT_MET
    assert "v-late" in got.reason
    assert got.policy_status is MinimumStatus.NOT_MET  # the visits inside the exemption were reported by policy
    later_cycle = good_cycle(cycle_start=date(2025, 8, 1), cycle_end=date(2027, 7, 31), visits=(late,), concerns=())
    after = verdict_of(replace(later_cycle, as_of=date(2027, 9, 1)), CURRICULUM, (WELFARE,))
    assert (after.status, after.policy_status, after.exemption_ids) == (MinimumStatus.NOT_MET, None, ())


def test_the_cycles_own_duty_follows_the_exemption_at_the_cycles_end():
    short = replace(good_cycle(), visits=good_cycle().visits[:1])  # one announced visit, no unannounced one
    kinds = Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS
    ends_inside = replace(short, cycle_end=date(2025, 6, 30), as_of=date(2025, 7, 15))
    assert verdict_of(ends_inside, kinds, (WELFARE,)).status is MinimumStatus.NOT_REQUIRED_BY_LAW
    assert verdict_of(ends_inside, kinds, (WELFARE,)).policy_status is MinimumStatus.NOT_MET
    assert verdict_of(short, kinds, (WELFARE,)).status is MinimumStatus.NOT_MET  # ends 2025-12-31, after it


def test_an_exemption_covers_only_the_minimums_it_names():
    narrow = replace(WELFARE, minimums=frozenset({Minimum.IMPARTIALITY}))
    cycle = with_visit(good_cycle(), "v-announced", based_on_curriculum=False, supervisor_impartial=False)
    assert verdict_of(cycle, CURRICULUM, (narrow,)).status is MinimumStatus.NOT_MET
    assert verdict_of(cycle, Minimum.IMPARTIALITY, (narrow,)).status is MinimumStatus.NOT_REQUIRED_BY_LAW


def test_a_met_minimum_inside_an_exemption_is_still_not_required_by_law_and_met_by_policy():
    got = verdict_of(good_cycle(), CURRICULUM, (WELFARE,))
    assert (got.status, got.policy_status) == (MinimumStatus.NOT_REQUIRED_BY_LAW, MinimumStatus.MET)
    assert [e.id for e in got.evidence] == ["v-announced", "v-unannounced"]


def test_not_applicable_stays_not_applicable_inside_an_exemption():
    got = verdict_of(good_cycle(concerns=()), Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN, (WELFARE,))
    assert got.status is MinimumStatus.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("first", "last", "minimums", "location"),
    [
        pytest.param(date(2025, 1, 2), date(2025, 1, 1), frozenset(Minimum), "last_day", id="ends-before-it-starts"),
        pytest.param(date(2025, 1, 1), date(2025, 1, 1), frozenset(), "minimums", id="covers-nothing"),
    ],
)
def test_an_exemption_must_be_a_period_that_covers_something(first, last, minimums, location):
    with pytest.raises(DomainError) as caught:
        Exemption("x", "Velfærdsaftale", first, last, minimums)
    assert caught.value.violations[0].location == location
