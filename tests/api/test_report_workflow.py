"""The report workflow over HTTP: draft -> sent -> the leader's comment -> final -> published, the privacy guard,
corrections, and the case system filing the final report."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from domain.access import Role
from tests.api.conftest import World
from tests.api.test_auth import bearer, client_token, create_client
from tests.support import reports as r
from tests.support.payloads import PROBLEM

CPR = "010203-1234"  # a valid date (1 February 1903), so the guard takes it for the CPR number it is


@pytest.fixture(autouse=True)
def fixed_today(app):
    r.set_today(app, r.SENT_ON)


def sent_report(client, db: Session, world: World, **body) -> dict:
    visit = r.completed_visit(client, db, world)
    report = r.draft(client, world.headers(Role.SUPERVISOR), visit["id"], **body)
    sent = r.send(client, world.headers(Role.SUPERVISOR), report["id"])
    assert sent.status_code == 200, sent.text
    return sent.json()


def test_a_completed_visit_yields_a_draft_and_a_cpr_number_blocks_finalisation_where_it_is(
    client, db: Session, world: World
):
    supervisor, leader = world.headers(Role.SUPERVISOR), world.headers(Role.LEADER)
    visit = r.completed_visit(client, db, world, percent=75)
    r.recommend(client, supervisor, visit["id"], "Styrk sprogarbejdet i vuggestuen.", "2027-01-15")
    leaky = r.recommend(client, supervisor, visit["id"], f"Barnet {CPR} skal have støtte i overgangene.", "2027-03-01")
    summary = f"Et godt læringsmiljø.\nVi talte om barnet med cpr {CPR} i garderoben."

    created = r.create(client, supervisor, visit["id"], summary=summary)
    assert created.status_code == 201, created.text
    report = created.json()
    assert created.headers["location"].endswith(r.report_url(report["id"]))
    assert created.headers["etag"] == '"1"'
    assert report["status"] == "draft" and report["scope"] == "provider" and report["report_version"] == 1
    content = report["content"]
    assert content["provider_name"] == world.provider.name
    assert content["band_label_da"] == "god" and content["percent"] == 75
    assert content["concern_label_da"] == "ingen bekymring"
    assert content["scope_label_da"] == "hele dagtilbuddet"
    assert content["visit_kind_label_da"] == "anmeldt tilsyn" and content["visit_date"] == r.HELD_ON
    assert content["supervisors"] == [world.users[Role.SUPERVISOR].full_name]
    assert [t["text"] for t in content["recommendations"]][1] == leaky["text"]

    assert r.send(client, supervisor, report["id"]).status_code == 200
    assert r.comment(client, leader, report["id"], "Tak for et grundigt tilsyn.").status_code == 200
    before = client.get(r.report_url(report["id"]), headers=supervisor)

    refused = r.finalise(client, supervisor, report["id"])
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == PROBLEM
    errors = {e["location"]: e["detail"] for e in refused.json()["errors"]}
    assert set(errors) == {"report.summary", "report.recommendations[1].text"}
    assert "line 2, column 28" in errors["report.summary"] and "CPR" in errors["report.summary"]
    assert "line 1, column 8" in errors["report.recommendations[1].text"]
    said = refused.json()["detail"] + " ".join(errors.values())
    assert CPR not in refused.text and "1234" not in said  # the refusal never repeats the number

    after = client.get(r.report_url(report["id"]), headers=supervisor)
    assert after.json() == before.json() and after.headers["etag"] == before.headers["etag"]
    assert after.json()["status"] == "sent" and after.json()["finalised_on"] is None

    # Removing the number from the summary is not enough while the recommendation still holds one.
    fixed = r.act(client, "PATCH", supervisor, report["id"], body={"summary": "Et godt læringsmiljø."})
    assert fixed.status_code == 200, fixed.text
    still = r.finalise(client, supervisor, report["id"])
    assert [e["location"] for e in still.json()["errors"]] == ["report.recommendations[1].text"]
    rec_url = f"{r.V1}/recommendations/{leaky['id']}"
    rewritten = client.patch(
        rec_url, json={"text": "Styrk overgangene for de yngste."}, headers={**supervisor, "If-Match": '"1"'}
    )
    assert rewritten.status_code == 200, rewritten.text

    final = r.finalise(client, supervisor, report["id"])
    assert final.status_code == 200, final.text
    assert final.json()["status"] == "final" and final.json()["finalised_on"] == r.SENT_ON.isoformat()
    assert final.json()["content"]["summary"] == "Et godt læringsmiljø."


def test_the_whole_path_from_draft_to_published_with_the_leaders_comment(client, db: Session, world: World):
    supervisor, leader, staff = world.headers(Role.SUPERVISOR), world.headers(Role.LEADER), world.headers(Role.STAFF)
    visit = r.completed_visit(client, db, world)
    rec = r.recommend(client, supervisor, visit["id"], "Arbejd med sprog i hverdagens rutiner.", "2027-02-01")
    r.follow_up(client, leader, visit["id"])
    report = r.draft(client, supervisor, visit["id"], summary="Et trygt og legende læringsmiljø.")
    url = r.report_url(report["id"])

    # The supervisor's draft is not the provider's business yet.
    for headers in (leader, staff):
        assert client.get(url, headers=headers).status_code == 404
        assert client.get(f"{r.V1}/reports", headers=headers).json()["items"] == []
    assert r.comment(client, leader, report["id"], "For tidligt.").status_code == 404

    sent = r.send(client, supervisor, report["id"])
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "sent" and sent.json()["sent_on"] == r.SENT_ON.isoformat()
    assert sent.json()["comment_window_ends"] == r.WINDOW_ENDS.isoformat()  # the default policy's 14 days
    assert client.get(url, headers=staff).status_code == 200
    seen = client.get(f"{r.V1}/reports", headers=leader).json()["items"]
    assert [item["id"] for item in seen] == [report["id"]]

    commented = r.comment(client, leader, report["id"], "Vi tager anbefalingerne med i udviklingsplanen.")
    assert commented.status_code == 200, commented.text
    assert commented.json()["content"]["leader_comment"] == "Vi tager anbefalingerne med i udviklingsplanen."
    assert commented.json()["content"]["follow_up"]["number"] == 1
    assert r.comment(client, staff, report["id"], "Medarbejderne er enige.").status_code == 403

    final = r.finalise(client, supervisor, report["id"])
    assert final.status_code == 200, final.text
    frozen = final.json()["content"]
    # The content is frozen: a later change to the recommendation does not rewrite the final report.
    changed = client.patch(
        f"{r.V1}/recommendations/{rec['id']}",
        json={"text": "Noget helt andet."},
        headers={**supervisor, "If-Match": '"1"'},
    )
    assert changed.status_code == 200
    assert client.get(url, headers=supervisor).json()["content"] == frozen

    published = r.publish(client, leader, report["id"], {"url": "https://boernehuset.example/tilsyn"})
    assert published.status_code == 200, published.text
    body = published.json()
    assert body["status"] == "published" and body["published_on"] == r.SENT_ON.isoformat()
    assert body["published_by"] == world.users[Role.LEADER].full_name
    assert body["content"]["published_on"] == r.SENT_ON.isoformat()
    assert body["content"]["extra"]["published_url"] == "https://boernehuset.example/tilsyn"
    assert body["content"]["recommendations"] == frozen["recommendations"]

    # Published means immutable.
    refusals = {
        "patch": r.act(client, "PATCH", supervisor, report["id"], body={"summary": "Ændret."}),
        "send": r.send(client, supervisor, report["id"]),
        "finalise": r.finalise(client, supervisor, report["id"]),
        "publish": r.publish(client, supervisor, report["id"]),
        "comment": r.comment(client, leader, report["id"], "En sen kommentar."),
    }
    for what, response in refusals.items():
        assert response.status_code == 409, (what, response.text)
        assert response.headers["content-type"] == PROBLEM
    assert client.get(url, headers=supervisor).json()["version"] == body["version"]


def test_finalising_waits_for_the_leader_and_the_window_closes(client, app, db: Session, world: World):
    supervisor, leader = world.headers(Role.SUPERVISOR), world.headers(Role.LEADER)
    report = sent_report(client, db, world)

    early = r.finalise(client, supervisor, report["id"])
    assert early.status_code == 409, early.text
    assert r.WINDOW_ENDS.isoformat() in early.json()["detail"]

    r.set_today(app, r.WINDOW_ENDS)  # the last day of the window still counts
    assert r.comment(client, leader, report["id"], "Første udkast til kommentar.").status_code == 200
    assert r.comment(client, leader, report["id"], "Vores endelige kommentar.").status_code == 200

    r.set_today(app, date(2026, 12, 10))
    late = r.comment(client, leader, report["id"], "For sent.")
    assert late.status_code == 409, late.text
    assert "2026-12-09" in late.json()["detail"]
    final = r.finalise(client, supervisor, report["id"])
    assert final.status_code == 200, final.text
    assert final.json()["content"]["leader_comment"] == "Vores endelige kommentar."


def test_without_a_comment_the_report_becomes_final_after_the_window(client, app, db: Session, world: World):
    report = sent_report(client, db, world)
    r.set_today(app, date(2026, 12, 10))
    final = r.finalise(client, world.headers(Role.SUPERVISOR), report["id"])
    assert final.status_code == 200, final.text
    assert final.json()["leader_comment"] is None and final.json()["content"]["leader_comment"] is None


def test_only_a_sent_report_is_finalised_and_only_a_final_one_published(client, db: Session, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    visit = r.completed_visit(client, db, world)
    report = r.draft(client, supervisor, visit["id"])
    assert r.finalise(client, supervisor, report["id"]).status_code == 409
    assert r.publish(client, supervisor, report["id"]).status_code == 409
    assert r.comment(client, world.headers(Role.LEADER), report["id"], "Hej.").status_code == 404  # a draft
    assert r.send(client, supervisor, report["id"]).status_code == 200
    assert r.send(client, supervisor, report["id"]).status_code == 409
    assert r.publish(client, supervisor, report["id"]).status_code == 409


def test_personal_data_in_the_leaders_comment_is_refused_when_given(client, db: Session, world: World):
    report = sent_report(client, db, world)
    response = r.comment(client, world.headers(Role.LEADER), report["id"], "Ring til mig på 20 30 40 50.")
    assert response.status_code == 422, response.text
    assert [e["location"] for e in response.json()["errors"]] == ["body.comment"]
    assert "20 30 40 50" not in response.text


def test_a_published_report_is_corrected_by_a_version_that_supersedes_it(client, app, db: Session, world: World):
    supervisor, leader = world.headers(Role.SUPERVISOR), world.headers(Role.LEADER)
    visit = r.completed_visit(client, db, world)
    first = r.published_report(client, app, world, visit["id"], summary="Første udgave.")

    assert r.create(client, supervisor, visit["id"]).status_code == 409  # one open report per visit and scope
    note = "Procentsatsen for relationer var forkert gengivet i resuméet."
    response = client.post(
        r.report_url(first["id"], "/corrections"),
        json={"correction_note": note, "summary": "Rettet udgave."},
        headers=supervisor,
    )
    assert response.status_code == 201, response.text
    correction = response.json()
    assert response.headers["location"].endswith(r.report_url(correction["id"]))
    assert correction["status"] == "draft" and correction["report_version"] == 2
    assert correction["replaces_id"] == first["id"] and correction["correction_note"] == note
    assert correction["content"]["replaces_version"] == 1 and correction["content"]["correction_note"] == note
    assert correction["content"]["summary"] == "Rettet udgave." and correction["content"]["report_version"] == 2

    again = client.post(r.report_url(first["id"], "/corrections"), json={"correction_note": note}, headers=supervisor)
    assert again.status_code == 409
    not_published = client.post(
        r.report_url(correction["id"], "/corrections"), json={"correction_note": note}, headers=supervisor
    )
    assert not_published.status_code == 409

    # Until the correction is published, the first version stays the published one.
    assert client.get(r.report_url(first["id"]), headers=leader).json()["status"] == "published"
    for step in (
        r.send(client, supervisor, correction["id"]),
        r.comment(client, leader, correction["id"], "Tak for rettelsen."),
        r.finalise(client, supervisor, correction["id"]),
        r.publish(client, supervisor, correction["id"]),
    ):
        assert step.status_code == 200, step.text

    old = client.get(r.report_url(first["id"]), headers=leader)
    assert old.status_code == 200
    assert old.json()["status"] == "superseded"
    assert old.json()["content"] == first["content"]  # still readable, as it was
    published = client.get(
        f"{r.V1}/reports", params={"provider_id": str(world.provider.id), "status": "published"}, headers=leader
    )
    assert [item["id"] for item in published.json()["items"]] == [correction["id"]]
    superseded = client.post(
        r.report_url(first["id"], "/corrections"), json={"correction_note": note}, headers=supervisor
    )
    assert superseded.status_code == 409
    assert r.act(client, "PATCH", supervisor, first["id"], body={"summary": "Nej."}).status_code == 409


def test_the_case_system_files_a_final_report_and_a_supervisor_may_not(client, db: Session, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    report = sent_report(client, db, world)
    reference = {
        "case_id": "SAG-4711",
        "case_number": "28.09.04-G01-12-26",
        "document_id": "DOK-99812",
        "filed_at": "2026-11-25T10:15:00+01:00",
    }
    case_system = bearer(
        client_token(client, create_client(client, world, ["reports:read", "reports:file"])).json()["access_token"]
    )
    reader_only = bearer(client_token(client, create_client(client, world, ["reports:read"])).json()["access_token"])
    url = r.report_url(report["id"], "/case-reference")

    not_final = client.put(url, json=reference, headers={**case_system, "If-Match": '"2"'})
    assert not_final.status_code == 409, not_final.text

    assert r.comment(client, world.headers(Role.LEADER), report["id"], "Ingen bemærkninger.").status_code == 200
    final = r.finalise(client, supervisor, report["id"])
    assert final.status_code == 200, final.text
    tag = final.headers["etag"]

    assert client.put(url, json=reference, headers={**supervisor, "If-Match": tag}).status_code == 403
    assert client.put(url, json=reference, headers={**reader_only, "If-Match": tag}).status_code == 403
    assert client.put(url, json=reference, headers=case_system).status_code == 428
    assert client.put(url, json=reference, headers={**case_system, "If-Match": '"1"'}).status_code == 412

    filed = client.put(url, json=reference, headers={**case_system, "If-Match": tag})
    assert filed.status_code == 200, filed.text
    body = filed.json()
    assert (body["case_id"], body["case_number"], body["document_id"]) == (
        "SAG-4711",
        "28.09.04-G01-12-26",
        "DOK-99812",
    )
    assert body["filed_at"].startswith("2026-11-25T09:15:00")  # kept in UTC
    assert body["content"] == final.json()["content"]  # filing changes no word of the report
    assert filed.headers["etag"] != tag

    naive = client.put(
        url, json={**reference, "filed_at": "2026-11-25T10:15:00"}, headers={**case_system, "If-Match": "*"}
    )
    assert naive.status_code == 422
    assert [e["location"] for e in naive.json()["errors"]] == ["body.filed_at"]


def test_a_stale_or_missing_if_match_changes_nothing(client, db: Session, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    visit = r.completed_visit(client, db, world)
    report = r.draft(client, supervisor, visit["id"], summary="Uændret.")
    stale = r.act(client, "PATCH", supervisor, report["id"], body={"summary": "Ændret."}, if_match='"7"')
    assert stale.status_code == 412, stale.text
    assert stale.headers["content-type"] == PROBLEM
    missing = client.patch(r.report_url(report["id"]), json={"summary": "Ændret."}, headers=supervisor)
    assert missing.status_code == 428
    assert r.send(client, supervisor, report["id"], if_match='"7"').status_code == 412
    after = client.get(r.report_url(report["id"]), headers=supervisor).json()
    assert after["summary"] == "Uændret." and after["status"] == "draft" and after["version"] == 1


def test_the_leaders_comment_needs_if_match_like_every_other_change(client, db: Session, world: World):
    leader = world.headers(Role.LEADER)
    report = sent_report(client, db, world)
    url = r.report_url(report["id"], "/leader-comment")
    missing = client.put(url, json={"comment": "Uden ETag."}, headers=leader)
    assert missing.status_code == 428, missing.text
    assert missing.headers["content-type"] == PROBLEM
    first = r.comment(client, leader, report["id"], "Vores kommentar.")
    assert first.status_code == 200, first.text
    stale = r.comment(client, leader, report["id"], "Overskriver en kommentar, jeg ikke har set.", if_match='"1"')
    assert stale.status_code == 412, stale.text
    after = client.get(r.report_url(report["id"]), headers=leader)
    assert after.json()["leader_comment"] == "Vores kommentar." and after.headers["etag"] == first.headers["etag"]


def test_a_correction_keeps_the_day_the_first_version_was_published(client, app, db: Session, world: World):
    supervisor, leader = world.headers(Role.SUPERVISOR), world.headers(Role.LEADER)
    visit = r.completed_visit(client, db, world)
    first = r.published_report(client, app, world, visit["id"])
    assert first["published_on"] == first["first_published_on"] == r.SENT_ON.isoformat()

    r.set_today(app, date(2027, 3, 1))
    note = "Procentsatsen for relationer var forkert gengivet."
    correction = client.post(
        r.report_url(first["id"], "/corrections"), json={"correction_note": note}, headers=supervisor
    )
    assert correction.status_code == 201, correction.text
    assert correction.json()["first_published_on"] is None  # not published yet
    for step in (
        r.send(client, supervisor, correction.json()["id"]),
        r.comment(client, leader, correction.json()["id"], "Tak for rettelsen."),
        r.finalise(client, supervisor, correction.json()["id"]),
        r.publish(client, supervisor, correction.json()["id"]),
    ):
        assert step.status_code == 200, step.text
    published = step.json()
    assert published["published_on"] == "2027-03-01"
    assert published["first_published_on"] == r.SENT_ON.isoformat()
    listed = client.get(f"{r.V1}/reports", params={"status": "published"}, headers=leader).json()["items"]
    assert [(i["id"], i["first_published_on"]) for i in listed] == [(published["id"], r.SENT_ON.isoformat())]
