"""The self-assessment of the supervision practice in a network, over HTTP (issue 14).

Done when 5: the evidence the service fills in beside a submitted self-assessment is what `GET /compliance` and
`GET /publication-tracker` show for the same municipality and day. Also: each member's own before/after, the
network's distribution hidden below `m` municipalities, non-members 404, and a submitted one frozen (409).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

import api.clock
from api.tables import Municipality, Network, NetworkMembership, NetworkParticipant, UserAccount
from domain.access import Role
from domain.networks import MembershipStatus, NetworkRole
from tests.api.conftest import World
from tests.api.test_compliance import held
from tests.support import factories
from tests.support import overview_data as rows

TODAY = date(2026, 7, 1)


@pytest.fixture(autouse=True)
def clock(app) -> dict[str, date]:
    """The service's today, movable within a test."""
    days = {"today": TODAY}
    app.dependency_overrides[api.clock.today] = lambda: days["today"]
    return days


def member(db: Session, network: Network, municipality: Municipality, *, named: bool = False) -> NetworkMembership:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    row = NetworkMembership(
        network_id=network.id,
        municipality_id=municipality.id,
        status=MembershipStatus.ACCEPTED,
        invited_at=now,
        responded_at=now,
        named_beside_figures=named,
    )
    db.add(row)
    db.commit()
    return row


@pytest.fixture
def network(db: Session, world: World) -> Network:
    """A network of the home municipality and its neighbour, with the default m = 3."""
    row = Network(name="Tilsynsnetværk Syd", created_by_municipality_id=world.municipality.id)
    db.add(row)
    db.commit()
    member(db, row, world.municipality, named=True)
    member(db, row, world.neighbour)
    return row


def url(network: Network, tail: str = "") -> str:
    return f"/api/v1/networks/{network.id}/self-assessments{tail}"


