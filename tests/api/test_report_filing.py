"""Filing a final report in the case system: the KLE subject it is filed under and the SHA-256 of its PDF."""

from __future__ import annotations

import hashlib

from sqlmodel import Session

from domain.access import Role
from domain.filing import DEFAULT_KLE_CLASSIFICATION
from tests.api.conftest import World
from tests.support import reports as flow

MUNICIPALITY = "/api/v1/municipality"


def final_report(client, app, db: Session, world: World) -> dict:
    """A report taken through draft -> sent -> the leader's comment -> final; the report as read after."""
    supervisor, leader = world.headers(Role.SUPERVISOR), world.headers(Role.LEADER)
    visit = flow.completed_visit(client, db, world)
    flow.set_today(app, flow.SENT_ON)
    report = flow.draft(client, supervisor, visit["id"])
    for response in (
        flow.send(client, supervisor, report["id"]),
        flow.comment(client, leader, report["id"], "Vi arbejder videre med sproget i vuggestuen."),
        flow.finalise(client, supervisor, report["id"]),
    ):
        assert response.status_code == 200, response.text
    return client.get(flow.report_url(report["id"]), headers=supervisor).json()


def set_kle(client, world: World, value: str):
    admin = world.headers(Role.ADMIN)
    tag = client.get(MUNICIPALITY, headers=admin).headers["etag"]
    return client.patch(MUNICIPALITY, json={"kle_classification": value}, headers={**admin, "If-Match": tag})


def served_sha256(client, world: World, report_id: str) -> str:
    pdf = client.get(flow.report_url(report_id, "/pdf"), headers=world.headers(Role.SUPERVISOR))
    assert pdf.status_code == 200, pdf.text
    return hashlib.sha256(pdf.content).hexdigest()


def test_a_final_reports_sha256_is_that_of_the_pdf_it_serves_and_follows_its_publication(client, app, db, world):
    report = final_report(client, app, db, world)

    assert report["kle_classification"] == DEFAULT_KLE_CLASSIFICATION
    assert report["pdf_sha256"] == served_sha256(client, world, report["id"])
    assert report["pdf_sha256"] == served_sha256(client, world, report["id"])  # the same report, the same bytes

    published = flow.publish(client, world.headers(Role.LEADER), report["id"], {"url": "https://b.example/tilsyn"})
    assert published.status_code == 200, published.text
    # Publication prints its date on the document: the hash follows what GET .../pdf now serves.
    assert published.json()["pdf_sha256"] == served_sha256(client, world, report["id"])
    assert published.json()["pdf_sha256"] != report["pdf_sha256"]


def test_a_draft_has_no_kle_number_or_hash_until_it_is_final(client, db, world):
    visit = flow.completed_visit(client, db, world)
    draft = flow.draft(client, world.headers(Role.SUPERVISOR), visit["id"])
    assert draft["kle_classification"] is None and draft["pdf_sha256"] is None


def test_a_report_is_filed_under_the_municipalitys_kle_number_as_it_was_when_the_report_became_final(
    client, app, db, world
):
    changed = set_kle(client, world, "28.06.02 G01")
    assert changed.status_code == 200, changed.text
    assert changed.json()["kle_classification"] == "28.06.02 G01"

    report = final_report(client, app, db, world)
    assert report["kle_classification"] == "28.06.02 G01"

    assert set_kle(client, world, "28.06.04").status_code == 200
    again = client.get(flow.report_url(report["id"]), headers=world.headers(Role.SUPERVISOR)).json()
    assert again["kle_classification"] == "28.06.02 G01"


def test_a_kle_number_not_of_the_form_nn_nn_nn_is_refused_naming_the_field(client, world):
    for bad in ("28.6", "28.06.02G01", "28.06.02 g01", "28.06.02 G1", "aa.bb.cc"):
        response = set_kle(client, world, bad)
        assert response.status_code == 422, bad
        assert [e["location"] for e in response.json()["errors"]] == ["body.kle_classification"], bad
    assert client.get(MUNICIPALITY, headers=world.headers(Role.ADMIN)).json()["kle_classification"] == (
        DEFAULT_KLE_CLASSIFICATION
    )
