"""A provider's cycles and deadlines: fixed calendar days, one rule for the last day in time, and who must publish."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from domain.compliance import Minimum, MinimumStatus, ProviderCycle, VisitFact, check_minimums
from domain.cycle import (
    Cycle,
    DueStatus,
    ReportGround,
    VisitKind,
    cycle_end,
    cycle_on,
    cycle_origin,
    due_after,
    due_status,
    last_day_in_time,
    report_due,
    report_ground,
)
from domain.due import DueKind, due_dates
from domain.errors import DomainError
from domain.law import law_in_force
from domain.policy import SupervisionPolicy
from domain.providers import ProviderKind

POLICY = SupervisionPolicy()  # 24-month cycles, a 30-day warning window


# --- the last day in time -------------------------------------------------------------------------------------


def test_the_last_day_in_time_of_a_period_is_its_inclusive_end():
    assert last_day_in_time(date(2026, 6, 15), months=24) == date(2028, 6, 14) == cycle_end(date(2026, 6, 15), 24)
    assert last_day_in_time(date(2026, 6, 15), days=1) == date(2026, 6, 15)
    assert due_after(date(2026, 6, 1), days=30) == date(2026, 7, 1)  # 30 days after the visit
    assert due_after(date(2024, 1, 1), months=24) == date(2026, 1, 1)  # two years after the last report
    for bad in ({}, {"months": 1, "days": 1}, {"days": -3}):
        with pytest.raises(DomainError):
            last_day_in_time(date(2026, 1, 1), **bad)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        pytest.param(date(2026, 5, 15), DueStatus.UPCOMING, id="thirty-one-days-before"),
        pytest.param(date(2026, 5, 16), DueStatus.DUE_SOON, id="thirty-days-before"),
        pytest.param(date(2026, 6, 15), DueStatus.DUE_SOON, id="on-the-due-day"),
        pytest.param(date(2026, 6, 16), DueStatus.OVERDUE, id="the-day-after"),
    ],
)
def test_a_deadline_is_due_soon_within_the_warning_window_and_overdue_the_day_after(today: date, status: DueStatus):
    assert due_status(date(2026, 6, 15), today, POLICY.deadlines.due_soon_days) is status


# --- cycles ---------------------------------------------------------------------------------------------------


def test_a_cycle_starts_on_the_set_day_else_the_first_visit_after_registration_else_registration():
    registered = date(2026, 1, 10)
    assert cycle_origin(registered, 24) == registered
    assert cycle_origin(registered, 24, first_visit=date(2026, 3, 2)) == date(2026, 3, 2)
    assert cycle_origin(registered, 24, set_start=date(2025, 8, 1), first_visit=date(2026, 3, 2)) == date(2025, 8, 1)
    # A visit before registration, or one after the first cycle had already ended, moves nothing.
    assert cycle_origin(registered, 24, first_visit=date(2025, 12, 1)) == registered
    assert cycle_origin(registered, 24, first_visit=date(2028, 1, 10)) == registered


def test_cycles_follow_on_without_gaps_and_each_day_belongs_to_exactly_one():
    origin = date(2024, 1, 31)
    assert cycle_on(origin, 24, date(2020, 1, 1)) == Cycle(origin, date(2026, 1, 30), None)
    assert cycle_on(origin, 24, date(2026, 1, 30)) == Cycle(origin, date(2026, 1, 30), None)
    assert cycle_on(origin, 24, date(2026, 1, 31)) == Cycle(date(2026, 1, 31), date(2028, 1, 30), origin)
    day, previous = origin, None
    while day < date(2026, 12, 31):
        cycle = cycle_on(origin, 1, day)
        if previous is not None and previous != cycle:
            assert cycle.start == previous.end + timedelta(days=1)
            assert cycle.previous_start == previous.start
        previous, day = cycle, day + timedelta(days=1)


def test_the_next_cycle_visit_keeps_its_date_from_one_day_to_the_next_and_turns_due_soon_then_overdue():
    registered = date(2026, 6, 15)
    origin = cycle_origin(registered, POLICY.cycle_months)
    seen = {}
    for today in (registered, registered + timedelta(days=1), date(2028, 5, 15), date(2028, 6, 14), date(2028, 6, 15)):
        cycle = cycle_on(origin, POLICY.cycle_months, today)
        facts = ProviderCycle(
            provider_id="p",
            kind=ProviderKind.MUNICIPAL_INSTITUTION,
            unit_ids=(),
            cycle_start=cycle.start,
            cycle_end=cycle.end,
            previous_cycle_start=cycle.previous_start,
            report_due_from={"provider": origin},
            as_of=today,
        )
        seen[today] = {
            (d.what, d.due, d.status) for d in due_dates(facts, POLICY) if d.what != DueKind.UNANNOUNCED_VISIT
        }
    last_day = date(2028, 6, 14)
    upcoming = {(k, last_day, DueStatus.UPCOMING) for k in (DueKind.ANNOUNCED_VISIT, DueKind.REPORT_PUBLICATION)}
    assert seen[registered] == seen[registered + timedelta(days=1)] == upcoming
    assert {s for _, _, s in seen[date(2028, 5, 15)]} == {DueStatus.DUE_SOON}
    assert {s for _, _, s in seen[last_day]} == {DueStatus.DUE_SOON}
    # The day after: the visit the cycle lacked and the report are overdue on the same, unchanged day.
    assert {(d, s) for _, d, s in seen[date(2028, 6, 15)]} == {(last_day, DueStatus.OVERDUE)}


def test_a_visit_held_today_counts_for_the_cycle():
    today = date(2026, 9, 1)
    held = VisitFact(id="v", kind=VisitKind.ANNOUNCED, held_on=today, systematic_observation=True)
    facts = ProviderCycle(
        provider_id="p",
        kind=ProviderKind.MUNICIPAL_INSTITUTION,
        unit_ids=(),
        cycle_start=date(2026, 6, 15),
        cycle_end=date(2028, 6, 14),
        visits=(held,),
        as_of=today,
    )
    announced = next(d for d in due_dates(facts, POLICY) if d.what == DueKind.ANNOUNCED_VISIT)
    assert announced.due == date(2030, 6, 14)  # held in this cycle: due again by the end of the next


# --- who must publish ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(ProviderKind))
@pytest.mark.parametrize("day", [date(2024, 11, 15), date(2025, 2, 3)])
def test_the_report_duty_of_the_law_covers_institutions_the_dagpleje_and_puljeordninger(kind: ProviderKind, day):
    outside = {ProviderKind.PRIVATE_CHILDMINDING, ProviderKind.SPECIAL_DAYCARE}
    assert (kind in law_in_force(day).report_kinds) is (kind not in outside)  # one rule: the law's data
    assert report_ground(kind, POLICY, day) is (ReportGround.NONE if kind in outside else ReportGround.LAW)
    asking = replace(POLICY, policy_report_kinds=tuple(outside))
    assert report_ground(kind, asking, day) is (ReportGround.POLICY if kind in outside else ReportGround.LAW)


def test_the_ground_of_a_report_due_cites_the_report_duty_as_numbered_on_its_day():
    assert ReportGround.LAW.label_on(date(2024, 12, 31)) == "lovkrav (dagtilbudsloven §5, stk. 3)"
    assert ReportGround.LAW.label_on(date(2025, 1, 1)) == "lovkrav (dagtilbudsloven §5, stk. 2)"
    assert ReportGround.POLICY.label_on(date(2025, 1, 1)) == "kommunens tilsynspolitik"


def test_a_puljeordning_has_a_danish_label():
    assert ProviderKind.PULJEORDNING.label_da == "puljeordning"


def test_a_private_pasningsordning_has_no_report_due_unless_the_policy_asks_for_one():
    facts = ProviderCycle(
        provider_id="p",
        kind=ProviderKind.PRIVATE_CHILDMINDING,
        unit_ids=(),
        cycle_start=date(2024, 1, 1),
        cycle_end=date(2025, 12, 31),
        as_of=date(2026, 6, 1),
    )
    assert DueKind.REPORT_PUBLICATION not in {d.what for d in due_dates(facts, POLICY)}
    documentation = {v.minimum: v.status for v in check_minimums(facts, POLICY)}[
        Minimum.WRITTEN_PUBLISHED_DOCUMENTATION
    ]
    assert documentation is MinimumStatus.NOT_APPLICABLE
    asking = replace(POLICY, policy_report_kinds=(ProviderKind.PRIVATE_CHILDMINDING,))
    report = next(d for d in due_dates(facts, asking) if d.what == DueKind.REPORT_PUBLICATION)
    assert (report.due, report.overdue, report.ground) == (date(2025, 12, 31), True, ReportGround.POLICY)


def test_a_report_is_due_a_cycle_after_its_first_publication_or_by_the_end_of_the_first_cycle():
    assert report_due(date(2026, 6, 15), 24, None) == date(2028, 6, 14)
    assert report_due(date(2020, 1, 1), 24, date(2025, 3, 1)) == date(2027, 3, 1)


def test_a_visit_the_previous_cycle_lacked_stays_overdue_from_its_last_day_until_one_is_held():
    facts = ProviderCycle(
        provider_id="p",
        kind=ProviderKind.MUNICIPAL_INSTITUTION,
        unit_ids=(),
        cycle_start=date(2026, 1, 1),
        cycle_end=date(2027, 12, 31),
        previous_cycle_start=date(2024, 1, 1),
        visits=(VisitFact(id="u", kind=VisitKind.UNANNOUNCED, held_on=date(2025, 5, 1)),),
        as_of=date(2026, 2, 1),
    )
    got = {d.what: d for d in due_dates(facts, POLICY)}
    assert (got[DueKind.ANNOUNCED_VISIT].due, got[DueKind.ANNOUNCED_VISIT].overdue) == (date(2025, 12, 31), True)
    assert (got[DueKind.UNANNOUNCED_VISIT].due, got[DueKind.UNANNOUNCED_VISIT].overdue) == (date(2027, 12, 31), False)


# --- follow-up dialogues --------------------------------------------------------------------------------------


def test_the_follow_up_dialogue_is_no_1_after_an_announced_visit_and_no_2_after_any_other():
    assert VisitKind.ANNOUNCED.follow_up_dialogue_number == 1
    assert VisitKind.UNANNOUNCED.follow_up_dialogue_number == 2
    assert VisitKind.INTENSIFIED.follow_up_dialogue_number == 2
