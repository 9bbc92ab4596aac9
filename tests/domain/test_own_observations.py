"""The provider's own observations: the period beside a visit, and the comparison with the supervisor's."""

from __future__ import annotations

from datetime import date

import pytest

from domain.instruments import DEMO_INSTRUMENT, pool
from domain.own_observations import DIFFERENCE_THRESHOLD, compare, difference, differs, period_of_visit

ITEMS = [item.key for item in DEMO_INSTRUMENT.items()]


def all_scored(value: int) -> dict[str, int | None]:
    return dict.fromkeys(ITEMS, value)


def test_an_own_observation_on_the_day_of_the_visit_sits_beside_it_and_not_beside_the_next():
    this_visit = period_of_visit(date(2026, 5, 1), previous_held_on=date(2025, 5, 1))
    next_visit = period_of_visit(date(2027, 5, 1), previous_held_on=date(2026, 5, 1))
    assert this_visit.contains(date(2026, 5, 1))
    assert not next_visit.contains(date(2026, 5, 1))
    assert next_visit.contains(date(2026, 5, 2))


def test_an_own_observation_before_the_previous_visit_is_not_beside_this_one():
    period = period_of_visit(date(2026, 5, 1), previous_held_on=date(2025, 5, 1))
    assert not period.contains(date(2025, 5, 1))
    assert not period.contains(date(2024, 12, 1))


def test_a_visit_not_yet_held_takes_everything_since_the_previous_visit():
    period = period_of_visit(None, previous_held_on=date(2025, 5, 1))
    assert period.contains(date(2026, 11, 1))
    assert not period.contains(date(2025, 4, 30))


def test_without_a_previous_visit_there_is_no_lower_limit():
    assert period_of_visit(date(2026, 5, 1), None).contains(date(2019, 1, 1))


def test_a_previous_visit_after_this_one_is_refused():
    with pytest.raises(ValueError):
        period_of_visit(date(2026, 5, 1), previous_held_on=date(2026, 5, 1))


def test_a_difference_of_more_than_fifteen_points_is_flagged_and_fifteen_is_not():
    assert DIFFERENCE_THRESHOLD == 15
    assert differs(difference(50.0, 65.1))
    assert differs(difference(65.1, 50.0))
    assert not differs(difference(50.0, 65.0))
    assert not differs(difference(None, 90.0))


def test_each_area_and_theme_is_compared_with_the_assessments_own_percents():
    supervisor = [all_scored(4)]  # 75 % everywhere
    own = [all_scored(5), {ITEMS[0]: 1}]  # pooled: the first theme lower than the others
    comparison = compare(DEMO_INSTRUMENT, supervisor, own)
    ours, theirs = pool(DEMO_INSTRUMENT, supervisor, 1), pool(DEMO_INSTRUMENT, own, 1)
    assert [p.supervisor_percent for p in comparison.themes] == [t.display_percent for t in ours.themes]
    assert [p.provider_percent for p in comparison.themes] == [t.display_percent for t in theirs.themes]
    assert [p.provider_percent for p in comparison.areas] == [a.display_percent for a in theirs.areas]
    first, second = comparison.themes[0], comparison.themes[1]
    assert (first.provider_percent, first.difference, first.differs) == (75.0, 0.0, False)  # (4 + 4 + 4 + 0) / 16
    assert (second.provider_percent, second.difference, second.differs) == (100.0, 25.0, True)
    assert (first.supervisor_scored, first.provider_scored) == (3, 4)


def test_a_part_only_one_side_scored_has_no_difference_and_no_flag():
    comparison = compare(DEMO_INSTRUMENT, [all_scored(3)], [])
    assert all(p.provider_percent is None and p.difference is None and not p.differs for p in comparison.themes)
