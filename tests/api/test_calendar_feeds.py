"""Personal calendar feeds (iCalendar): a secret URL per user, revocable, with what that user may see."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from icalendar import Calendar
from sqlmodel import Session, select

from api.demo import load_demo_data
from api.tables import CalendarFeed, UserAccount, Visit
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories, workflow
from tests.support import reports as flow

MINE = "/api/v1/me/calendar-feed"


def new_feed(client, headers: dict[str, str]) -> str:
    """Make the caller's feed; its URL, as a path the test client can fetch."""
    response = client.post(MINE, headers=headers)
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    url = response.json()["url"]
    assert url.startswith("http://testserver/api/v1/calendar-feeds/") and url.endswith(".ics")
    return url.removeprefix("http://testserver")


def fetch(client, url: str) -> Calendar:
    response = client.get(url)  # no Authorization: the URL is the credential
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.headers["cache-control"] == "private, no-store"
    return Calendar.from_ical(response.content)


def uids(calendar: Calendar) -> set[str]:
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def account(db: Session, email: str) -> UserAccount:
    return db.exec(select(UserAccount).where(UserAccount.email == email)).one()


def visit_uid(visit_id) -> str:  # type: ignore[no-untyped-def]
    return f"visit-{visit_id}@testserver"


def test_the_demo_leaders_feed_lacks_the_planned_unannounced_visit_that_the_supervisors_feed_has(client, db, settings):
    assert load_demo_data(db) is True
    db.commit()
    hidden = db.exec(select(Visit).where(Visit.kind == "unannounced", Visit.status == "planned")).all()
    leader = account(db, "leader@fjordby.example")
    secret = next(v for v in hidden if v.provider_id == leader.provider_id)
    supervisor = account(db, "supervisor@fjordby.example")
    assert secret.supervisor_id == supervisor.id

    leaders = fetch(client, new_feed(client, factories.headers_for(settings, leader)))
    supervisors = fetch(client, new_feed(client, factories.headers_for(settings, supervisor)))

    assert visit_uid(secret.id) in uids(supervisors)
    assert visit_uid(secret.id) not in uids(leaders)
    # The leader's calendar is not empty: their provider's other visits and their /due deadlines are there.
    leader_visits = {u for u in uids(leaders) if u.startswith("visit-")}
    assert leader_visits and len(uids(leaders)) > len(leader_visits)
    # Nor does anything else in it point at the secret visit (a deadline tied to it, a link).
    assert str(secret.id) not in leaders.to_ical().decode()
    for event in supervisors.walk("VEVENT"):
        assert isinstance(event.decoded("DTSTART"), date) and event.get("DTSTAMP") is not None


def test_a_revoked_or_replaced_url_is_404_and_an_inactive_owners_too(client, db: Session, world: World):
    leader = world.headers(Role.LEADER)
    first = new_feed(client, leader)
    fetch(client, first)

    second = new_feed(client, leader)  # replaces the first
    assert client.get(first).status_code == 404
    fetch(client, second)
    state = client.get(MINE, headers=leader).json()
    assert state["active"] is True and "url" not in state and second.split("/")[-1] not in str(state)

    assert client.delete(MINE, headers=leader).status_code == 204
    assert client.get(second).status_code == 404
    assert client.get(MINE, headers=leader).json()["active"] is False

    third = new_feed(client, leader)
    world.users[Role.LEADER].is_active = False
    db.add(world.users[Role.LEADER])
    db.commit()
    assert client.get(third).status_code == 404
    assert client.get("/api/v1/calendar-feeds/" + "x" * 43 + ".ics").status_code == 404


def test_only_the_tokens_hash_is_stored(client, db: Session, world: World):
    url = new_feed(client, world.headers(Role.SUPERVISOR))
    token = url.split("/")[-1].removesuffix(".ics")
    assert len(token) >= 43  # 256 random bits
    rows = db.exec(select(CalendarFeed)).all()
    assert [r.token_hash for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    # The making is audited, and the trail does not repeat the hash.
    params = {"entity_type": "calendar_feed", "action": "calendar-feed-create"}
    trail = client.get("/api/v1/audit-events", params=params, headers=world.headers(Role.ADMIN)).json()["items"]
    assert len(trail) == 1 and rows[0].token_hash not in str(trail) and token not in str(trail)


def planned_visit(client, app, db: Session, world: World) -> dict:
    """An announced visit planned at the world's provider by its supervisor, today being its day."""
    flow.set_today(app, date.fromisoformat(flow.HELD_ON))
    return workflow.plan_visit(
        client,
        world.headers(Role.SUPERVISOR),
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        instrument_id=workflow.demo_instrument_id(db, world.municipality.id),
    )


def test_another_users_token_never_shows_this_users_items(client, app, db: Session, world: World):
    ours = planned_visit(client, app, db, world)
    other_leader = factories.user(db, world.municipality, Role.LEADER, world.other_provider)
    other_supervisor = factories.user(db, world.municipality, Role.SUPERVISOR)
    db.commit()

    own = fetch(client, new_feed(client, world.headers(Role.LEADER)))
    admins = fetch(client, new_feed(client, world.headers(Role.ADMIN)))
    others = [
        fetch(client, new_feed(client, factories.headers_for(world.settings, account)))
        for account in (other_leader, other_supervisor, world.neighbour_admin)
    ]

    assert visit_uid(ours["id"]) in uids(own) and visit_uid(ours["id"]) in uids(admins)
    for calendar in others:
        assert visit_uid(ours["id"]) not in uids(calendar)
        assert world.provider.name not in calendar.to_ical().decode()


def test_a_supervisors_deadlines_come_from_due_in_danish_without_a_unit_or_a_score(client, app, db, world: World):
    visit = flow.completed_visit(client, db, world, percent=40)
    flow.set_today(app, date.fromisoformat(flow.HELD_ON) + timedelta(days=1))
    calendar = fetch(client, new_feed(client, world.headers(Role.SUPERVISOR)))

    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    follow_up = events[f"follow_up_dialogue-{visit['id']}@testserver"]
    assert str(follow_up["SUMMARY"]) == f"Frist: opfølgningssamtale ({world.provider.name})"
    held = events[visit_uid(visit["id"])]
    assert str(held["SUMMARY"]).endswith(f": {world.provider.name} (afholdt)")
    assert held.decoded("DTSTART") == date.fromisoformat(flow.HELD_ON)
    text = calendar.to_ical().decode()
    assert "%" not in text and "procent" not in text
    assert "utilstrækkelig" not in text  # the band the visit scored


def test_staff_and_parent_boards_get_their_providers_visits_but_no_deadlines(client, app, db, world: World):
    visit = planned_visit(client, app, db, world)
    for role in (Role.STAFF, Role.PARENT_BOARD):
        calendar = fetch(client, new_feed(client, world.headers(role)))
        assert uids(calendar) == {visit_uid(visit["id"])}, role


def test_the_committee_has_no_calendar_feed(client, world: World):
    assert client.post(MINE, headers=world.headers(Role.COMMITTEE)).status_code == 403
