"""The overview: what is due (and overdue), a visit's evidence (§5a) and a provider's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import Session

import api.clock
from api.tables import Provider, UserAccount, Visit
from domain.access import Role
from domain.providers import ProviderKind
from tests.api.conftest import World
from tests.support import factories
from tests.support import overview_data as data

DUE = "/api/v1/due"
TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def today(app) -> date:
    app.dependency_overrides[api.clock.today] = lambda: TODAY
    return TODAY


def problem(response, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == f"urn:tilsyn:problem:{slug}"


def summary(response) -> list[tuple[str, str, str, bool]]:
    """(due_on, kind, provider_name, overdue) of each item, in the order given."""
    assert response.status_code == 200, response.text
    return [(i["due_on"], i["kind"], i["provider_name"], i["overdue"]) for i in response.json()["items"]]


# --- what is due ------------------------------------------------------------------------------------------


@dataclass
class DueScene:
    a: Provider
    b: Provider
    first_supervisor: UserAccount
    second_supervisor: UserAccount
    announced: Visit  # at A, by the first supervisor, with an instrument
    secret: Visit  # a planned unannounced visit at A


@pytest.fixture
def due_scene(db: Session, world: World) -> DueScene:
    """Two providers registered long ago, with something due from every source (see each line)."""
    # Both cycles were set to start on 15 June 2024, so the first ended yesterday and the second starts today.
    a = data.registered(db, world.provider, date(2023, 1, 1), name="A-huset", cycle_start=date(2024, 6, 15))
    b = data.registered(db, world.other_provider, date(2023, 1, 1), name="B-huset", cycle_start=date(2024, 6, 15))
    first, second = world.users[Role.SUPERVISOR], factories.user(db, world.municipality, Role.SUPERVISOR)
    kids = data.instrument(db, world.municipality)
    # A: an unannounced visit with its follow-up held and its report published, an announced one with systematic
    # observation still without a follow-up (due 20 May + 30 days) or a report (final by 1 July, published by
    # 15 July), and a planned unannounced visit. The last cycle held both kinds: the next are due by its successor's
    # end, and the report a cycle after the last one.
    old = data.visit(db, a, second, kind="unannounced", planned_on=date(2025, 3, 1))
    data.follow_up(db, old, date(2025, 3, 10), number=2)
    data.report(db, old, on=date(2025, 4, 1))
    announced = data.visit(db, a, first, planned_on=date(2026, 5, 20), instrument_id=kids.id)
    secret = data.visit(db, a, first, kind="unannounced", status="planned", planned_on=date(2026, 7, 1))
    # B: an announced visit without an instrument does not count, so both kinds of visit and the report the last
    # cycle lacked are overdue since its last day, 14 June 2026; the visit's follow-up is due 1 July and its report
    # is final by 13 July and published by 27 July.
    data.visit(db, b, second, planned_on=date(2026, 6, 1))
    # Escalation deadlines: one overdue, one tied to the planned unannounced visit, one done.
    episode = data.intensified(db, a, date(2026, 5, 21))
    data.required_action(db, a, date(2026, 6, 1))
    data.required_action(
        db, a, date(2026, 6, 20), kind="schedule_follow_up_visit", visit_id=secret.id, intensified_id=episode.id
    )
    data.required_action(db, a, date(2026, 5, 1), done_on=date(2026, 4, 30))
    # Recommendations: open (from the second supervisor's visit), in progress but far off, and done.
    data.recommendation(db, old, date(2026, 7, 1))
    data.recommendation(db, announced, date(2027, 1, 1), status="in_progress")
    data.recommendation(db, announced, date(2026, 6, 1), status="done")
    # Action plans: a draft past its deadline, and an approved one.
    data.action_plan(db, episode, second, date(2026, 6, 10), created_on=date(2026, 5, 21))
    data.action_plan(
        db, episode, second, date(2026, 6, 1), created_on=date(2026, 5, 21), status="approved", approved_on=TODAY
    )
    # The neighbour's deadline is never anyone else's business.
    data.required_action(db, world.neighbour_provider, date(2026, 6, 1))
    return DueScene(a, b, first, second, announced, secret)


def test_due_lists_every_source_soonest_first_with_overdue_flags(client, world: World, due_scene: DueScene):
    response = client.get(DUE, headers=world.headers(Role.ADMIN))

    assert summary(response) == [
        ("2026-06-01", "make_action_plan", "A-huset", True),
        ("2026-06-10", "action_plan", "A-huset", True),
        ("2026-06-14", "announced_visit", "B-huset", True),
        ("2026-06-14", "report_publication", "B-huset", True),
        ("2026-06-14", "unannounced_visit", "B-huset", True),
        ("2026-06-19", "follow_up_dialogue", "A-huset", False),
        ("2026-06-20", "schedule_follow_up_visit", "A-huset", False),
        ("2026-07-01", "recommendation", "A-huset", False),
        ("2026-07-01", "visit_report_final", "A-huset", False),
        ("2026-07-01", "follow_up_dialogue", "B-huset", False),
        ("2026-07-13", "visit_report_final", "B-huset", False),
        ("2026-07-15", "visit_report_published", "A-huset", False),
        ("2026-07-27", "visit_report_published", "B-huset", False),
    ]
    body = response.json()
    assert (body["as_of"], body["within_days"]) == ("2026-06-15", 60)
    follow_up = body["items"][5]
    assert (follow_up["reference_type"], follow_up["reference_id"]) == ("visit", str(due_scene.announced.id))
    assert follow_up["legal_reference"] == "dagtilbudsloven §5b, stk. 1"
    assert follow_up["kind_label"] == "opfølgningssamtale"
    assert follow_up["provider_id"] == str(due_scene.a.id)
    assert follow_up["status"] == "due_soon"
    cycle = body["items"][2]
    assert (cycle["reference_type"], cycle["reference_id"]) == ("provider", str(due_scene.b.id))
    assert cycle["legal_reference"] == "dagtilbudsloven §5a, stk. 2"
    assert cycle["status"] == "overdue"
    assert [i["status"] for i in body["items"]][-2:] == ["due_soon", "upcoming"]  # 30 and 42 days ahead
    assert all(item["description"] for item in body["items"])


def test_within_days_widens_the_window_but_overdue_items_always_show(client, world: World, due_scene: DueScene):
    admin = world.headers(Role.ADMIN)

    only_overdue = summary(client.get(DUE, params={"within_days": 0}, headers=admin))
    assert [(d, k) for d, k, _, overdue in only_overdue if overdue] == [(d, k) for d, k, _, _ in only_overdue]
    assert len(only_overdue) == 5

    year = summary(client.get(DUE, params={"within_days": 400}, headers=admin))
    assert ("2027-01-01", "recommendation", "A-huset", False) in year
    # A held both kinds of visit in its last cycle, so they are due again by the end of the one that began today.
    cycle_kinds = ("announced_visit", "unannounced_visit")
    assert not any(kind in cycle_kinds and name == "A-huset" for _, kind, name, _ in year)
    later = summary(client.get(DUE, params={"within_days": 730}, headers=admin))
    assert ("2028-06-14", "announced_visit", "A-huset", False) in later
    assert ("2028-06-14", "unannounced_visit", "A-huset", False) in later
    assert ("2027-04-01", "report_publication", "A-huset", False) in later  # two years after 1 April 2025

    problem(client.get(DUE, params={"within_days": -1}, headers=admin), 422, "invalid-input")


def test_due_can_be_narrowed_to_one_provider(client, world: World, due_scene: DueScene):
    response = client.get(DUE, params={"provider_id": str(due_scene.b.id)}, headers=world.headers(Role.ADMIN))

    assert {name for _, _, name, _ in summary(response)} == {"B-huset"}
    assert len(summary(response)) == 6


def test_a_leader_sees_only_their_provider_and_nothing_that_reveals_a_planned_unannounced_visit(
    client, world: World, due_scene: DueScene
):
    leader = world.headers(Role.LEADER)

    assert summary(client.get(DUE, headers=leader)) == [
        ("2026-06-01", "make_action_plan", "A-huset", True),
        ("2026-06-10", "action_plan", "A-huset", True),
        ("2026-06-19", "follow_up_dialogue", "A-huset", False),
        ("2026-07-01", "recommendation", "A-huset", False),
        ("2026-07-01", "visit_report_final", "A-huset", False),
        ("2026-07-15", "visit_report_published", "A-huset", False),
    ]
    assert summary(client.get(DUE, params={"mine": True}, headers=leader)) == summary(client.get(DUE, headers=leader))
    items = client.get(DUE, headers=leader).json()["items"]
    assert str(due_scene.secret.id) not in str(items)
    problem(client.get(DUE, params={"provider_id": str(due_scene.b.id)}, headers=leader), 404, "not-found")
    # The administration does see the deadline tied to the planned visit.
    admin_items = client.get(DUE, headers=world.headers(Role.ADMIN)).json()["items"]
    assert "schedule_follow_up_visit" in [i["kind"] for i in admin_items]


def test_mine_shows_a_supervisor_their_visits_and_the_providers_they_supervise(
    client, world: World, due_scene: DueScene
):
    first = summary(client.get(DUE, params={"mine": True}, headers=world.headers(Role.SUPERVISOR)))
    assert first == [
        ("2026-06-01", "make_action_plan", "A-huset", True),
        ("2026-06-10", "action_plan", "A-huset", True),
        ("2026-06-19", "follow_up_dialogue", "A-huset", False),
        ("2026-06-20", "schedule_follow_up_visit", "A-huset", False),
        ("2026-07-01", "visit_report_final", "A-huset", False),
        ("2026-07-15", "visit_report_published", "A-huset", False),
    ]
    second_headers = factories.headers_for(world.settings, due_scene.second_supervisor)
    second = summary(client.get(DUE, params={"mine": True}, headers=second_headers))
    assert second == [
        ("2026-06-01", "make_action_plan", "A-huset", True),
        ("2026-06-10", "action_plan", "A-huset", True),
        ("2026-06-14", "announced_visit", "B-huset", True),
        ("2026-06-14", "report_publication", "B-huset", True),
        ("2026-06-14", "unannounced_visit", "B-huset", True),
        ("2026-07-01", "recommendation", "A-huset", False),
        ("2026-07-01", "follow_up_dialogue", "B-huset", False),
        ("2026-07-13", "visit_report_final", "B-huset", False),
        ("2026-07-27", "visit_report_published", "B-huset", False),
    ]
    everything = summary(client.get(DUE, headers=second_headers))
    assert len(everything) == 13


def test_due_is_for_admin_supervisors_and_leaders_only(client, world: World, due_scene: DueScene):
    for role in (Role.STAFF, Role.PARENT_BOARD, Role.COMMITTEE):
        problem(client.get(DUE, headers=world.headers(role)), 403, "forbidden")
    problem(client.get(DUE), 401, "unauthenticated")


def test_another_municipalitys_provider_is_404_and_its_items_never_show(client, world: World, due_scene: DueScene):
    admin = world.headers(Role.ADMIN)
    problem(client.get(DUE, params={"provider_id": str(world.neighbour_provider.id)}, headers=admin), 404, "not-found")
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    names = {name for _, _, name, _ in summary(client.get(DUE, headers=neighbour))}
    assert names == {world.neighbour_provider.name}  # its own deadline and cycle; nothing of ours
    assert "A-huset" not in names


# --- fixed cycles and deadlines that act -----------------------------------------------------------------------

TRACKER = "/api/v1/publication-tracker"


def test_a_provider_registered_today_has_one_fixed_date_for_its_next_visit_and_report_in_due_and_the_tracker(
    app, client, db: Session, world: World
):
    house = data.registered(db, world.provider, TODAY, name="Nyt Børnehus")
    admin, only = world.headers(Role.ADMIN), {"provider_id": str(house.id)}

    def on(day: date) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str]]]:
        app.dependency_overrides[api.clock.today] = lambda: day
        due = client.get(DUE, params={**only, "within_days": 730}, headers=admin).json()["items"]
        tracker = client.get(TRACKER, params=only, headers=admin).json()["items"]
        return {i["kind"]: (i["due_on"], i["status"]) for i in due}, [(r["next_due"], r["status"]) for r in tracker]

    last_day = "2028-06-14"  # the last day of the first 24-month cycle, which began today
    kinds = ("announced_visit", "unannounced_visit", "report_publication")
    for day, status in [
        (TODAY, "upcoming"),
        (TODAY + timedelta(days=1), "upcoming"),  # the date does not move from one day to the next
        (date(2028, 5, 14), "upcoming"),
        (date(2028, 5, 15), "due_soon"),  # the policy's warning window: 30 days
        (date(2028, 6, 14), "due_soon"),
        (date(2028, 6, 15), "overdue"),  # the day after
    ]:
        due, tracker = on(day)
        assert due == dict.fromkeys(kinds, (last_day, status)), day
        assert tracker == [(last_day, status)], day


def test_an_admin_sets_the_cycle_start_and_every_cycle_date_follows_it(client, db: Session, world: World):
    house = data.registered(db, world.provider, date(2026, 1, 10))
    admin, url = world.headers(Role.ADMIN), f"/api/v1/providers/{house.id}"

    def announced_due() -> str:
        items = client.get(DUE, params={"provider_id": str(house.id), "within_days": 730}, headers=admin).json()
        return next(i["due_on"] for i in items["items"] if i["kind"] == "announced_visit")

    assert announced_due() == "2028-01-09"  # from registration
    etag = client.get(url, headers=admin).headers["etag"]
    future = client.patch(url, json={"cycle_start": "2026-06-16"}, headers={**admin, "If-Match": etag})
    problem(future, 422, "invalid-input")
    assert future.json()["errors"][0]["location"] == "body.cycle_start"
    # Before registration is allowed: the supervision may have begun before the provider was registered here.
    changed = client.patch(url, json={"cycle_start": "2025-09-01"}, headers={**admin, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.json()["cycle_start"] == "2025-09-01"
    assert announced_due() == "2027-08-31"
    cleared = client.patch(url, json={"cycle_start": None}, headers={**admin, "If-Match": changed.headers["etag"]})
    assert (cleared.json()["cycle_start"], announced_due()) == (None, "2028-01-09")


def test_a_visit_held_today_counts_for_the_cycle(client, db: Session, world: World):
    house = data.registered(db, world.provider, date(2023, 1, 1), cycle_start=date(2025, 1, 1))
    kids = data.instrument(db, world.municipality)
    data.visit(db, house, world.users[Role.SUPERVISOR], planned_on=TODAY, instrument_id=kids.id)

    response = client.get(
        DUE, params={"provider_id": str(house.id), "within_days": 730}, headers=world.headers(Role.ADMIN)
    )
    kinds = {kind: due_on for due_on, kind, _, _ in summary(response)}
    assert "announced_visit" not in kinds  # held today: next due by the end of the next cycle, 31 December 2028
    assert kinds["unannounced_visit"] == "2026-12-31"


def test_a_late_report_shows_in_due_when_not_final_and_not_published_by_the_policys_deadlines(
    client, db: Session, world: World
):
    house = data.registered(db, world.provider, date(2023, 1, 1), cycle_start=date(2025, 1, 1))
    supervisor = world.users[Role.SUPERVISOR]
    late = data.visit(db, house, supervisor, planned_on=date(2026, 4, 1))  # final by 13 May, published by 27 May
    final = data.visit(db, house, supervisor, kind="unannounced", planned_on=date(2026, 4, 2))
    data.report(db, final, status="final", on=date(2026, 5, 1))
    done = data.visit(db, house, supervisor, kind="unannounced", planned_on=date(2026, 3, 1))
    data.report(db, done, on=date(2026, 4, 1))

    response = client.get(DUE, params={"provider_id": str(house.id)}, headers=world.headers(Role.ADMIN))
    reports = [(i["due_on"], i["kind"], i["reference_id"], i["status"]) for i in response.json()["items"]]
    reports = [r for r in reports if r[1].startswith("visit_report")]
    assert reports == [
        ("2026-05-13", "visit_report_final", str(late.id), "overdue"),
        ("2026-05-27", "visit_report_published", str(late.id), "overdue"),
        ("2026-05-28", "visit_report_published", str(final.id), "overdue"),
    ]


def test_a_private_pasningsordning_owes_no_publication_in_due_but_a_puljeordning_does(
    client, db: Session, world: World
):
    private = factories.provider(db, world.municipality, kind=ProviderKind.PRIVATE_CHILDMINDING)
    pool = factories.provider(db, world.municipality, kind=ProviderKind.PULJEORDNING)
    for provider in (private, pool):
        data.registered(db, provider, date(2023, 1, 1))
        data.visit(db, provider, world.users[Role.SUPERVISOR], planned_on=date(2026, 4, 1))

    response = client.get(DUE, params={"within_days": 0}, headers=world.headers(Role.ADMIN))
    kinds = {(i["provider_id"], i["kind"]) for i in response.json()["items"]}
    publications = ("report_publication", "visit_report_published")
    assert not {(str(private.id), kind) for kind in publications} & kinds
    assert {(str(pool.id), kind) for kind in publications} <= kinds
    assert (str(private.id), "visit_report_final") in kinds  # the written documentation is still due


def test_the_next_visit_under_intensified_supervision_shows_in_due(client, db: Session, world: World):
    house = data.registered(db, world.provider, date(2023, 1, 1))
    period = data.intensified(db, house, date(2026, 1, 10))
    data.visit(db, house, world.users[Role.SUPERVISOR], kind="intensified", planned_on=date(2026, 3, 20))

    response = client.get(DUE, params={"provider_id": str(house.id)}, headers=world.headers(Role.ADMIN))
    [item] = [i for i in response.json()["items"] if i["kind"] == "intensified_visit"]
    # 90 days (intensified_interval_days) after the last visit under intensified supervision.
    assert (item["due_on"], item["status"], item["reference_id"]) == ("2026-06-18", "due_soon", str(period.id))
    assert item["kind_label"] == "tilsynsbesøg under skærpet tilsyn"


def test_the_leaders_comment_window_shows_in_due_while_it_is_open(client, db: Session, world: World):
    house = data.registered(db, world.provider, date(2023, 1, 1))
    visit = data.visit(db, house, world.users[Role.SUPERVISOR], planned_on=date(2026, 6, 1))
    draft = data.report(db, visit, status="sent", on=date(2026, 6, 10), comment_window_ends=date(2026, 6, 24))

    items = client.get(DUE, params={"provider_id": str(house.id)}, headers=world.headers(Role.LEADER)).json()["items"]
    [window] = [i for i in items if i["kind"] == "report_comment"]
    assert (window["due_on"], window["reference_type"], window["reference_id"]) == (
        "2026-06-24",
        "report",
        str(draft.id),
    )


def test_the_follow_up_dialogue_after_an_intensified_visit_is_no_2_in_due_and_when_recorded(
    client, db: Session, world: World
):
    house = data.registered(db, world.provider, date(2023, 1, 1))
    visit = data.visit(db, house, world.users[Role.SUPERVISOR], kind="intensified", planned_on=date(2026, 6, 1))

    items = client.get(DUE, params={"provider_id": str(house.id)}, headers=world.headers(Role.ADMIN)).json()["items"]
    [due] = [i for i in items if i["kind"] == "follow_up_dialogue"]
    assert "no. 2" in due["description"]
    body = {"held_on": "2026-06-10", "participants": ["Dagtilbudsleder"], "summary": "Vurderingen blev drøftet."}
    recorded = client.put(f"/api/v1/visits/{visit.id}/follow-up-dialogue", json=body, headers=world.headers(Role.ADMIN))
    assert recorded.status_code in (200, 201), recorded.text
    assert recorded.json()["number"] == 2


# --- a visit's evidence (§5a) -----------------------------------------------------------------------------


@dataclass
class EvidenceScene:
    visit: Visit  # held 20 May 2026
    planned: Visit  # not held yet
    earlier: Visit
    later_notice_id: str
    other_provider_visit: Visit


@pytest.fixture
def evidence_scene(db: Session, world: World) -> EvidenceScene:
    a, supervisor = world.provider, world.users[Role.SUPERVISOR]
    earlier = data.visit(db, a, supervisor, planned_on=date(2025, 3, 1))
    data.assessment(db, earlier, percent=72.5, band=("good", "god"), concern="none")
    unit = factories.unit(db, a)
    data.assessment(
        db, earlier, percent=40.0, band=("inadequate", "utilstrækkelig"), concern="concern", unit_id=unit.id
    )
    data.follow_up(db, earlier, date(2025, 3, 20))
    data.report(db, earlier, status="superseded", on=date(2025, 4, 10))
    data.report(db, earlier, on=date(2025, 5, 1), report_version=2)
    data.report(db, earlier, status="final", on=date(2025, 5, 2))  # final, never published: not on the website
    data.recommendation(db, earlier, date(2025, 9, 1), status="in_progress", status_note="Vi er i gang.")
    data.concern_notice(db, a, date(2025, 9, 1))
    episode = data.intensified(
        db, a, date(2025, 10, 1), ended_on=date(2026, 2, 1), end_grounds="Ny vurdering uden bekymring og plan fuldført."
    )
    data.action_plan(
        db,
        episode,
        supervisor,
        date(2025, 10, 31),
        created_on=date(2025, 10, 5),
        status="completed",
        approved_on=date(2025, 10, 30),
        completed_on=date(2026, 1, 15),
    )
    visit = data.visit(db, a, supervisor, kind="unannounced", planned_on=date(2026, 5, 20))
    data.report(db, visit, on=date(2026, 6, 1))  # published after the visit: not evidence for it
    later_notice = data.concern_notice(db, a, date(2026, 5, 25), reporter_name=None, source="anonymous")
    planned = data.visit(db, a, supervisor, status="planned", planned_on=date(2026, 9, 1))
    # Another provider's history is not this provider's evidence.
    other = data.visit(db, world.other_provider, supervisor, planned_on=date(2025, 4, 1))
    data.assessment(db, other, percent=20.0, band=("poor", "ringe"), concern="serious_concern")
    data.concern_notice(db, world.other_provider, date(2025, 5, 1))
    return EvidenceScene(visit, planned, earlier, str(later_notice.id), other)


def test_evidence_holds_everything_earlier_about_the_provider(client, world: World, evidence_scene: EvidenceScene):
    response = client.get(f"/api/v1/visits/{evidence_scene.visit.id}/evidence", headers=world.headers(Role.SUPERVISOR))

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["visit_id"], body["provider_id"]) == (str(evidence_scene.visit.id), str(world.provider.id))
    assert body["before"] == "2026-05-20"
    [visit] = body["visits"]
    assert visit["id"] == str(evidence_scene.earlier.id)
    assert visit["assessment"] == {
        "assessed_on": "2025-03-01",
        "percent": 72.5,
        "band_key": "good",
        "band_label": "god",
        "concern": "none",
    }  # the provider's assessment, not the unit's
    assert [d["held_on"] for d in body["follow_up_dialogues"]] == ["2025-03-20"]
    [recommendation] = body["recommendations"]
    assert (recommendation["status"], recommendation["status_note"]) == ("in_progress", "Vi er i gang.")
    [notice] = body["concern_notices"]  # the notice received after the visit is not earlier
    assert notice["received_on"] == "2025-09-01"
    assert (notice["reporter_name"], notice["reporter_contact"]) == ("Pia Forælder", "pia@example.dk")
    [episode] = body["intensified_supervision"]
    assert (episode["state"], episode["started_on"], episode["ended_on"]) == (
        "intensified_with_action_plan",
        "2025-10-01",
        "2026-02-01",
    )
    assert episode["end_grounds"].startswith("Ny vurdering")
    [plan] = body["action_plans"]
    assert (plan["status"], plan["due_on"], plan["approved_on"], plan["completed_on"]) == (
        "completed",
        "2025-10-31",
        "2025-10-30",
        "2026-01-15",
    )
    assert [(r["published_on"], r["status"], r["report_version"], r["visit_id"]) for r in body["reports"]] == [
        ("2025-05-01", "published", 2, str(evidence_scene.earlier.id)),
        ("2025-04-10", "superseded", 1, str(evidence_scene.earlier.id)),
    ]
    assert (body["reports"][0]["scope"], body["reports"][0]["summary"]) == ("provider", "Et trygt læringsmiljø.")
    assert str(evidence_scene.other_provider_visit.id) not in response.text


def test_evidence_for_a_visit_not_yet_held_has_everything_so_far(client, world: World, evidence_scene: EvidenceScene):
    response = client.get(f"/api/v1/visits/{evidence_scene.planned.id}/evidence", headers=world.headers(Role.ADMIN))

    body = response.json()
    assert body["before"] is None
    assert [v["id"] for v in body["visits"]] == [str(evidence_scene.visit.id), str(evidence_scene.earlier.id)]
    assert [n["received_on"] for n in body["concern_notices"]] == ["2026-05-25", "2025-09-01"]
    assert body["concern_notices"][0]["id"] == evidence_scene.later_notice_id


def test_evidence_is_for_admin_and_supervisors_and_within_the_municipality(
    client, world: World, evidence_scene: EvidenceScene
):
    url = f"/api/v1/visits/{evidence_scene.visit.id}/evidence"
    for role in (Role.LEADER, Role.STAFF, Role.PARENT_BOARD, Role.COMMITTEE):
        problem(client.get(url, headers=world.headers(role)), 403, "forbidden")
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    problem(client.get(url, headers=neighbour), 404, "not-found")


# --- a provider's timeline --------------------------------------------------------------------------------


@pytest.fixture
def timeline_url(db: Session, world: World) -> str:
    a, supervisor = world.provider, world.users[Role.SUPERVISOR]
    first = data.visit(db, a, supervisor, planned_on=date(2025, 2, 1), created_on=date(2025, 1, 10))
    data.assessment(db, first, percent=25.0, band=("poor", "ringe"), concern="serious_concern")
    data.recommendation(db, first, date(2025, 6, 1))
    episode = data.intensified(db, a, date(2025, 2, 3), ended_on=date(2025, 12, 1), end_grounds="Fuldført.")
    plan = data.action_plan(
        db,
        episode,
        supervisor,
        date(2025, 3, 5),
        created_on=date(2025, 2, 5),
        status="completed",
        comment_window_ends=date(2025, 3, 6),
        approved_on=date(2025, 3, 10),
        completed_on=date(2025, 11, 15),
    )
    data.board_informed(db, a, date(2025, 2, 10), visit_id=first.id)
    data.follow_up(db, first, date(2025, 2, 15))
    data.board_informed(db, a, date(2025, 2, 20), action_plan_id=plan.id)
    notice = data.concern_notice(db, a, date(2025, 4, 1), status="triaged")
    data.status_changed(db, notice, "received", "triaged", date(2025, 4, 3))
    cancelled = data.visit(
        db,
        a,
        supervisor,
        kind="unannounced",
        status="cancelled",
        planned_on=date(2025, 6, 1),
        created_on=date(2025, 5, 1),
    )
    data.status_changed(db, cancelled, "planned", "cancelled", date(2025, 5, 20))
    data.visit(db, world.other_provider, supervisor, planned_on=date(2025, 7, 1))  # not this provider's
    return f"/api/v1/providers/{a.id}/timeline"


def test_the_timeline_lists_every_event_newest_first(client, world: World, timeline_url: str):
    response = client.get(timeline_url, headers=world.headers(Role.SUPERVISOR))

    assert response.status_code == 200, response.text
    events = response.json()["events"]
    assert [(e["on"], e["kind"]) for e in events] == [
        ("2025-12-01", "intensified_ended"),
        ("2025-11-15", "action_plan_completed"),
        ("2025-05-20", "visit_cancelled"),
        ("2025-05-01", "visit_planned"),
        ("2025-04-03", "concern_triaged"),
        ("2025-04-01", "concern_received"),
        ("2025-03-10", "action_plan_approved"),
        ("2025-02-20", "action_plan_opened_for_comments"),
        ("2025-02-20", "parent_board_informed"),
        ("2025-02-15", "follow_up_dialogue_held"),
        ("2025-02-10", "parent_board_informed"),
        ("2025-02-05", "action_plan_created"),
        ("2025-02-03", "intensified_started"),
        ("2025-02-01", "recommendation_created"),
        ("2025-02-01", "assessment_made"),
        ("2025-02-01", "visit_completed"),
        ("2025-01-10", "visit_planned"),
    ]
    assessment = events[14]
    assert assessment["entity_type"] == "assessment"
    assert "25.0 %" in assessment["title"] and "alvorlig bekymring" in assessment["title"]
    assert events[2]["entity_type"] == "visit" and events[2]["title"]
    assert response.json()["provider_id"] == str(world.provider.id)


def test_the_timeline_limit_keeps_the_newest(client, world: World, timeline_url: str):
    response = client.get(timeline_url, params={"limit": 3}, headers=world.headers(Role.ADMIN))

    assert [e["kind"] for e in response.json()["events"]] == [
        "intensified_ended",
        "action_plan_completed",
        "visit_cancelled",
    ]
    problem(client.get(timeline_url, params={"limit": 0}, headers=world.headers(Role.ADMIN)), 422, "invalid-input")


def test_the_timeline_is_for_admin_and_supervisors_and_within_the_municipality(client, world: World, timeline_url: str):
    for role in (Role.LEADER, Role.STAFF, Role.PARENT_BOARD, Role.COMMITTEE):
        problem(client.get(timeline_url, headers=world.headers(role)), 403, "forbidden")
    neighbour_url = f"/api/v1/providers/{world.neighbour_provider.id}/timeline"
    problem(client.get(neighbour_url, headers=world.headers(Role.ADMIN)), 404, "not-found")


def test_a_plan_still_owed_by_its_period_is_listed_once(client, db, world: World):
    # The period's make_action_plan requirement already carries the plan's deadline and paragraph; listing the
    # draft plan too would show one duty twice.
    period = data.intensified(db, world.provider, date(2026, 6, 1))
    data.required_action(db, world.provider, date(2026, 7, 1), intensified_id=period.id)
    data.action_plan(db, period, world.users[Role.SUPERVISOR], date(2026, 7, 1), created_on=date(2026, 6, 5))

    kinds = [kind for _, kind, name, _ in summary(client.get(DUE, headers=world.headers(Role.ADMIN)))]
    assert kinds.count("make_action_plan") == 1
    assert "action_plan" not in kinds


def test_each_item_due_cites_the_law_of_the_act_it_follows_or_of_its_due_date(client, db: Session, world: World):
    # Cycles from 1 June 2023: the first ends on 31 May 2025, so its report falls due under the 2025 rules, while
    # the visit held on 15 November 2024 and its report are acts under the 2022 rules.
    c = data.registered(db, world.provider, date(2023, 1, 1), name="C-huset", cycle_start=date(2023, 6, 1))
    data.visit(db, c, world.users[Role.SUPERVISOR], planned_on=date(2024, 11, 15))

    response = client.get(DUE, params={"provider_id": str(c.id)}, headers=world.headers(Role.ADMIN))
    assert response.status_code == 200, response.text
    cited = {(i["kind"], i["due_on"]): i["legal_reference"] for i in response.json()["items"]}

    assert cited[("visit_report_published", "2025-01-10")] == "dagtilbudsloven §5, stk. 3, og §5b, stk. 2"
    assert cited[("report_publication", "2025-05-31")] == "dagtilbudsloven §5, stk. 2, og §5b, stk. 2"
    assert cited[("visit_report_final", "2024-12-27")] == "dagtilbudsloven §5b, stk. 2"
    assert cited[("follow_up_dialogue", "2024-12-15")] == "dagtilbudsloven §5b, stk. 1"
