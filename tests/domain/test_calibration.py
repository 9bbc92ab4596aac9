"""Supervisor calibration: each supervisor against the others on comparable providers, and the flag."""

from __future__ import annotations

import statistics

from hypothesis import given
from hypothesis import strategies as st

from domain.calibration import (
    MINIMUM_ASSESSMENTS,
    THRESHOLD_POINTS,
    Assessed,
    ScoringDirection,
    compare_with_others,
    flag,
    own_differences,
    quartiles,
)
from domain.instruments import DEMO_INSTRUMENT
from domain.own_observations import compare

INSTITUTION, DAGPLEJE = "municipal_institution", "municipal_childminding"
ITEMS = [item.key for item in DEMO_INSTRUMENT.items()]


def led(supervisor: str, percents: list[float | None], kind: str = INSTITUTION, quartile: int | None = None):
    return [Assessed(supervisor, kind, quartile, p, None if p is None else "god") for p in percents]


def test_a_supervisor_scoring_twenty_points_below_the_others_on_the_same_kind_is_flagged_lower():
    results = compare_with_others(led("strict", [55.0] * 5) + led("a", [75.0] * 5) + led("b", [75.0] * 5))
    strict = results["strict"]
    assert (strict.mean_difference, strict.compared, strict.flagged) == (-20.0, 5, True)
    assert strict.direction is ScoringDirection.LOWER
    # Their colleagues are measured against everyone else, the strict one included: +10 is not beyond the threshold.
    assert results["a"].mean_difference == 10.0
    assert not results["a"].flagged


def test_a_large_difference_on_fewer_than_the_minimum_of_assessments_is_not_flagged():
    results = compare_with_others(led("new", [50.0] * (MINIMUM_ASSESSMENTS - 1)) + led("a", [80.0] * 6))
    assert results["new"].mean_difference == -30.0
    assert not results["new"].flagged
    assert results["new"].direction is None


def test_the_flag_needs_more_than_the_threshold_either_way():
    assert flag(-THRESHOLD_POINTS, 10) is None
    assert flag(THRESHOLD_POINTS + 0.1, MINIMUM_ASSESSMENTS) is ScoringDirection.HIGHER
    assert flag(-(THRESHOLD_POINTS + 0.1), MINIMUM_ASSESSMENTS) is ScoringDirection.LOWER
    assert flag(None, 50) is None


def test_only_providers_of_the_same_kind_are_compared():
    # The dagpleje consultant scores the dagpleje as the others score institutions: nothing to compare it with.
    results = compare_with_others(led("dagpleje", [40.0] * 6, DAGPLEJE) + led("a", [80.0] * 6) + led("b", [80.0] * 6))
    assert results["dagpleje"].compared == 0
    assert results["dagpleje"].mean_difference is None
    assert results["dagpleje"].mean_percent == 40.0
    assert not results["dagpleje"].flagged


def test_a_supervisor_who_visits_the_weaker_quartile_is_compared_within_it_and_not_flagged():
    # The others score quartile 1 at 50 and quartile 4 at 80; the supervisor visits quartile 1 only and scores 50.
    others = led("a", [50.0] * 3, quartile=1) + led("a", [80.0] * 6, quartile=4) + led("b", [80.0] * 6, quartile=4)
    results = compare_with_others(led("s", [50.0] * 6, quartile=1) + others)
    assert (results["s"].mean_difference, results["s"].compared_by_quartile) == (0.0, 6)
    assert not results["s"].flagged


def test_a_quartile_with_too_few_of_the_others_assessments_falls_back_to_the_whole_kind():
    results = compare_with_others(
        led("s", [50.0] * 6, quartile=1) + led("a", [70.0] * 2, quartile=1) + led("b", [80.0] * 6, quartile=4)
    )
    # Quartile 1 holds two of the others' assessments only: the reference is the kind, (2 x 70 + 6 x 80) / 8 = 77.5.
    assert results["s"].mean_difference == -27.5
    assert results["s"].compared_by_quartile == 0


def test_assessments_without_a_percent_are_counted_but_never_compared():
    results = compare_with_others(led("s", [None, None, 60.0]) + led("a", [60.0] * 5))
    assert (results["s"].led, results["s"].with_percent, results["s"].compared) == (3, 1, 1)


def test_the_spread_is_the_standard_deviation_of_the_differences():
    results = compare_with_others(led("s", [60.0, 70.0, 80.0]) + led("a", [70.0] * 4))
    assert (results["s"].mean_difference, results["s"].spread) == (0.0, 10.0)
    assert compare_with_others(led("s", [60.0]) + led("a", [70.0] * 4))["s"].spread is None


def test_the_band_distribution_counts_each_band():
    rows = [Assessed("s", INSTITUTION, None, 92.0, "fremragende"), *led("s", [75.0, 80.0])]
    assert dict(compare_with_others(rows)["s"].bands) == {"fremragende": 1, "god": 2}


def test_quartiles_need_enough_providers_and_equal_values_share_one():
    assert quartiles({"a": 1.0, "b": 2.0}) == {}
    grouped = quartiles({str(i): float(i) for i in range(8)} | {"tie": 0.0})
    assert grouped["0"] == grouped["tie"] == 1
    assert grouped["7"] == 4
    assert sorted(set(grouped.values())) == [1, 2, 3, 4]


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=8, max_size=60))
def test_every_quartile_is_one_to_four_and_follows_the_value(values: list[float]):
    grouped = quartiles(dict(enumerate(values)))
    assert set(grouped.values()) <= {1, 2, 3, 4}
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            if a < b:
                assert grouped[i] <= grouped[j]


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=12))
def test_the_quartile_never_changes_a_supervisors_own_mean_or_bands(percents: list[float]):
    plain = compare_with_others(led("s", list(percents)))["s"]
    grouped = compare_with_others(led("s", list(percents), quartile=2))["s"]
    assert (plain.mean_percent, dict(plain.bands), plain.led) == (
        grouped.mean_percent,
        dict(grouped.bands),
        grouped.led,
    )


def test_the_difference_from_own_observations_is_supervisor_minus_own_per_area():
    # Supervisor scores every item 4 (75 %), the provider its own 2 (25 %): +50 points on every area.
    visit = compare(DEMO_INSTRUMENT, [dict.fromkeys(ITEMS, 4)], [dict.fromkeys(ITEMS, 2)])
    same = compare(DEMO_INSTRUMENT, [dict.fromkeys(ITEMS, 3)], [dict.fromkeys(ITEMS, 3)])
    result = own_differences([visit, same])
    assert result.visits == 2
    assert [a.key for a in result.areas] == [a.key for a in DEMO_INSTRUMENT.areas]
    assert {(a.visits, a.mean_difference) for a in result.areas} == {(2, 25.0)}


def test_a_visit_whose_own_observations_scored_nothing_is_not_compared():
    unscored = compare(DEMO_INSTRUMENT, [dict.fromkeys(ITEMS, 4)], [])
    result = own_differences([unscored])
    assert (result.visits, result.areas) == (0, ())


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=2, max_size=30))
def test_the_spread_is_the_sample_standard_deviation_to_one_decimal(percents: list[float]):
    spread = compare_with_others(led("s", percents) + led("a", [50.0] * 3))["s"].spread
    assert spread is not None
    assert abs(spread - statistics.stdev(percents)) <= 0.051
