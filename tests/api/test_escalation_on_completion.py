"""Completing a visit: the assessment (band and concern) and the escalation it sets off (dagtilbudsloven §5b)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from fractions import Fraction

import pytest
from sqlmodel import select

from api.clock import today
from api.services.escalation import open_intensified
from api.tables import RequiredAction
from domain.access import Role
from domain.instruments import DEMO_INSTRUMENT
from domain.policy import KOLDING_DEFAULT
from tests.api.conftest import World
from tests.support import factories
from tests.support.workflow import (
    HELD_ON,
    VISITS,
    complete,
    complete_visit,
    demo_instrument_id,
    hold_dialogue,
    observe,
    plan_visit,
    score_for_percent,
)

TODAY = date(2026, 11, 22)
HELD = date.fromisoformat(HELD_ON)
DAYS = KOLDING_DEFAULT.deadlines


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.dependency_overrides[today] = lambda: TODAY


@pytest.fixture
def finish(client, db, world: World):
    """Complete one announced visit to world.provider scored to `percent`; returns the response."""
    instrument_id = demo_instrument_id(db, world.municipality.id)

    def run(percent=None, **fields):
        return complete_visit(
            client,
            world.headers(Role.SUPERVISOR),
            provider_id=world.provider.id,
            supervisor_id=world.users[Role.SUPERVISOR].id,
            instrument=DEMO_INSTRUMENT,
            instrument_id=instrument_id,
            percent=percent,
            **fields,
        )

    return run


def actions_by_kind(body) -> dict[str, dict]:
    return {a["kind"]: a for a in body["escalation"]["actions"]}


def provider_assessment(body) -> dict:
    return next(a for a in body["assessments"] if a["unit_id"] is None)


def test_45_percent_starts_intensified_supervision_with_a_follow_up_visit_by_the_policys_deadline(finish, db, world):
    response = finish(45)
    assert response.status_code == 200, response.text
    body = response.json()
    assessment = provider_assessment(body)
    assert (assessment["percent"], assessment["band_key"], assessment["concern"]) == (45.0, "inadequate", "concern")
    escalation = body["escalation"]
    assert (escalation["previous_state"], escalation["state"]) == ("normal", "intensified")
    assert escalation["state_label"] == "skærpet tilsyn"
    actions = actions_by_kind(body)
    follow_up = actions["schedule_follow_up_visit"]
    assert follow_up["due_on"] == (HELD + timedelta(days=DAYS.intensified_first_visit_days)).isoformat()
    assert "stk. 3" in follow_up["legal_reference"]
    assert actions["start_intensified_supervision"]["due_on"] == HELD_ON
    assert "make_action_plan" not in actions
    assert response.headers["etag"] == f'"{body["version"]}"'

    episode = open_intensified(db, world.provider.id)
    assert str(episode.id) == escalation["intensified_supervision_id"]
    assert (episode.state, episode.concern, episode.started_on) == ("intensified", "concern", HELD)
    stored = db.exec(select(RequiredAction).where(RequiredAction.visit_id == episode.started_by_visit_id)).all()
    assert {a.kind for a in stored} == set(actions)
    assert all(a.intensified_id == episode.id for a in stored)


def test_25_percent_requires_an_action_plan_within_the_policys_days(finish):
    body = finish(25).json()
    assessment = provider_assessment(body)
    assert (assessment["band_key"], assessment["band_label"], assessment["concern"]) == (
        "poor",
        "ringe",
        "serious_concern",
    )
    assert body["escalation"]["state"] == "intensified_with_action_plan"
    plan = actions_by_kind(body)["make_action_plan"]
    assert plan["due_on"] == (HELD + timedelta(days=DAYS.action_plan_days)).isoformat()
    assert "§5b" in plan["legal_reference"] and "stk. 4" in plan["legal_reference"]
    assert plan["label_da"] == "udarbejd handleplan"
    assert "handleplan" in plan["reason"]


def test_the_municipalitys_own_policy_sets_the_deadline_and_is_recorded(client, finish, world):
    deadlines = {**KOLDING_DEFAULT.to_dict()["deadlines"], "intensified_first_visit_days": 21}
    # A policy cannot be published for the past, so it is published on the day of the visit, in force from then.
    client.app.dependency_overrides[today] = lambda: HELD
    published = client.post(
        "/api/v1/policy/versions",
        json={
            "effective_from": HELD_ON,
            "note": "Kortere frist",
            "policy": {**KOLDING_DEFAULT.to_dict(), "deadlines": deadlines},
        },
        headers=world.headers(Role.ADMIN),
    )
    assert published.status_code == 201, published.text
    body = finish(45).json()
    assert actions_by_kind(body)["schedule_follow_up_visit"]["due_on"] == (HELD + timedelta(days=21)).isoformat()
    assert body["policy_version_number"] == 1
    assert provider_assessment(body)["policy_version_number"] == 1


def test_30_percent_is_inadequate_and_just_below_is_poor(finish):
    at_boundary = provider_assessment(finish(30).json())
    assert (at_boundary["percent"], at_boundary["band_key"], at_boundary["concern"]) == (30.0, "inadequate", "concern")
    below = provider_assessment(finish(Fraction(175, 6)).json())  # 29.17 %
    assert (below["percent"], below["band_key"], below["concern"]) == (29.1, "poor", "serious_concern")


def test_a_justified_raise_of_concern_is_stored_and_shown(client, finish, world):
    justification = "Gentagne bekymringshenvendelser om manglende opsyn på legepladsen."
    response = finish(75, concern="concern", justification=justification)
    assert response.status_code == 200, response.text
    body = response.json()
    assessment = provider_assessment(body)
    assert (assessment["band_key"], assessment["concern_from_score"], assessment["concern"]) == (
        "good",
        "none",
        "concern",
    )
    assert assessment["justification"] == justification
    assert (body["concern_level"], body["concern_justification"]) == ("concern", justification)
    assert body["escalation"]["state"] == "intensified"
    stored = client.get(f"{VISITS}/{body['id']}/assessments", headers=world.headers(Role.LEADER)).json()["items"]
    assert stored[0]["justification"] == justification and stored[0]["concern_label"] == "bekymring"


def test_a_raise_without_justification_or_a_lowering_is_refused_and_nothing_is_completed(client, finish, world):
    unjustified = finish(75, concern="serious_concern", justification="se notat")
    assert unjustified.status_code == 422
    assert [e["location"] for e in unjustified.json()["errors"]] == ["body.justification"]
    lowered = finish(25, concern="none")
    assert lowered.status_code == 422
    assert [e["location"] for e in lowered.json()["errors"]] == ["body.concern"]
    assert "never lowered" in lowered.json()["detail"]
    planned = client.get(VISITS, params={"status": "planned"}, headers=world.headers(Role.ADMIN)).json()["items"]
    assert len(planned) == 2
    assert client.get(VISITS, params={"status": "completed"}, headers=world.headers(Role.ADMIN)).json()["items"] == []


def test_too_few_scored_items_give_no_percent_and_no_band(client, db, world):
    headers = world.headers(Role.SUPERVISOR)
    visit = plan_visit(
        client,
        headers,
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        instrument_id=demo_instrument_id(db, world.municipality.id),
    )
    items = [i.key for i in DEMO_INSTRUMENT.items()]
    observe(client, headers, visit["id"], {key: 2 for key in items[:10]})  # 10 of 18 items: under 80 %
    hold_dialogue(client, headers, visit["id"])
    response = complete(client, headers, visit["id"])
    assert response.status_code == 200, response.text
    assessment = provider_assessment(response.json())
    assert assessment["insufficient_observation"] is True
    assert (assessment["percent"], assessment["band_key"], assessment["concern_from_score"]) == (None, None, None)
    assert assessment["coverage"] == pytest.approx(10 / 18)
    assert assessment["parts"]["unscored"] == items[10:]
    assert assessment["parts"]["themes"][0]["percent"] == 25.0  # the scored themes still show
    assert response.json()["escalation"]["state"] == "normal"


def test_each_observed_unit_is_assessed_from_its_own_score_and_the_provider_from_all(client, db, world):
    headers = world.headers(Role.SUPERVISOR)
    east, west = factories.unit(db, world.provider), factories.unit(db, world.provider)
    visit = plan_visit(
        client,
        headers,
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        instrument_id=demo_instrument_id(db, world.municipality.id),
        unit_ids=[east.id, west.id],
    )
    observe(client, headers, visit["id"], score_for_percent(DEMO_INSTRUMENT, 75), unit_id=east.id)
    observe(client, headers, visit["id"], score_for_percent(DEMO_INSTRUMENT, 25), unit_id=west.id)
    hold_dialogue(client, headers, visit["id"])
    body = complete(client, headers, visit["id"]).json()
    results = [(a["unit_id"], a["percent"], a["band_key"], a["concern"]) for a in body["assessments"]]
    assert results == [
        (None, 50.0, "adequate", "none"),  # (54 + 18) / (72 + 72): every scored pair pooled
        (str(east.id), 75.0, "good", "none"),
        (str(west.id), 25.0, "poor", "serious_concern"),
    ]
    listed = client.get(f"{VISITS}/{visit['id']}/assessments", headers=world.headers(Role.STAFF)).json()["items"]
    assert [a["unit_id"] for a in listed] == [None, str(east.id), str(west.id)]


def scores_on(items: int, points: int) -> dict[str, int | None]:
    """Demo-instrument scores (1-5) on the first `items` items adding up to `points` above the minimum."""
    keys, scores = [i.key for i in DEMO_INSTRUMENT.items()], {}
    for key in keys[:items]:
        scores[key], points = 1 + min(points, 4), points - min(points, 4)
    return {**scores, **dict.fromkeys(keys[items:])}


def complete_with_units(client, db, world: World, units: list, held_on: str = HELD_ON):
    """Plan, observe each unit ((unit, scores) pairs), hold the dialogue and complete one visit; returns the body."""
    headers = world.headers(Role.SUPERVISOR)
    visit = plan_visit(
        client,
        headers,
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        instrument_id=demo_instrument_id(db, world.municipality.id),
        unit_ids=[u.id for u, _ in units],
        planned_on=held_on,
    )
    for unit, scores in units:
        observe(client, headers, visit["id"], scores, unit_id=unit.id)
    hold_dialogue(client, headers, visit["id"], held_on)
    response = complete(client, headers, visit["id"], held_on)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_unit_at_ringe_in_a_provider_pooled_at_55_percent_starts_intensified_supervision_with_an_action_plan(
    client, db, world
):
    east = factories.unit(db, world.provider, name="Afdeling Øst")
    west = factories.unit(db, world.provider, name="Afdeling Vest")
    # 15 of 18 items each: east 51/60 = 85 %, west 15/60 = 25 %, pooled 66/120 = 55 %.
    body = complete_with_units(client, db, world, [(east, scores_on(15, 51)), (west, scores_on(15, 15))])

    results = [(a["unit_id"], a["percent"], a["band_label"], a["concern"]) for a in body["assessments"]]
    assert results == [
        (None, 55.0, "tilstrækkelig", "none"),
        (str(east.id), 85.0, "god", "none"),
        (str(west.id), 25.0, "ringe", "serious_concern"),
    ]
    escalation = body["escalation"]
    assert (escalation["previous_state"], escalation["state"], escalation["concern"]) == (
        "normal",
        "intensified_with_action_plan",
        "serious_concern",
    )
    actions = actions_by_kind(body)
    assert actions["start_intensified_supervision"]["due_on"] == HELD_ON
    plan = actions["make_action_plan"]
    assert plan["due_on"] == (HELD + timedelta(days=DAYS.action_plan_days)).isoformat()
    assert "The unit Afdeling Vest (25.0 %, ringe) shows alvorlig bekymring." in plan["reason"]
    assert "Afdeling Øst" not in plan["reason"]
    assert "Afdeling Vest" in actions["start_intensified_supervision"]["reason"]

    period = client.get(
        f"/api/v1/intensified-supervision/{escalation['intensified_supervision_id']}",
        headers=world.headers(Role.SUPERVISOR),
    ).json()
    assert period["cause_unit_ids"] == [str(west.id)]
    assert period["cause_units"] == [{"id": str(west.id), "name": "Afdeling Vest"}]
    assert {a["kind"] for a in period["required_actions"] if not a["done"]} == {
        "inform_parent_board",
        "make_action_plan",
        "schedule_follow_up_visit",
    }


def test_a_later_visit_adds_each_unit_it_finds_at_concern_to_the_same_episode(client, db, world):
    east = factories.unit(db, world.provider, name="Afdeling Øst")
    west = factories.unit(db, world.provider, name="Afdeling Vest")
    first = complete_with_units(client, db, world, [(east, scores_on(15, 51)), (west, scores_on(15, 15))])
    # East now at 45 % (utilstrækkelig: bekymring), west at 75 %: the provider pooled at 60 % shows no concern.
    second = complete_with_units(
        client, db, world, [(east, scores_on(15, 27)), (west, scores_on(15, 45))], held_on="2026-11-21"
    )

    escalation = second["escalation"]
    assert escalation["intensified_supervision_id"] == first["escalation"]["intensified_supervision_id"]
    assert (escalation["state"], escalation["concern"]) == ("intensified_with_action_plan", "concern")
    assert (
        "The unit Afdeling Øst (45.0 %, utilstrækkelig) shows bekymring."
        in (actions_by_kind(second)["schedule_follow_up_visit"]["reason"])
    )
    episode = open_intensified(db, world.provider.id)
    db.refresh(episode)
    assert episode.cause_unit_ids == [str(west.id), str(east.id)]
    assert (episode.state, episode.concern) == ("intensified_with_action_plan", "serious_concern")


def test_an_unannounced_visit_with_notes_only_completes_without_a_score(client, world):
    headers = world.headers(Role.SUPERVISOR)
    visit = plan_visit(
        client,
        headers,
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        kind="unannounced",
    )
    observe(client, headers, visit["id"], notes="Morgenmodtagelse: rolig, men få voksne på stuen.")
    hold_dialogue(client, headers, visit["id"])
    body = complete(client, headers, visit["id"], strengths=["Gode overgange"]).json()
    assessment = provider_assessment(body)
    assert (assessment["percent"], assessment["band_key"], assessment["coverage"]) == (None, None, None)
    assert assessment["insufficient_observation"] is False and assessment["concern"] == "none"
    assert body["strengths"] == ["Gode overgange"] and body["held_on"] == HELD_ON
    assert body["escalation"]["state"] == "normal"


def test_a_visit_is_not_completed_for_a_day_that_has_not_come(finish):
    response = finish(75, held_on="2026-11-23")
    assert response.status_code == 422
    assert [e["location"] for e in response.json()["errors"]] == ["body.held_on"]


def test_a_providers_assessments_are_listed_newest_first_for_its_own_people(client, finish, world):
    older = finish(75, held_on="2026-11-02").json()
    newer = finish(45).json()
    url = f"/api/v1/providers/{world.provider.id}/assessments"
    listed = client.get(url, headers=world.headers(Role.PARENT_BOARD)).json()["items"]
    assert [a["visit_id"] for a in listed] == [newer["id"], older["id"]]
    page = client.get(url, params={"limit": 1, "level": "provider"}, headers=world.headers(Role.ADMIN)).json()
    rest = client.get(url, params={"limit": 1, "cursor": page["next_cursor"]}, headers=world.headers(Role.ADMIN))
    assert [a["visit_id"] for a in page["items"] + rest.json()["items"]] == [newer["id"], older["id"]]
    others = f"/api/v1/providers/{world.other_provider.id}/assessments"
    assert client.get(others, headers=world.headers(Role.LEADER)).status_code == 404
    assert client.get(others, headers=world.headers(Role.SUPERVISOR)).json()["items"] == []


def test_a_good_score_under_intensified_supervision_never_ends_it_but_marks_the_follow_up_visit(finish, db, world):
    first = finish(45).json()
    second = finish(75).json()
    escalation = second["escalation"]
    assert (escalation["previous_state"], escalation["state"]) == ("intensified", "intensified")
    assert escalation["intensified_supervision_id"] == first["escalation"]["intensified_supervision_id"]
    assert set(actions_by_kind(second)) == {"feed_development_plan", "inform_parent_board"}
    follow_up = db.exec(
        select(RequiredAction).where(
            RequiredAction.visit_id == uuid.UUID(first["id"]), RequiredAction.kind == "schedule_follow_up_visit"
        )
    ).one()
    assert follow_up.done_on == HELD


def test_a_serious_concern_during_intensified_supervision_escalates_the_same_episode(finish, db, world):
    first = finish(45).json()
    second = finish(25).json()
    escalation = second["escalation"]
    assert (escalation["previous_state"], escalation["state"]) == ("intensified", "intensified_with_action_plan")
    assert escalation["intensified_supervision_id"] == first["escalation"]["intensified_supervision_id"]
    assert "make_action_plan" in actions_by_kind(second)
    assert "start_intensified_supervision" not in actions_by_kind(second)
    episode = open_intensified(db, world.provider.id)
    assert (episode.state, episode.concern) == ("intensified_with_action_plan", "serious_concern")
    new_follow_up = db.exec(
        select(RequiredAction).where(
            RequiredAction.visit_id == uuid.UUID(second["id"]), RequiredAction.kind == "schedule_follow_up_visit"
        )
    ).one()
    assert new_follow_up.done_on is None


def test_no_concern_keeps_the_normal_cycle(finish):
    body = finish(75).json()
    assert provider_assessment(body)["band_label"] == "god"
    escalation = body["escalation"]
    assert (escalation["previous_state"], escalation["state"], escalation["concern"]) == ("normal", "normal", "none")
    assert escalation["intensified_supervision_id"] is None
    assert set(actions_by_kind(body)) == {"feed_development_plan", "inform_parent_board"}


def test_the_start_of_intensified_supervision_is_done_by_the_completion_itself(finish, db, world):
    # Left open, it would stand overdue on /due for as long as the period lasts, and after.
    body = finish(45).json()
    start = actions_by_kind(body)["start_intensified_supervision"]
    assert start["done_on"] == HELD_ON
    stored = db.exec(select(RequiredAction).where(RequiredAction.kind == "start_intensified_supervision")).one()
    assert stored.done_on == HELD
    assert actions_by_kind(body)["schedule_follow_up_visit"]["done_on"] is None


def test_a_provider_without_a_parent_board_is_not_asked_to_inform_one(client, db, world):
    # Private childminding (privat pasning) has no parent board; §5b stk. 1 informs one where it exists.
    world.provider.has_parent_board = False
    db.add(world.provider)
    db.commit()
    body = complete_visit(
        client,
        world.headers(Role.SUPERVISOR),
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        instrument=DEMO_INSTRUMENT,
        instrument_id=demo_instrument_id(db, world.municipality.id),
        percent=45,
    ).json()
    assert "inform_parent_board" not in actions_by_kind(body)
    kinds = {a.kind for a in db.exec(select(RequiredAction).where(RequiredAction.provider_id == world.provider.id))}
    assert "inform_parent_board" not in kinds and "schedule_follow_up_visit" in kinds


def test_personal_data_in_the_strengths_is_refused_at_completion(finish, db, world):
    # Strengths are published in the report and cannot be edited after completion: refused now, not later.
    response = finish(75, strengths=["Gode relationer", "Ring til 23 45 67 89 for mere"])
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["location"] for e in errors] == ["body.strengths.1"]
    assert "67 89" not in response.text
    assert open_intensified(db, world.provider.id) is None
