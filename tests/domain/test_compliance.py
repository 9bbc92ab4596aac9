"""The nine legal minimums per provider and cycle, and what is due when: plain data in, verdicts out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest

from domain.assessment import assess
from domain.compliance import (
    ConcernEpisode,
    Evidence,
    EvidenceKind,
    Minimum,
    MinimumStatus,
    ProviderCycle,
    VisitFact,
    VisitKind,
    check_minimums,
    is_compliant,
)
from domain.cycle import DueStatus, ReportGround, add_months, cycle_end, next_cycle_start, required_report_scopes
from domain.due import DueItem, DueKind, due_dates
from domain.errors import DomainError
from domain.escalation import ActionKind, EscalationState, decide
from domain.law import Minimum as LawMinimum
from domain.policy import ConcernLevel, SupervisionPolicy
from domain.providers import ProviderKind

POLICY = SupervisionPolicy()  # Kolding: a 24-month cycle, one announced and one unannounced visit
START = date(2024, 1, 1)
END = cycle_end(START, POLICY.cycle_months)  # 2025-12-31
AFTER = date(2026, 3, 1)  # every deadline of the cycle has passed
MET, NOT_MET, PENDING, NOT_APPLICABLE = (
    MinimumStatus.MET,
    MinimumStatus.NOT_MET,
    MinimumStatus.PENDING,
    MinimumStatus.NOT_APPLICABLE,
)


def visit(visit_id: str, kind: VisitKind, held_on: date, **changes) -> VisitFact:
    """A visit that does everything the law asks, within the default deadlines."""
    good = VisitFact(
        id=visit_id,
        kind=kind,
        held_on=held_on,
        systematic_observation=kind == VisitKind.ANNOUNCED,
        based_on_curriculum=True,
        dialogue_with_leadership_and_staff=True,
        follow_up_dialogue_on=held_on + timedelta(days=14),
        supervisor_impartial=True,
        data_sources=("systematic_observation", "earlier_report", "language_assessment"),
        report_published_on=held_on + timedelta(days=40),
    )
    return replace(good, **changes)


def good_cycle(**changes) -> ProviderCycle:
    """An institution that meets all nine minimums, serious concern handled by the book included."""
    cycle = ProviderCycle(
        provider_id="solsikken",
        kind=ProviderKind.MUNICIPAL_INSTITUTION,
        unit_ids=("solsikken-main",),
        cycle_start=START,
        cycle_end=END,
        visits=(
            visit("v-announced", VisitKind.ANNOUNCED, date(2024, 3, 5)),
            visit("v-unannounced", VisitKind.UNANNOUNCED, date(2025, 2, 10)),
        ),
        concerns=(
            ConcernEpisode(
                concern=ConcernLevel.SERIOUS,
                raised_on=date(2024, 3, 5),
                intensified_started_on=date(2024, 3, 5),
                action_plan_approved_on=date(2024, 3, 28),
                action_plan_with_leader=True,
            ),
        ),
        last_published_report_on={"provider": date(2025, 3, 22)},
        as_of=AFTER,
    )
    return replace(cycle, **changes)


def with_visit(cycle: ProviderCycle, visit_id: str, **changes) -> ProviderCycle:
    return replace(cycle, visits=tuple(replace(v, **changes) if v.id == visit_id else v for v in cycle.visits))


def with_concern(cycle: ProviderCycle, **changes) -> ProviderCycle:
    return replace(cycle, concerns=tuple(replace(e, **changes) for e in cycle.concerns))


def statuses(cycle: ProviderCycle, policy: SupervisionPolicy = POLICY) -> dict[Minimum, MinimumStatus]:
    return {v.minimum: v.status for v in check_minimums(cycle, policy)}


def verdict(cycle: ProviderCycle, minimum: Minimum):
    return next(v for v in check_minimums(cycle, POLICY) if v.minimum == minimum)


# --- all nine -------------------------------------------------------------------------------------------------


def test_a_provider_that_does_everything_meets_all_nine_minimums_in_order():
    verdicts = check_minimums(good_cycle(), POLICY)
    assert [v.minimum for v in verdicts] == list(Minimum)
    assert all(v.status == MET for v in verdicts), [(v.minimum, v.reason) for v in verdicts if v.status != MET]
    assert all(v.reason and v.evidence for v in verdicts)
    assert is_compliant(verdicts)


def test_the_evidence_names_what_satisfied_each_minimum():
    by_minimum = {v.minimum: v for v in check_minimums(good_cycle(), POLICY)}
    assert [(e.kind, e.id, e.on) for e in by_minimum[Minimum.IMPARTIALITY].evidence] == [
        (EvidenceKind.VISIT, "v-announced", date(2024, 3, 5)),
        (EvidenceKind.VISIT, "v-unannounced", date(2025, 2, 10)),
    ]
    assert [(e.kind, e.id, e.on) for e in by_minimum[Minimum.FOLLOW_UP_DIALOGUE].evidence] == [
        (EvidenceKind.FOLLOW_UP_DIALOGUE, "v-announced", date(2024, 3, 19)),
        (EvidenceKind.FOLLOW_UP_DIALOGUE, "v-unannounced", date(2025, 2, 24)),
    ]
    assert Evidence(EvidenceKind.REPORT, "provider", date(2025, 3, 22), "provider") in (
        by_minimum[Minimum.WRITTEN_PUBLISHED_DOCUMENTATION].evidence
    )
    assert by_minimum[Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN].evidence == (
        Evidence(EvidenceKind.ACTION_PLAN, "2024-03-05", date(2024, 3, 28)),
    )


def test_every_verdict_has_a_danish_label_and_cites_the_law_of_its_acts():
    for v in check_minimums(good_cycle(), POLICY):
        assert v.label_da and v.legal_reference.startswith("dagtilbudsloven §"), v
    by_minimum = {v.minimum: v for v in check_minimums(good_cycle(), POLICY)}
    assert by_minimum[Minimum.CURRICULUM_FOUNDATION].legal_reference == "dagtilbudsloven §5a, stk. 1"
    # A visit in 2024 and one in 2025: both versions applied, the paragraph the same.
    assert by_minimum[Minimum.CURRICULUM_FOUNDATION].law_versions == ("2022", "2025")
    assert MinimumStatus.NOT_MET.label_da == "ikke opfyldt"
    assert MinimumStatus.NOT_REQUIRED_BY_LAW.label_da == "ikke lovkrav i perioden"
    assert VisitKind.INTENSIFIED.label_da == "skærpet"


def test_minimum_is_the_one_of_the_law_data():
    assert Minimum is LawMinimum


MISSES: dict[Minimum, Callable[[ProviderCycle], ProviderCycle]] = {
    Minimum.CURRICULUM_FOUNDATION: lambda c: with_visit(c, "v-announced", based_on_curriculum=False),
    Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS: lambda c: replace(c, visits=c.visits[:1]),
    Minimum.IMPARTIALITY: lambda c: with_visit(c, "v-unannounced", supervisor_impartial=False),
    Minimum.DATA_AND_SYSTEMATIC_OBSERVATION: lambda c: with_visit(c, "v-unannounced", data_sources=()),
    Minimum.DIALOGUE_WITH_LEADERSHIP_AND_STAFF: lambda c: with_visit(
        c, "v-announced", dialogue_with_leadership_and_staff=False
    ),
    Minimum.FOLLOW_UP_DIALOGUE: lambda c: with_visit(c, "v-unannounced", follow_up_dialogue_on=None),
    Minimum.WRITTEN_PUBLISHED_DOCUMENTATION: lambda c: with_visit(c, "v-unannounced", report_published_on=None),
    Minimum.INTENSIFIED_ON_CONCERN: lambda c: with_concern(c, intensified_started_on=None),
    Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN: lambda c: with_concern(c, action_plan_with_leader=False),
}


def test_there_is_a_miss_for_every_minimum():
    assert set(MISSES) == set(Minimum)


@pytest.mark.parametrize("minimum", list(MISSES), ids=[m.value for m in MISSES])
def test_missing_one_minimum_fails_that_minimum_and_nothing_else(minimum: Minimum):
    cycle = MISSES[minimum](good_cycle())
    got = statuses(cycle)
    assert got[minimum] == NOT_MET, verdict(cycle, minimum).reason
    assert {m: s for m, s in got.items() if m != minimum} == {m: MET for m in Minimum if m != minimum}
    assert not is_compliant(check_minimums(cycle, POLICY))


def test_a_breach_names_the_visit_in_a_sentence():
    cycle = with_visit(good_cycle(), "v-unannounced", supervisor_impartial=False)
    reason = verdict(cycle, Minimum.IMPARTIALITY).reason
    assert reason == "Visit v-unannounced (2025-02-10) is not recorded as led by an impartial supervisor."


def test_an_announced_visit_without_systematic_observation_does_not_count():
    cycle = with_visit(good_cycle(), "v-announced", systematic_observation=False)
    got = verdict(cycle, Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS)
    assert got.status == NOT_MET
    assert "0 of 1 announced" in got.reason and "v-announced" in got.reason
    assert statuses(cycle)[Minimum.DATA_AND_SYSTEMATIC_OBSERVATION] == NOT_MET  # no observation in the cycle at all


def test_a_policy_asking_for_two_unannounced_visits_is_not_met_with_one():
    got = statuses(good_cycle(), replace(POLICY, unannounced_visits_per_cycle=2))
    assert got[Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS] == NOT_MET


def test_intensified_visits_count_as_neither_announced_nor_unannounced():
    extra = visit("v-intensified", VisitKind.INTENSIFIED, date(2024, 4, 10))
    cycle = replace(good_cycle(), visits=(good_cycle().visits[0], extra))
    assert statuses(cycle)[Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS] == NOT_MET


# --- pending and deadlines ------------------------------------------------------------------------------------

UNANNOUNCED_ON = date(2025, 2, 10)
FOLLOW_UP_DUE = UNANNOUNCED_ON + timedelta(days=POLICY.deadlines.follow_up_dialogue_days)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        pytest.param(UNANNOUNCED_ON + timedelta(days=1), PENDING, id="the-day-after-the-visit"),
        pytest.param(FOLLOW_UP_DUE, PENDING, id="on-the-deadline-day"),
        pytest.param(FOLLOW_UP_DUE + timedelta(days=1), NOT_MET, id="the-day-after-the-deadline"),
    ],
)
def test_a_missing_follow_up_dialogue_is_pending_until_its_deadline_passes(as_of: date, expected: MinimumStatus):
    cycle = replace(with_visit(good_cycle(), "v-unannounced", follow_up_dialogue_on=None), as_of=as_of)
    got = verdict(cycle, Minimum.FOLLOW_UP_DIALOGUE)
    assert got.status == expected
    assert FOLLOW_UP_DUE.isoformat() in got.reason


def test_a_follow_up_dialogue_after_the_deadline_is_not_met_even_though_it_happened():
    late = FOLLOW_UP_DUE + timedelta(days=3)
    got = verdict(with_visit(good_cycle(), "v-unannounced", follow_up_dialogue_on=late), Minimum.FOLLOW_UP_DIALOGUE)
    assert got.status == NOT_MET
    assert "after the deadline" in got.reason


def test_a_fresh_cycle_without_visits_is_pending_and_fails_once_the_cycle_has_ended():
    fresh = good_cycle(visits=(), concerns=(), last_published_report_on={}, as_of=date(2024, 6, 1))
    got = statuses(fresh)
    assert got[Minimum.INTENSIFIED_ON_CONCERN] == got[Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN] == NOT_APPLICABLE
    assert {s for m, s in got.items() if s != NOT_APPLICABLE} == {PENDING}
    assert is_compliant(check_minimums(fresh, POLICY))
    ended = statuses(replace(fresh, as_of=END + timedelta(days=1)))
    assert {s for s in ended.values() if s != NOT_APPLICABLE} == {NOT_MET}


def test_a_visit_after_as_of_is_planned_not_held():
    cycle = replace(good_cycle(), as_of=date(2024, 6, 1))  # the unannounced visit (February 2025) lies ahead
    assert statuses(cycle)[Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS] == PENDING


def test_an_action_plan_is_pending_within_its_deadline_and_not_met_after():
    raised = date(2024, 3, 5)
    due = raised + timedelta(days=POLICY.deadlines.action_plan_days)
    waiting = with_concern(good_cycle(), action_plan_approved_on=None)
    assert verdict(replace(waiting, as_of=due), Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN).status == PENDING
    assert verdict(replace(waiting, as_of=due + timedelta(days=1)), Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN).status == (
        NOT_MET
    )


@pytest.mark.parametrize("level", [ConcernLevel.CONCERN, ConcernLevel.SERIOUS], ids=["concern", "serious"])
def test_intensified_supervision_starts_at_once_on_concern_as_escalation_makes_it_due(level):
    raised = date(2024, 3, 5)
    on_time = with_concern(good_cycle(), concern=level, intensified_started_on=raised)
    assert verdict(on_time, Minimum.INTENSIFIED_ON_CONCERN).status == MET
    a_day_late = with_concern(on_time, intensified_started_on=raised + timedelta(days=1))
    assert verdict(a_day_late, Minimum.INTENSIFIED_ON_CONCERN).status == NOT_MET
    # The same day escalation gives its start action: one rule for "at once" (straks).
    start = decide(EscalationState.NORMAL, assess(POLICY, 40 if level is ConcernLevel.CONCERN else 20), raised, POLICY)
    assert start.action(ActionKind.START_INTENSIFIED_SUPERVISION).due == raised
    waiting = replace(with_concern(on_time, intensified_started_on=None), as_of=raised)
    assert verdict(waiting, Minimum.INTENSIFIED_ON_CONCERN).status == PENDING
    assert verdict(replace(waiting, as_of=raised + timedelta(days=1)), Minimum.INTENSIFIED_ON_CONCERN).status == (
        NOT_MET
    )


def test_intensified_supervision_already_running_when_concern_is_raised_counts():
    cycle = with_concern(good_cycle(), intensified_started_on=date(2024, 2, 1))
    assert statuses(cycle)[Minimum.INTENSIFIED_ON_CONCERN] == MET


# --- not applicable -------------------------------------------------------------------------------------------


def test_without_concern_neither_intensified_supervision_nor_an_action_plan_applies():
    got = statuses(good_cycle(concerns=()))
    assert got[Minimum.INTENSIFIED_ON_CONCERN] == got[Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN] == NOT_APPLICABLE
    assert verdict(good_cycle(concerns=()), Minimum.INTENSIFIED_ON_CONCERN).reason == (
        "No concern was raised in the cycle."
    )


def test_plain_concern_needs_intensified_supervision_but_no_action_plan():
    concern = ConcernEpisode(concern=ConcernLevel.CONCERN, raised_on=date(2024, 3, 5))
    got = statuses(good_cycle(concerns=(concern,)))
    assert got[Minimum.INTENSIFIED_ON_CONCERN] == NOT_MET
    assert got[Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN] == NOT_APPLICABLE
    started = replace(concern, intensified_started_on=date(2024, 3, 5))
    assert statuses(good_cycle(concerns=(started,)))[Minimum.INTENSIFIED_ON_CONCERN] == MET


def test_a_concern_raised_outside_the_cycle_does_not_apply_to_it():
    earlier = with_concern(good_cycle(), raised_on=date(2023, 6, 1), action_plan_approved_on=None)
    assert statuses(earlier)[Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN] == NOT_APPLICABLE


# --- published reports: institutions, units and the dagpleje --------------------------------------------------

DAGPLEJERE = tuple(f"dagplejer-{n:02}" for n in range(1, 13))


def dagpleje(**changes) -> ProviderCycle:
    visits = tuple(
        visit(f"v-{unit}", kind, held_on, unit_ids=(unit,), report_scope="combined", report_published_on=None)
        for unit, kind, held_on in (
            (DAGPLEJERE[0], VisitKind.ANNOUNCED, date(2024, 5, 2)),
            (DAGPLEJERE[5], VisitKind.UNANNOUNCED, date(2024, 9, 17)),
            (DAGPLEJERE[11], VisitKind.ANNOUNCED, date(2025, 1, 14)),
        )
    )
    cycle = good_cycle(
        kind=ProviderKind.MUNICIPAL_CHILDMINDING,
        unit_ids=DAGPLEJERE,
        visits=visits,
        last_published_report_on={"combined": date(2025, 3, 1)},
    )
    return replace(cycle, **changes)


def test_a_dagpleje_with_twelve_dagplejere_needs_exactly_one_combined_report():
    assert required_report_scopes(ProviderKind.MUNICIPAL_CHILDMINDING, DAGPLEJERE) == ("combined",)
    reports = [d for d in due_dates(dagpleje(), POLICY) if d.what == DueKind.REPORT_PUBLICATION]
    assert [d.scope for d in reports] == ["combined"]


def test_a_dagpleje_with_one_published_combined_report_is_compliant():
    assert set(statuses(dagpleje()).values()) == {MET}


def test_a_dagpleje_without_its_combined_report_is_not_met():
    got = verdict(dagpleje(last_published_report_on={}), Minimum.WRITTEN_PUBLISHED_DOCUMENTATION)
    assert got.status == NOT_MET
    assert "`combined`" in got.reason


def test_an_institution_with_three_units_needs_three_unit_reports():
    units = ("vuggestuen", "boernehaven", "skovgruppen")
    assert required_report_scopes(ProviderKind.SELF_GOVERNING_INSTITUTION, units) == units
    published = {unit: date(2025, 5, 1) for unit in units}
    three = good_cycle(kind=ProviderKind.SELF_GOVERNING_INSTITUTION, unit_ids=units, last_published_report_on=published)
    two = replace(three, last_published_report_on={u: published[u] for u in units[:2]})
    assert verdict(three, Minimum.WRITTEN_PUBLISHED_DOCUMENTATION).status == MET
    missing = verdict(two, Minimum.WRITTEN_PUBLISHED_DOCUMENTATION)
    assert missing.status == NOT_MET
    assert "`skovgruppen`" in missing.reason and "`vuggestuen`" not in missing.reason


@pytest.mark.parametrize(
    ("kind", "units", "scopes"),
    [
        pytest.param(ProviderKind.MUNICIPAL_INSTITUTION, (), ("provider",), id="institution-without-units"),
        pytest.param(ProviderKind.PRIVATE_INSTITUTION, ("main",), ("provider",), id="institution-with-one-unit"),
        pytest.param(ProviderKind.VILLAGE_SCHEME, ("a", "b"), ("a", "b"), id="village-scheme-with-two-units"),
        pytest.param(ProviderKind.PRIVATE_CHILDMINDING, (), ("provider",), id="private-childminding"),
        pytest.param(ProviderKind.MUNICIPAL_CHILDMINDING, (), ("combined",), id="dagpleje-without-units-yet"),
    ],
)
def test_required_report_scopes(kind: ProviderKind, units: tuple[str, ...], scopes: tuple[str, ...]):
    assert required_report_scopes(kind, units) == scopes


def test_a_report_published_before_the_cycle_does_not_count_for_it():
    cycle = good_cycle(visits=(), last_published_report_on={"provider": date(2023, 11, 1)}, as_of=END + timedelta(1))
    assert verdict(cycle, Minimum.WRITTEN_PUBLISHED_DOCUMENTATION).status == NOT_MET


def test_the_report_of_a_visit_on_the_last_day_of_the_cycle_may_be_published_after_it():
    last_day = visit("v-last", VisitKind.UNANNOUNCED, END, report_published_on=None)
    cycle = good_cycle(visits=(last_day,), last_published_report_on={}, as_of=END + timedelta(days=10))
    waiting = verdict(cycle, Minimum.WRITTEN_PUBLISHED_DOCUMENTATION)
    assert waiting.status == PENDING
    assert "due by 2026-02-25" in waiting.reason  # 56 days after 31 December 2025
    published = with_visit(cycle, "v-last", report_published_on=END + timedelta(days=5))
    assert verdict(published, Minimum.WRITTEN_PUBLISHED_DOCUMENTATION).status == MET
    too_late = replace(cycle, as_of=date(2026, 2, 26))
    assert verdict(too_late, Minimum.WRITTEN_PUBLISHED_DOCUMENTATION).status == NOT_MET


# --- due dates ------------------------------------------------------------------------------------------------


UPCOMING = DueStatus.UPCOMING


def due(cycle: ProviderCycle) -> dict[tuple[str, str], DueItem]:
    return {(d.what, d.scope): d for d in due_dates(cycle, POLICY)}


def test_when_this_cycle_is_done_the_next_visits_are_due_by_the_next_cycle_end():
    got = due(good_cycle(as_of=date(2025, 6, 1)))
    next_end = date(2027, 12, 31)
    assert got["announced_visit", "provider"] == DueItem(DueKind.ANNOUNCED_VISIT, "provider", next_end, UPCOMING)
    assert got["unannounced_visit", "provider"].due == next_end
    assert got["report_publication", "provider"] == DueItem(
        DueKind.REPORT_PUBLICATION, "provider", date(2027, 3, 22), UPCOMING, ReportGround.LAW
    )


def test_without_visits_both_are_due_by_the_cycle_end_and_overdue_after_it():
    fresh = good_cycle(visits=(), concerns=(), last_published_report_on={}, as_of=date(2025, 6, 1))
    got = due(fresh)
    assert {(k, d.due, d.overdue) for k, d in got.items()} == {
        (("announced_visit", "provider"), END, False),
        (("unannounced_visit", "provider"), END, False),
        (("report_publication", "provider"), END, False),
    }
    assert all(d.overdue for d in due_dates(replace(fresh, as_of=END + timedelta(days=1)), POLICY))


def test_a_provider_whose_last_report_is_more_than_two_years_old_is_overdue():
    stale = good_cycle(visits=(), concerns=(), last_published_report_on={"provider": date(2021, 5, 1)})
    stale = replace(stale, as_of=date(2024, 6, 1))
    report = due(stale)["report_publication", "provider"]
    assert report.due == date(2023, 5, 1)
    assert report.overdue
    assert not due(replace(stale, as_of=date(2023, 5, 1)))["report_publication", "provider"].overdue


def test_a_unit_report_is_due_two_years_after_its_own_last_publication():
    units = ("a", "b")
    cycle = good_cycle(unit_ids=units, last_published_report_on={"a": date(2024, 2, 29)})
    got = due(cycle)
    assert got["report_publication", "a"].due == date(2026, 2, 28)
    assert got["report_publication", "b"].due == END


def test_open_follow_up_dialogues_and_action_plans_are_due_items():
    cycle = with_visit(good_cycle(), "v-unannounced", follow_up_dialogue_on=None)
    cycle = with_concern(cycle, action_plan_approved_on=None)
    got = due(cycle)
    assert got["follow_up_dialogue", "v-unannounced"] == DueItem(
        DueKind.FOLLOW_UP_DIALOGUE, "v-unannounced", FOLLOW_UP_DUE, DueStatus.OVERDUE
    )
    assert got["action_plan", "provider"].due == date(2024, 4, 4)
    assert got["action_plan", "provider"].overdue


# --- cycle dates and input checks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        pytest.param(date(2024, 1, 1), 24, date(2025, 12, 31), id="two-years-from-new-year"),
        pytest.param(date(2024, 8, 15), 24, date(2026, 8, 14), id="mid-month"),
        pytest.param(date(2024, 1, 31), 1, date(2024, 2, 29), id="into-a-short-leap-february"),
        pytest.param(date(2023, 1, 30), 1, date(2023, 2, 28), id="into-a-short-february"),
        pytest.param(date(2024, 3, 31), 1, date(2024, 4, 30), id="into-a-thirty-day-month"),
        pytest.param(date(2024, 2, 29), 12, date(2025, 2, 28), id="from-a-leap-day"),
        pytest.param(date(2024, 11, 1), 3, date(2025, 1, 31), id="across-new-year"),
    ],
)
def test_cycle_end(start: date, months: int, end: date):
    assert cycle_end(start, months) == end
    assert next_cycle_start(end) == end + timedelta(days=1)


def test_add_months_falls_back_to_the_month_end():
    assert add_months(date(2024, 2, 29), 24) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 15), -3) == date(2023, 12, 15)


@pytest.mark.parametrize("months", [0, -1, True])
def test_a_cycle_lasts_at_least_one_whole_month(months):
    with pytest.raises(DomainError):
        cycle_end(START, months)


def test_inconsistent_facts_are_refused_with_every_problem_named():
    with pytest.raises(DomainError) as caught:
        good_cycle(
            cycle_end=date(2023, 1, 1),
            visits=(
                visit("v1", VisitKind.ANNOUNCED, date(2024, 3, 5), report_scope="nowhere", unit_ids=("ghost",)),
                visit("v1", VisitKind.UNANNOUNCED, date(2024, 5, 5), follow_up_dialogue_on=date(2024, 5, 1)),
            ),
            concerns=(
                ConcernEpisode(
                    concern=ConcernLevel.SERIOUS, raised_on=date(2024, 6, 1), action_plan_approved_on=date(2024, 5, 1)
                ),
            ),
            last_published_report_on={"elsewhere": date(2024, 1, 5)},
        )
    assert [v.location for v in caught.value.violations] == [
        "cycle_end",
        "visits[0].unit_ids",
        "visits[0].report_scope",
        "visits[1].id",
        "visits[1].follow_up_dialogue_on",
        "last_published_report_on",
        "concerns[0].action_plan_approved_on",
    ]