def start(client, network: Network, headers: dict, phase: str = "before") -> dict:
    response = client.post(url(network), json={"phase": phase}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def answer_all(client, network: Network, headers: dict, sa: dict, level: int = -1) -> dict:
    """Answer every question at the level `level` of its scale (the highest by default), then read it back."""
    answers = []
    for a in sa["answers"]:
        question = questionnaire(client, network, headers, a["question_key"])
        answers.append({"question_key": a["question_key"], "judgement": question["levels"][level]["value"]})
    etag = client.get(url(network, f"/{sa['id']}"), headers=headers).headers["ETag"]
    response = client.patch(
        url(network, f"/{sa['id']}"), json={"answers": answers}, headers={**headers, "If-Match": etag}
    )
    assert response.status_code == 200, response.text
    return response.json() | {"etag": response.headers["ETag"]}


def questionnaire(client, network: Network, headers: dict, key: str) -> dict:
    body = client.get(f"/api/v1/networks/{network.id}/self-assessment/questionnaire", headers=headers).json()
    return next(q for s in body["sections"] for q in s["questions"] if q["key"] == key)


def submit(client, network: Network, headers: dict, sa: dict):
    return client.post(url(network, f"/{sa['id']}/submit"), headers={**headers, "If-Match": sa["etag"]})


def submitted(client, network: Network, headers: dict, phase: str = "before", level: int = -1) -> dict:
    sa = answer_all(client, network, headers, start(client, network, headers, phase), level)
    response = submit(client, network, headers, sa)
    assert response.status_code == 200, response.text
    return response.json()


def evidence(body: dict, key: str) -> dict:
    return next(e for a in body["answers"] for e in a["evidence"] if e["key"] == key)


def some_supervision(db: Session, world: World) -> None:
    """Two providers: one visit lacks the læreplan, one report is published; the second provider had no visit."""
    rows.registered(db, world.provider, date(2024, 1, 5), name="Børnehuset Mangel", cycle_start=date(2026, 1, 5))
    rows.registered(db, world.other_provider, date(2024, 1, 5), name="Børnehuset Frisk", cycle_start=date(2024, 1, 5))
    visit = held(db, world, world.provider, date(2026, 2, 3), based_on_curriculum=False)
    rows.follow_up(db, visit, date(2026, 2, 10))
    rows.report(db, visit, on=date(2026, 3, 1))


# --- done-when 5: the evidence is the compliance figures of the same day --------------------------------------------


def test_the_submitted_evidence_is_what_compliance_and_the_publication_tracker_show_for_the_same_day(
    client, db, world: World, network: Network, clock
):
    some_supervision(db, world)
    admin = world.headers(Role.ADMIN)
    body = submitted(client, network, admin)
    assert (body["status"], body["answered_on"], body["evidence_as_of"]) == ("submitted", "2026-07-01", "2026-07-01")

    compliance = client.get("/api/v1/compliance", headers=admin).json()
    assert compliance["compliant_providers"] < compliance["providers"] == 2
    for summary in compliance["minimums"]:
        shown = evidence(body, f"compliance_minimum:{summary['minimum']}")
        assert shown["counts"] == summary["counts"], summary["minimum"]
        assert shown["providers"] == compliance["providers"]
    assert evidence(body, "compliance_minimum:curriculum_foundation")["counts"]["not_met"] == 1
    compliant = evidence(body, "compliant_providers")
    assert (compliant["providers"], compliant["compliant_providers"]) == (2, compliance["compliant_providers"])

    tracker = client.get("/api/v1/publication-tracker", headers=admin).json()["items"]
    due = [i for i in tracker if i["next_due"] is not None]
    in_time = evidence(body, "reports_in_time")
    assert (in_time["reports_required"], in_time["reports_overdue"]) == (len(due), sum(i["overdue"] for i in due))
    assert in_time["reports_overdue"] >= 1  # Børnehuset Frisk's first cycle ended without a report
    assert in_time["share_in_time"] == round(100 * (len(due) - in_time["reports_overdue"]) / len(due), 1)

    # Frozen: a later visit changes today's compliance, not the evidence the municipality submitted.
    clock["today"] = date(2026, 8, 1)
    held(db, world, world.other_provider, date(2026, 7, 20))
    later = client.get(url(network, f"/{body['id']}"), headers=admin).json()
    assert later["answers"] == body["answers"] and later["evidence_as_of"] == "2026-07-01"
    now = client.get("/api/v1/compliance", headers=admin).json()
    assert now["minimums"] != compliance["minimums"]


def test_a_draft_shows_todays_evidence_beside_each_answer(client, db, world: World, network: Network):
    some_supervision(db, world)
    admin = world.headers(Role.ADMIN)
    draft = start(client, network, admin)
    assert (draft["status"], draft["answered_on"], draft["evidence_as_of"]) == ("draft", None, "2026-07-01")
    assert draft["unanswered"] == len(draft["answers"])
    follow_up = evidence(draft, "compliance_minimum:follow_up_dialogue")
    compliance = client.get("/api/v1/compliance", headers=admin).json()
    assert (
        follow_up["counts"] == next(m for m in compliance["minimums"] if m["minimum"] == "follow_up_dialogue")["counts"]
    )


# --- the questionnaire --------------------------------------------------------------------------------------------


def test_the_questionnaire_cites_the_law_in_force_on_the_day_of_answering(client, world: World, network: Network):
    admin = world.headers(Role.ADMIN)
    base = f"/api/v1/networks/{network.id}/self-assessment/questionnaire"
    today = client.get(base, headers=admin).json()
    in_2024 = client.get(base, params={"on": "2024-06-01"}, headers=admin).json()
    assert (today["version"], in_2024["version"]) == ("1/2025", "1/2022")
    keys = {q["key"]: q for s in in_2024["sections"] for q in s["questions"]}
    assert "law.framework" in keys
    assert "§5, stk. 3" in keys["minimum.written_published_documentation"]["legal_reference"]
    now = {q["key"]: q for s in today["sections"] for q in s["questions"]}
    assert "law.framework" not in now
    assert "§5, stk. 2" in now["minimum.written_published_documentation"]["legal_reference"]
    assert [s["key"] for s in today["sections"]] == ["legal_minimums", "good_practice"]
    assert now["practice.evaluation_culture"]["scale"] == "one_to_five"


# --- the member's own before and after ----------------------------------------------------------------------------


def test_a_member_sees_its_own_before_and_after_question_by_question(client, db, world: World, network: Network, clock):
    admin = world.headers(Role.ADMIN)
    before = submitted(client, network, admin, "before", level=0)
    clock["today"] = date(2027, 6, 1)
    some_supervision(db, world)
    after = submitted(client, network, admin, "after", level=-1)
    response = client.get(url(network, "/comparison"), headers=world.headers(Role.SUPERVISOR))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["before"]["id"], body["after"]["id"]) == (before["id"], after["id"])
    quality = next(q for q in body["questions"] if q["question_key"] == "practice.quality_basis")
    assert (quality["before"], quality["after"], quality["changed"]) == ("1", "5", True)
    minimum = next(q for q in body["questions"] if q["question_key"] == "minimum.follow_up_dialogue")
    assert (minimum["before"], minimum["after"]) == ("no", "yes")
    assert minimum["evidence_before"][0]["providers"] == 2 and minimum["evidence_after"][0]["counts"]["met"] == 1
    assert minimum["evidence_before"][0]["counts"]["met"] == 0
    listed = client.get(url(network), headers=admin).json()["items"]
    assert [i["phase"] for i in listed] == ["before", "after"]


