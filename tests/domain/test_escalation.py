"""The escalation ladder (§5b): what follows from each assessment, and when intensified supervision may end."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.assessment import Assessment, assess
from domain.errors import DomainError, ErrorCode
from domain.escalation import (
    ActionKind,
    EscalationDecision,
    EscalationState,
    RequiredAction,
    UnitAssessment,
    decide,
    episode_cause_units,
)
from domain.intensified import CauseUnit, end_intensified, next_intensified_visit_due
from domain.policy import KOLDING_DEFAULT, ConcernLevel
from tests.support.law import IN_2030, amended_in_2030

NORMAL = EscalationState.NORMAL
INTENSIFIED = EscalationState.INTENSIFIED
WITH_PLAN = EscalationState.INTENSIFIED_WITH_ACTION_PLAN
START = ActionKind.START_INTENSIFIED_SUPERVISION
VISIT = ActionKind.SCHEDULE_FOLLOW_UP_VISIT
PLAN = ActionKind.MAKE_ACTION_PLAN
INFORM = ActionKind.INFORM_PARENT_BOARD
DEVELOP = ActionKind.FEED_DEVELOPMENT_PLAN

D = KOLDING_DEFAULT.deadlines
GROUNDS = "The new KIDS assessment shows a good learning environment and the plan is fulfilled."


def after(day: date, days: int) -> date:
    return day + timedelta(days=days)


def summary(decision: EscalationDecision) -> list[tuple[ActionKind, date, str]]:
    return [(a.kind, a.due, a.legal_reference) for a in decision.actions]


# One provider through a whole episode. Each row starts where the row before ended.
JAN, APR, JUL, OCT = date(2025, 1, 13), date(2025, 4, 7), date(2025, 7, 7), date(2025, 10, 6)
WALK = [
    pytest.param(
        NORMAL,
        80,
        JAN,
        NORMAL,
        [
            (INFORM, after(JAN, D.follow_up_dialogue_days), "dagtilbudsloven §5b, stk. 1"),
            (DEVELOP, after(JAN, D.follow_up_dialogue_days), "dagtilbudsloven §5b, stk. 1-2"),
        ],
        id="1-good-80pct-stays-normal-feeds-development-plan",
    ),
    pytest.param(
        NORMAL,
        45,
        APR,
        INTENSIFIED,
        [
            (START, APR, "dagtilbudsloven §5b, stk. 3"),
            (VISIT, after(APR, D.intensified_first_visit_days), "dagtilbudsloven §5b, stk. 3"),
            (INFORM, after(APR, D.follow_up_dialogue_days), "dagtilbudsloven §5b, stk. 1"),
        ],
        id="2-concern-45pct-starts-intensified-supervision",
    ),
    pytest.param(
        INTENSIFIED,
        25,
        JUL,
        WITH_PLAN,
        [
            (PLAN, after(JUL, D.action_plan_days), "dagtilbudsloven §5b, stk. 4-5"),
            (VISIT, after(JUL, D.intensified_first_visit_days), "dagtilbudsloven §5b, stk. 4"),
            (INFORM, after(JUL, D.follow_up_dialogue_days), "dagtilbudsloven §5b, stk. 1 og 5"),
        ],
        id="3-serious-25pct-adds-action-plan-no-second-start",
    ),
    pytest.param(
        WITH_PLAN,
        75,
        OCT,
        WITH_PLAN,
        [
            (INFORM, after(OCT, D.follow_up_dialogue_days), "dagtilbudsloven §5b, stk. 1"),
            (DEVELOP, after(OCT, D.follow_up_dialogue_days), "dagtilbudsloven §5b, stk. 1-2"),
        ],
        id="4-good-75pct-does-not-end-intensified-supervision",
    ),
]


@pytest.mark.parametrize(("current", "percent", "on", "expected_state", "expected_actions"), WALK)
def test_a_provider_walks_the_ladder(current, percent, on, expected_state, expected_actions):
    decision = decide(current, assess(KOLDING_DEFAULT, percent), on, KOLDING_DEFAULT)

    assert decision.previous is current
    assert decision.state is expected_state
    assert decision.changed == (current is not expected_state)
    assert summary(decision) == expected_actions
    assert all(a.reason.strip() for a in decision.actions)


def test_the_walk_rows_chain_into_one_episode():
    state = NORMAL
    for row in WALK:
        current, percent, on, expected_state, _ = row.values
        assert current is state, row.id
        state = decide(state, assess(KOLDING_DEFAULT, percent), on, KOLDING_DEFAULT).state
        assert state is expected_state, row.id


@pytest.mark.parametrize("current", [INTENSIFIED, WITH_PLAN], ids=["intensified", "with-action-plan"])
@pytest.mark.parametrize("percent", [50, 70, 95], ids=["adequate-50", "good-70", "excellent-95"])
def test_no_concern_never_ends_intensified_supervision_by_itself(current, percent):
    decision = decide(current, assess(KOLDING_DEFAULT, percent), OCT, KOLDING_DEFAULT, action_plan_completed=True)

    assert decision.state is current
    assert not decision.changed
    assert decision.concern is ConcernLevel.NONE
    assert "until the administration decides" in decision.action(INFORM).reason


@pytest.mark.parametrize(
    ("current", "concern_percent", "expected"),
    [
        pytest.param(WITH_PLAN, 45, WITH_PLAN, id="concern-keeps-the-action-plan-state"),
        pytest.param(INTENSIFIED, 45, INTENSIFIED, id="concern-again-stays-intensified"),
        pytest.param(WITH_PLAN, 10, WITH_PLAN, id="serious-again-stays-with-plan"),
    ],
)
def test_recurring_concern_never_restarts_supervision(current, concern_percent, expected):
    decision = decide(current, assess(KOLDING_DEFAULT, concern_percent), JUL, KOLDING_DEFAULT)

    assert decision.state is expected
    assert decision.action(START) is None
    assert decision.action(VISIT).due == after(JUL, D.intensified_first_visit_days)


@pytest.mark.parametrize(
    ("current", "plan_completed", "plan_required"),
    [
        pytest.param(NORMAL, False, True, id="from-normal-a-plan-and-an-immediate-start"),
        pytest.param(INTENSIFIED, False, True, id="from-intensified-a-plan"),
        pytest.param(WITH_PLAN, False, False, id="plan-under-way-no-second-plan"),
        pytest.param(WITH_PLAN, True, True, id="plan-completed-then-serious-again-a-new-plan"),
    ],
)
def test_serious_concern_requires_an_action_plan_unless_one_is_under_way(current, plan_completed, plan_required):
    decision = decide(current, assess(KOLDING_DEFAULT, 20), JUL, KOLDING_DEFAULT, action_plan_completed=plan_completed)

    assert decision.state is WITH_PLAN
    plan = decision.action(PLAN)
    assert (plan is not None) == plan_required
    if plan_required:
        assert plan == RequiredAction(
            PLAN, after(JUL, D.action_plan_days), "dagtilbudsloven §5b, stk. 4-5", plan.reason
        )
        assert decision.action(INFORM).legal_reference == "dagtilbudsloven §5b, stk. 1 og 5"
    start = decision.action(START)
    if current is NORMAL:
        assert start == RequiredAction(START, JUL, "dagtilbudsloven §5b, stk. 4", start.reason)
    else:
        assert start is None


def test_concern_raised_on_judgement_escalates_and_says_so():
    raised = assess(
        KOLDING_DEFAULT, 82, concern=ConcernLevel.CONCERN, justification="Repeated concern notices about naps."
    )
    decision = decide(NORMAL, raised, APR, KOLDING_DEFAULT)

    assert decision.state is INTENSIFIED
    assert "other grounds than the score" in decision.action(START).reason


def test_a_percent_just_below_a_band_boundary_is_described_truncated_never_rounded_into_the_next_band():
    decision = decide(NORMAL, assess(KOLDING_DEFAULT, 29.96), APR, KOLDING_DEFAULT)

    reason = decision.action(START).reason
    assert "A score of 29.9 % is ringe" in reason
    assert "30.0" not in reason


def test_an_unscored_assessment_with_serious_concern_escalates():
    snapshot = assess(
        KOLDING_DEFAULT, None, concern=ConcernLevel.SERIOUS, justification="Children left unattended outdoors."
    )
    assert decide(NORMAL, snapshot, APR, KOLDING_DEFAULT).state is WITH_PLAN


# Units: every scope assessed at a visit counts.


def unit(name: str, percent: float | None) -> UnitAssessment:
    return UnitAssessment(f"id-{name.lower()}", name, assess(KOLDING_DEFAULT, percent))


@pytest.mark.parametrize(
    ("provider", "units", "expected", "causes"),
    [
        pytest.param(55, [("Øst", 85), ("Vest", 25)], WITH_PLAN, ["id-vest"], id="unit-ringe-provider-adequate"),
        pytest.param(55, [("Vest", 45)], INTENSIFIED, ["id-vest"], id="unit-concern-provider-adequate"),
        pytest.param(
            45, [("Vest", 25), ("Nord", 40)], WITH_PLAN, ["id-vest", "id-nord"], id="unit-worse-than-provider"
        ),
        pytest.param(25, [("Øst", 85)], WITH_PLAN, [], id="provider-ringe-units-fine"),
        pytest.param(75, [("Øst", 80), ("Vest", None)], NORMAL, [], id="no-concern-anywhere"),
    ],
)
def test_the_most_serious_concern_at_any_scope_drives_the_provider(provider, units, expected, causes):
    decision = decide(NORMAL, assess(KOLDING_DEFAULT, provider), JUL, KOLDING_DEFAULT, units=[unit(*u) for u in units])

    assert decision.state is expected
    assert decision.cause_unit_ids == tuple(causes)
    assert (decision.action(PLAN) is not None) == (expected is WITH_PLAN)


def test_a_unit_at_ringe_names_the_unit_in_the_actions_and_not_the_units_without_concern():
    units = [unit("Øst", 85), unit("Vest", 25), unit("Nord", 29.96)]
    decision = decide(NORMAL, assess(KOLDING_DEFAULT, 55), JUL, KOLDING_DEFAULT, units=units)

    plan = decision.action(PLAN).reason
    assert plan.startswith("The units Vest (25.0 %, ringe) and Nord (29.9 %, ringe) show alvorlig bekymring.")
    assert "Øst" not in plan and "provider as a whole" not in plan
    assert decision.action(START) == RequiredAction(
        START, JUL, "dagtilbudsloven §5b, stk. 4", decision.action(START).reason
    )
    assert "Vest" in decision.action(START).reason and "Vest" in decision.action(VISIT).reason


def test_the_plan_names_only_the_scopes_at_serious_concern_and_the_visit_every_scope_at_concern():
    units = [unit("Vest", 25), unit("Nord", 45)]
    decision = decide(NORMAL, assess(KOLDING_DEFAULT, 40), JUL, KOLDING_DEFAULT, units=units)

    assert decision.action(PLAN).reason.startswith("The unit Vest (25.0 %, ringe) shows alvorlig bekymring. An")
    visit = decision.action(VISIT).reason
    assert visit.startswith("For the provider as a whole, a score of 40.0 % is utilstrækkelig, which means bekymring.")
    assert "The unit Vest (25.0 %, ringe) shows alvorlig bekymring." in visit
    assert "The unit Nord (45.0 %, utilstrækkelig) shows bekymring." in visit


def test_units_without_concern_decide_exactly_as_the_provider_alone():
    alone = decide(INTENSIFIED, assess(KOLDING_DEFAULT, 45), JUL, KOLDING_DEFAULT)
    with_units = decide(INTENSIFIED, assess(KOLDING_DEFAULT, 45), JUL, KOLDING_DEFAULT, units=[unit("Øst", 90)])
    assert with_units == alone


def test_an_episode_keeps_every_unit_that_showed_concern_while_it_ran():
    later = decide(
        WITH_PLAN, assess(KOLDING_DEFAULT, 60), OCT, KOLDING_DEFAULT, units=[unit("Nord", 45), unit("Vest", 20)]
    )
    assert episode_cause_units(["id-vest"], later) == ("id-vest", "id-nord")
    calm = decide(WITH_PLAN, assess(KOLDING_DEFAULT, 60), OCT, KOLDING_DEFAULT, units=[unit("Vest", 80)])
    assert episode_cause_units(["id-vest"], calm) == ("id-vest",)


# Ending intensified supervision. The valid case; each refusal below breaks it in one or more ways.
SINCE = APR
LATEST_ON = OCT
DECIDED_ON = date(2025, 10, 20)


def ending(**changes):
    arguments = {
        "intensified_since": SINCE,
        "latest": assess(KOLDING_DEFAULT, 75),
        "latest_assessed_on": LATEST_ON,
        "action_plan_completed": True,
        "grounds": GROUNDS,
        "decided_on": DECIDED_ON,
        "policy": KOLDING_DEFAULT,
    }
    current = changes.pop("current", WITH_PLAN)
    return end_intensified(current, **(arguments | changes))


def refusal(**changes) -> list[str]:
    with pytest.raises(DomainError) as caught:
        ending(**changes)
    assert caught.value.code is ErrorCode.CONFLICT
    for violation in caught.value.violations:
        assert violation.message in caught.value.detail
    return [v.location for v in caught.value.violations]


@pytest.mark.parametrize(
    ("changes", "failing"),
    [
        pytest.param({"current": NORMAL}, ["state"], id="a-not-intensified"),
        pytest.param({"latest_assessed_on": SINCE}, ["latest_assessed_on"], id="b-assessment-from-the-start-day"),
        pytest.param({"latest_assessed_on": after(SINCE, -30)}, ["latest_assessed_on"], id="b-assessment-before"),
        pytest.param(
            {"latest": None, "latest_assessed_on": None}, ["latest_assessment", "latest_assessed_on"], id="b-none"
        ),
        pytest.param({"latest": assess(KOLDING_DEFAULT, 45)}, ["latest_assessment"], id="c-latest-still-concern"),
        pytest.param({"latest": assess(KOLDING_DEFAULT, 25)}, ["latest_assessment"], id="c-latest-still-serious"),
        pytest.param({"action_plan_completed": False}, ["action_plan"], id="d-action-plan-not-completed"),
        pytest.param({"grounds": None}, ["grounds"], id="e-grounds-missing"),
        pytest.param({"grounds": "   ok, done        "}, ["grounds"], id="e-grounds-too-short-after-strip"),
        pytest.param({"decided_on": after(LATEST_ON, -1)}, ["decided_on"], id="decided-before-the-assessment"),
        pytest.param(
            {
                "latest_assessed_on": SINCE,
                "latest": assess(KOLDING_DEFAULT, 45),
                "action_plan_completed": False,
                "grounds": "",
            },
            ["latest_assessment", "latest_assessed_on", "action_plan", "grounds"],
            id="b-c-d-e-all-named-at-once",
        ),
        pytest.param(
            {"current": NORMAL, "latest": None, "latest_assessed_on": None, "grounds": "x"},
            ["state", "latest_assessment", "latest_assessed_on", "grounds"],
            id="a-b-e-all-named-at-once",
        ),
    ],
)
def test_ending_is_refused_naming_every_failing_condition(changes, failing):
    assert refusal(**changes) == failing


def cause(name: str, percent: float | None, on: date | None = LATEST_ON) -> CauseUnit:
    latest = None if on is None else assess(KOLDING_DEFAULT, percent)
    return CauseUnit(f"id-{name.lower()}", name, latest, on)


@pytest.mark.parametrize(
    ("changes", "failing", "named"),
    [
        pytest.param(
            {"latest": assess(KOLDING_DEFAULT, None)}, ["latest_assessment.percent"], "", id="provider-unscored"
        ),
        pytest.param({"cause_units": [cause("Vest", 25)]}, ["cause_units.id-vest"], "Vest", id="unit-still-ringe"),
        pytest.param({"cause_units": [cause("Vest", 45)]}, ["cause_units.id-vest"], "Vest", id="unit-still-concern"),
        pytest.param({"cause_units": [cause("Vest", None)]}, ["cause_units.id-vest"], "Vest", id="unit-unscored"),
        pytest.param({"cause_units": [cause("Vest", None, None)]}, ["cause_units.id-vest"], "Vest", id="unit-never"),
        pytest.param({"cause_units": [cause("Vest", 80, SINCE)]}, ["cause_units.id-vest"], "Vest", id="unit-not-new"),
        pytest.param(
            {"latest": assess(KOLDING_DEFAULT, None), "cause_units": [cause("Øst", 80), cause("Vest", 25)]},
            ["latest_assessment.percent", "cause_units.id-vest"],
            "Vest",
            id="provider-and-one-of-two-units-named-at-once",
        ),
    ],
)
def test_ending_needs_a_new_scored_result_without_concern_at_the_provider_and_each_unit_that_caused_it(
    changes, failing, named
):
    with pytest.raises(DomainError) as caught:
        ending(**changes)
    assert [v.location for v in caught.value.violations] == failing
    assert named in caught.value.detail
    assert "Øst" not in caught.value.detail


def test_ending_succeeds_once_every_unit_that_caused_it_is_scored_without_concern():
    assert ending(cause_units=[cause("Øst", 80), cause("Vest", 70)]).state is NORMAL


def test_an_unfinished_plan_does_not_block_ending_plain_intensified_supervision():
    assert ending(current=INTENSIFIED, action_plan_completed=False).state is NORMAL


@pytest.mark.parametrize("current", [INTENSIFIED, WITH_PLAN], ids=["intensified", "with-action-plan"])
def test_ending_succeeds_when_every_condition_holds(current):
    decision = ending(current=current, grounds=f"  {GROUNDS}  ")

    assert decision.previous is current
    assert decision.state is NORMAL
    assert decision.changed
    assert decision.concern is ConcernLevel.NONE
    assert decision.grounds == GROUNDS
    informed = "dagtilbudsloven §5b, stk. 1 og 3"  # the board informed of the end of intensified supervision
    assert summary(decision) == [(INFORM, after(DECIDED_ON, D.follow_up_dialogue_days), informed)]


def test_a_decision_and_its_actions_cite_the_law_in_force_on_the_day_of_the_assessment(monkeypatch):
    amended_in_2030(monkeypatch)
    serious = assess(KOLDING_DEFAULT, 20)
    before = decide(NORMAL, serious, date(2029, 12, 31), KOLDING_DEFAULT)
    after_ = decide(NORMAL, serious, IN_2030, KOLDING_DEFAULT)
    assert before.action(PLAN).legal_reference == "dagtilbudsloven §5b, stk. 4-5"
    assert after_.action(PLAN).legal_reference == "dagtilbudsloven §5c, stk. 4-5"
    assert {a.legal_reference.split(",")[0] for a in after_.actions} == {"dagtilbudsloven §5c"}
    ended = ending(decided_on=IN_2030 + timedelta(days=40), latest_assessed_on=IN_2030 + timedelta(days=30))
    assert ended.actions[0].legal_reference == "dagtilbudsloven §5c, stk. 1 og 3"  # the day of the decision


def test_the_walk_ends_with_the_administrations_decision():
    state, latest, latest_on = NORMAL, None, None
    for row in WALK:
        _, percent, on, _, _ = row.values
        latest, latest_on = assess(KOLDING_DEFAULT, percent), on
        state = decide(state, latest, on, KOLDING_DEFAULT).state
    assert state is WITH_PLAN

    decision = end_intensified(
        state,
        intensified_since=APR,
        latest=latest,
        latest_assessed_on=latest_on,
        action_plan_completed=True,
        grounds=GROUNDS,
        decided_on=DECIDED_ON,
        policy=KOLDING_DEFAULT,
    )
    assert decision.state is NORMAL


@pytest.mark.parametrize(
    ("last_visit_on", "expected"),
    [
        pytest.param(None, after(SINCE, D.intensified_first_visit_days), id="no-visit-yet-first-visit-deadline"),
        pytest.param(SINCE, after(SINCE, D.intensified_first_visit_days), id="the-visit-that-started-it-not-counted"),
        pytest.param(after(SINCE, 50), after(SINCE, 50 + D.intensified_interval_days), id="then-the-interval"),
    ],
)
def test_next_intensified_visit_due(last_visit_on, expected):
    assert next_intensified_visit_due(last_visit_on, SINCE, KOLDING_DEFAULT) == expected


@pytest.mark.parametrize("enum", [EscalationState, ActionKind])
def test_every_member_has_a_distinct_danish_label(enum):
    labels = [member.label_da for member in enum]
    assert all(labels) and len(set(labels)) == len(labels)


def test_states_are_ranked_in_declaration_order():
    assert [s.rank for s in EscalationState] == [0, 1, 2]


# Any sequence of assessments, with any answer about the action plan: the ladder only goes up.
PERCENTS = st.floats(min_value=0, max_value=100, allow_nan=False)
STEPS = st.lists(st.tuples(PERCENTS, st.booleans(), st.integers(min_value=0, max_value=400)), max_size=12)


@given(provider=PERCENTS, units=st.lists(st.one_of(st.none(), PERCENTS), max_size=4))
def test_a_visits_state_meets_the_concern_of_every_scope_and_names_every_unit_at_concern(provider, units):
    assessed = [UnitAssessment(f"u{i}", f"Unit {i}", assess(KOLDING_DEFAULT, p)) for i, p in enumerate(units)]
    decision = decide(NORMAL, assess(KOLDING_DEFAULT, provider), JUL, KOLDING_DEFAULT, units=assessed)

    worst = max([assess(KOLDING_DEFAULT, provider).concern.rank] + [u.assessment.concern.rank for u in assessed])
    assert decision.state.rank == worst
    assert decision.cause_unit_ids == tuple(u.unit_id for u in assessed if u.assessment.concern.rank > 0)
    assert all(len(a.reason) < 500 for a in decision.actions)


@given(start=st.sampled_from(EscalationState), steps=STEPS)
def test_without_end_intensified_the_state_never_goes_down(start, steps):
    state, on = start, date(2024, 1, 1)
    for percent, plan_completed, gap in steps:
        on = after(on, gap)
        assessment: Assessment = assess(KOLDING_DEFAULT, percent)
        decision = decide(state, assessment, on, KOLDING_DEFAULT, action_plan_completed=plan_completed)

        assert decision.previous is state
        assert decision.state.rank >= state.rank
        assert decision.state.rank >= assessment.concern.rank  # the concern's demand is always met
        assert [a.kind for a in decision.actions].count(INFORM) == 1  # the parent board, after every visit
        assert all(a.due >= on for a in decision.actions)
        assert (decision.action(START) is not None) == (not state.is_intensified and assessment.concern.rank > 0)
        state = decision.state