def test_one_self_assessment_per_phase_and_member(client, world: World, network: Network):
    admin = world.headers(Role.ADMIN)
    start(client, network, admin, "before")
    again = client.post(url(network), json={"phase": "before"}, headers=admin)
    assert again.status_code == 409 and again.json()["type"] == "urn:tilsyn:problem:duplicate"
    assert start(client, network, world.headers(Role.ADMIN), "after")["phase"] == "after"


# --- frozen, and changed only with the ETag ----------------------------------------------------------------------


def test_a_submitted_self_assessment_is_409_to_change_or_submit_again(client, world: World, network: Network):
    admin = world.headers(Role.ADMIN)
    body = submitted(client, network, admin)
    read = client.get(url(network, f"/{body['id']}"), headers=admin)
    change = {"answers": [{"question_key": "practice.quality_basis", "judgement": "1"}]}
    headers = {**admin, "If-Match": read.headers["ETag"]}
    refused = client.patch(url(network, f"/{body['id']}"), json=change, headers=headers)
    assert refused.status_code == 409, refused.text
    assert client.post(url(network, f"/{body['id']}/submit"), headers=headers).status_code == 409
    after = client.get(url(network, f"/{body['id']}"), headers=admin).json()
    assert next(a for a in after["answers"] if a["question_key"] == "practice.quality_basis")["judgement"] == "5"


def test_answers_need_the_etag_a_level_of_the_questions_scale_and_submission_every_question(
    client, world: World, network: Network
):
    admin = world.headers(Role.ADMIN)
    draft = start(client, network, admin)
    path = url(network, f"/{draft['id']}")
    change = {"answers": [{"question_key": "practice.quality_basis", "judgement": "4", "comment": "Skalaen er kendt"}]}
    assert client.patch(path, json=change, headers=admin).status_code == 428
    assert client.patch(path, json=change, headers={**admin, "If-Match": '"99"'}).status_code == 412
    wrong = {"answers": [{"question_key": "practice.quality_basis", "judgement": "yes"}]}
    refused = client.patch(path, json=wrong, headers={**admin, "If-Match": '"1"'})
    assert refused.status_code == 422
    assert [e["location"] for e in refused.json()["errors"]] == ["body.answers.0.judgement"]
    changed = client.patch(path, json=change, headers={**admin, "If-Match": '"1"'})
    assert changed.status_code == 200 and changed.headers["ETag"] == '"2"'
    answer = next(a for a in changed.json()["answers"] if a["question_key"] == "practice.quality_basis")
    assert (answer["judgement"], answer["judgement_label"], answer["comment"]) == (
        "4",
        "4 - i høj grad",
        "Skalaen er kendt",
    )
    incomplete = client.post(path + "/submit", headers={**admin, "If-Match": '"2"'})
    assert incomplete.status_code == 422
    assert "answers.minimum.impartiality" in [e["location"] for e in incomplete.json()["errors"]]


# --- the network's distribution ------------------------------------------------------------------------------------


def third_member(db: Session, network: Network, *, named: bool = False) -> UserAccount:
    municipality = factories.municipality(db)
    member(db, network, municipality, named=named)
    return factories.user(db, municipality, Role.ADMIN)


def test_the_distribution_is_hidden_until_m_municipalities_submitted_and_never_says_who_answered_what(
    client, db, world: World, network: Network, settings
):
    submitted(client, network, world.headers(Role.ADMIN), level=0)
    neighbour = factories.headers_for(settings, world.neighbour_admin)
    submitted(client, network, neighbour, level=-1)
    hidden = client.get(url(network, "/distribution"), params={"phase": "before"}, headers=neighbour).json()
    assert (hidden["min_municipalities"], hidden["members"], hidden["submitted"]) == (3, 2, 2)
    assert hidden["named_municipalities"] == []
    assert all(not q["shown"] and q["levels"] is None for q in hidden["questions"])
    assert next(q for q in hidden["questions"] if q["question_key"] == "minimum.impartiality")["own"] == "yes"

    third = factories.headers_for(settings, third_member(db, network))
    submitted(client, network, third, level=-1)
    shown = client.get(url(network, "/distribution"), params={"phase": "before"}, headers=neighbour).json()
    impartiality = next(q for q in shown["questions"] if q["question_key"] == "minimum.impartiality")
    assert (impartiality["shown"], impartiality["answered"], impartiality["own"]) == (True, 3, "yes")
    assert [(lc["value"], lc["municipalities"]) for lc in impartiality["levels"]] == [
        ("no", 1),
        ("partly", 0),
        ("yes", 2),
    ]
    assert shown["named_municipalities"] == [world.municipality.name]  # the only one that agreed
    assert world.neighbour.name not in str(shown)


def test_a_member_that_leaves_counts_in_no_distribution_computed_afterwards(
    client, db, world: World, network: Network, settings
):
    for headers in (world.headers(Role.ADMIN), factories.headers_for(settings, world.neighbour_admin)):
        submitted(client, network, headers)
    third = factories.headers_for(settings, third_member(db, network))
    submitted(client, network, third)
    admin = world.headers(Role.ADMIN)
    assert client.get(url(network, "/distribution"), params={"phase": "before"}, headers=admin).json()["submitted"] == 3
    leaving = db.get(NetworkMembership, member_row(db, network, world.neighbour).id)
    leaving.status = MembershipStatus.LEFT
    db.add(leaving)
    db.commit()
    body = client.get(url(network, "/distribution"), params={"phase": "before"}, headers=admin).json()
    assert (body["members"], body["submitted"]) == (2, 2)
    assert all(not q["shown"] for q in body["questions"])


def member_row(db: Session, network: Network, municipality: Municipality) -> NetworkMembership:
    statement = select(NetworkMembership).where(
        NetworkMembership.network_id == network.id, NetworkMembership.municipality_id == municipality.id
    )
    return db.exec(statement).one()


# --- who sees what ----------------------------------------------------------------------------------------------


def test_a_municipality_outside_the_network_gets_404_for_every_self_assessment_route(
    client, db, world: World, network: Network
):
    body = submitted(client, network, world.headers(Role.ADMIN))
    outsider_municipality = factories.municipality(db)
    outsider = factories.headers_for(world.settings, factories.user(db, outsider_municipality, Role.ADMIN))
    paths = [
        f"/api/v1/networks/{network.id}/self-assessment/questionnaire",
        url(network),
        url(network, f"/{body['id']}"),
        url(network, "/comparison"),
        url(network, "/distribution?phase=before"),
    ]
    for path in paths:
        assert client.get(path, headers=outsider).status_code == 404, path
    assert client.post(url(network), json={"phase": "before"}, headers=outsider).status_code == 404


def test_another_members_self_assessment_is_404_even_inside_the_network(client, world: World, network: Network):
    body = submitted(client, network, world.headers(Role.ADMIN))
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    assert client.get(url(network, f"/{body['id']}"), headers=neighbour).status_code == 404
    assert client.get(url(network), headers=neighbour).json()["items"] == []


def test_the_administration_writes_supervisors_and_named_participants_read_and_others_are_told_nothing(
    client, db, world: World, network: Network
):
    admin, supervisor = world.headers(Role.ADMIN), world.headers(Role.SUPERVISOR)
    draft = start(client, network, admin)
    assert client.get(url(network, f"/{draft['id']}"), headers=supervisor).status_code == 200
    assert client.post(url(network), json={"phase": "after"}, headers=supervisor).status_code == 403
    leader = world.headers(Role.LEADER)
    assert client.get(url(network, f"/{draft['id']}"), headers=leader).status_code == 404
    for role in (Role.COMMITTEE, Role.STAFF):
        assert client.get(url(network, "/comparison"), headers=world.headers(role)).status_code == 404, role
        assert client.post(url(network), json={"phase": "after"}, headers=world.headers(role)).status_code == 404
    membership = member_row(db, network, world.municipality)
    db.add(
        NetworkParticipant(
            membership_id=membership.id, user_id=world.users[Role.LEADER].id, role=NetworkRole.PARTICIPANT
        )
    )
    db.commit()
    assert client.get(url(network, f"/{draft['id']}"), headers=leader).status_code == 200
    assert client.post(url(network), json={"phase": "after"}, headers=leader).status_code == 403


def test_starting_answering_and_submitting_are_in_the_audit_trail(client, world: World, network: Network):
    submitted(client, network, world.headers(Role.ADMIN))
    events = client.get("/api/v1/audit-events", headers=world.headers(Role.ADMIN)).json()["items"]
    done = {(e["entity_type"], e["action"]) for e in events}
    assert ("self_assessment", "self-assessments-create") in done
    assert ("self_assessment_answer", "self-assessments-update") in done
    assert ("self_assessment", "self-assessments-submit") in done
    assert ("self_assessment_answer", "self-assessments-submit") in done


def test_the_distribution_costs_the_same_queries_for_three_members_as_for_six(
    client, db, world: World, network: Network, settings, engine
):
    for headers in (world.headers(Role.ADMIN), factories.headers_for(settings, world.neighbour_admin)):
        submitted(client, network, headers)
    submitted(client, network, factories.headers_for(settings, third_member(db, network)))

    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            response = client.get(
                url(network, "/distribution"), params={"phase": "before"}, headers=world.headers(Role.ADMIN)
            )
            assert response.status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    three = statements()
    for _ in range(3):
        submitted(client, network, factories.headers_for(settings, third_member(db, network, named=True)))
    assert statements() == three, three
