"""Reports over HTTP: what a draft may be about, what it says, who sees it, and the PDF and HTML documents."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from sqlmodel import Session

from domain.access import Role
from domain.instruments import DEMO_INSTRUMENT
from domain.policy import KOLDING_DEFAULT
from domain.providers import ProviderKind, UnitKind
from tests.api.conftest import World
from tests.api.test_auth import bearer, client_token, create_client
from tests.support import factories, visit_data, workflow
from tests.support import reports as r
from tests.support.payloads import PROBLEM


@pytest.fixture(autouse=True)
def fixed_today(app):
    r.set_today(app, r.SENT_ON)


# What a draft may be about


def test_only_a_completed_visit_gets_a_report_and_only_from_the_supervision(client, db: Session, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    planned = workflow.plan_visit(
        client,
        supervisor,
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        instrument_id=workflow.demo_instrument_id(db, world.municipality.id),
    )
    refused = r.create(client, supervisor, planned["id"])
    assert refused.status_code == 409 and refused.headers["content-type"] == PROBLEM
    visit = r.completed_visit(client, db, world)
    for role in (Role.LEADER, Role.STAFF, Role.PARENT_BOARD, Role.COMMITTEE):
        assert r.create(client, world.headers(role), visit["id"]).status_code == 403, role
    assert r.create(client, world.headers(Role.ADMIN), visit["id"]).status_code == 201


def test_one_open_report_per_visit_scope_and_unit(client, db: Session, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    first, second = factories.unit(db, world.provider), factories.unit(db, world.provider)
    visit = r.completed_visit_with_units(client, db, world, world.provider, [(first, 80), (second, 60)])
    assert r.create(client, supervisor, visit["id"]).status_code == 201
    duplicate = r.create(client, supervisor, visit["id"], scope="provider")
    assert duplicate.status_code == 409
    assert duplicate.json()["type"] == "urn:tilsyn:problem:duplicate"
    for unit in (first, second):
        assert r.create(client, supervisor, visit["id"], scope="unit", unit_id=str(unit.id)).status_code == 201
    again = r.create(client, supervisor, visit["id"], scope="unit", unit_id=str(first.id))
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"scope": "combined"}, "body.scope"),  # an institution is no dagpleje
        ({"scope": "unit"}, "body.unit_id"),  # which unit?
        ({"scope": "unit", "unit_id": "elsewhere"}, "body.unit_id"),  # a unit the visit did not cover
        ({"scope": "provider", "unit_id": "visited"}, "body.unit_id"),  # a unit only on a unit report
        ({"scope": "everything"}, "body.scope"),
    ],
)
def test_a_report_is_about_the_provider_or_one_of_the_visits_units(client, db: Session, world: World, body, location):
    visited, elsewhere = factories.unit(db, world.provider), factories.unit(db, world.provider)
    visit = r.completed_visit_with_units(client, db, world, world.provider, [(visited, 80)])
    units = {"visited": str(visited.id), "elsewhere": str(elsewhere.id)}
    body = {k: units.get(v, v) if k == "unit_id" else v for k, v in body.items()}
    response = r.create(client, world.headers(Role.SUPERVISOR), visit["id"], **body)
    assert response.status_code == 422, response.text
    assert [e["location"] for e in response.json()["errors"]] == [location]


def test_the_dagpleje_gets_one_combined_report_and_no_report_per_dagplejer(client, db: Session, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    dagpleje = factories.provider(db, world.municipality, kind=ProviderKind.MUNICIPAL_CHILDMINDING, age_groups=["0-2"])
    anne = factories.unit(db, dagpleje, name="Dagplejer Anne", kind=UnitKind.CHILDMINDER)
    bo = factories.unit(db, dagpleje, name="Dagplejer Bo", kind=UnitKind.CHILDMINDER)
    visit = r.completed_visit_with_units(client, db, world, dagpleje, [(anne, 90), (bo, 40)])

    provider_scope = r.create(client, supervisor, visit["id"], scope="provider")
    assert provider_scope.status_code == 422
    assert "combined" in provider_scope.json()["errors"][0]["detail"]
    one = r.create(client, supervisor, visit["id"], scope="unit", unit_id=str(bo.id))
    assert one.status_code == 422, one.text  # a dagplejer's own result stays internal
    assert [e["location"] for e in one.json()["errors"]] == ["body.unit_id"]
    content = r.draft(client, supervisor, visit["id"], scope="combined")["content"]
    assert content["scope_label_da"] == "samlet rapport for dagplejen"
    assert content["provider_kind_label_da"] == "kommunal dagpleje"
    assert content["unit_names"] == [] and content["unit_results"] == []


def test_a_dagpleje_observed_as_a_whole_gets_a_combined_report_on_the_visits_own_result(
    client, db: Session, world: World
):
    supervisor = world.headers(Role.SUPERVISOR)
    dagpleje = factories.provider(db, world.municipality, kind=ProviderKind.MUNICIPAL_CHILDMINDING, age_groups=["0-2"])
    factories.unit(db, dagpleje, name="Dagplejer Anne", kind=UnitKind.CHILDMINDER)
    visit = r.completed_visit(client, db, world, provider=dagpleje, percent=75)  # no dagplejer observed on their own

    content = r.draft(client, supervisor, visit["id"], scope="combined")["content"]

    # Not "ikke vurderet" and "0 dagplejere": the report rests on the dagpleje's own assessment at the visit.
    assert (content["percent"], content["band_label_da"], content["concern_label_da"]) == (
        75.0,
        "god",
        "ingen bekymring",
    )
    assert content["band_counts"] == [] and content["concern_counts"] == [] and content["period_from"] is None


# What a report says


def test_the_content_shows_both_perspectives_the_scale_and_the_data_used(client, db: Session, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    unit = factories.unit(db, world.provider, name="Vuggestuen")
    visit = r.completed_visit_with_units(
        client, db, world, world.provider, [(unit, 75)], co_observer_id=world.users[Role.ADMIN].id
    )
    visit_data.concern_notice(db, world.provider, visit_id=uuid.UUID(visit["id"]))
    content = r.draft(client, supervisor, visit["id"])["content"]

    assert content["municipality_name"] == world.municipality.name
    assert content["supervisors"] == [world.users[Role.SUPERVISOR].full_name, world.users[Role.ADMIN].full_name]
    assert content["data_used"] == [
        f"Systematisk observation ({DEMO_INSTRUMENT.name}, version 1)",
        "Dialog med ledelse og medarbejdere",
        "Bekymringshenvendelser",
    ]
    assert [(b["label_da"], b["lower_bound"], b["concern_label_da"]) for b in content["band_scale"]] == [
        (b.label_da, b.lower_bound, b.concern.label_da) for b in KOLDING_DEFAULT.bands_high_to_low()
    ]
    assert content["policy_version"] == 0
    assert content["areas"] and all(a["level"] == "area" and a["percent"] is not None for a in content["areas"])
    area_names = {a["name"] for a in content["areas"]}
    assert content["themes"] and all(t["level"] == "theme" and t["area"] in area_names for t in content["themes"])
    assert content["consequences"][0] == {
        "text": "Ingen bekymring: det almindelige tilsyn fortsætter",
        "legal_reference": "dagtilbudsloven §5b, stk. 1-2",
        "due_on": None,
    }
    assert any(c["text"] == "Orienter forældrebestyrelsen" for c in content["consequences"])
    assert content["earlier"] is None and content["follow_up"] is None and content["recommendations"] == []


def test_concern_shows_what_follows_with_the_paragraph_and_the_deadline(client, db: Session, world: World):
    visit = r.completed_visit(
        client, db, world, percent=25, strengths=["Nærværende voksne i vuggestuen."]
    )  # ringe: alvorlig bekymring
    content = r.draft(client, world.headers(Role.SUPERVISOR), visit["id"])["content"]
    assert (content["band_label_da"], content["concern_label_da"]) == ("ringe", "alvorlig bekymring")
    assert content["strengths"] == ["Nærværende voksne i vuggestuen."]
    texts = [c["text"] for c in content["consequences"]]
    assert not any(t.startswith("Ingen bekymring") for t in texts)
    start = next(c for c in content["consequences"] if c["text"] == "Iværksæt skærpet tilsyn")
    assert start["legal_reference"] == "dagtilbudsloven §5b, stk. 4" and start["due_on"] == r.HELD_ON
    plan = next(c for c in content["consequences"] if c["text"] == "Udarbejd handleplan")
    assert plan["due_on"] == "2026-12-20"  # the default policy's 30 days for an action plan


def test_a_raised_concern_shows_the_supervisors_justification(client, db: Session, world: World):
    why = "Der var for få voksne på legepladsen i længere tid, og det blev ikke håndteret."
    visit = r.completed_visit(client, db, world, percent=80, concern="concern", justification=why)
    content = r.draft(client, world.headers(Role.SUPERVISOR), visit["id"])["content"]
    assert (content["band_label_da"], content["concern_label_da"]) == ("god", "bekymring")
    assert content["concern_justification"] == why


def test_the_earlier_result_and_report_are_there_for_comparison(client, app, db: Session, world: World):
    first = r.completed_visit(client, db, world, percent=55, held_on="2026-11-02")
    r.published_report(client, app, world, first["id"])
    second = r.completed_visit(client, db, world, percent=75)
    content = r.draft(client, world.headers(Role.SUPERVISOR), second["id"])["content"]
    assert content["earlier"] == {"assessed_on": "2026-11-02", "percent": 55, "band_label_da": "tilstrækkelig"}
    assert f"Tidligere tilsynsrapport ({r.SENT_ON:%d.%m.%Y})" in content["data_used"]
    # The earlier visit's own report knows nothing of the later one.
    earlier = client.get(f"{r.V1}/reports", params={"visit_id": first["id"]}, headers=world.headers(Role.ADMIN))
    assert earlier.json()["items"][0]["status"] == "published"


def test_the_band_scale_and_comment_window_come_from_the_policy(client, app, db: Session, world: World):
    r.set_today(app, date(2026, 11, 1))
    policy = KOLDING_DEFAULT.to_dict()
    policy["bands"] = [
        {"key": "high", "label_da": "høj kvalitet", "lower_bound": 60, "concern": "none"},
        {"key": "low", "label_da": "lav kvalitet", "lower_bound": 0, "concern": "serious_concern"},
    ]
    policy["deadlines"] = {**policy["deadlines"], "leader_comment_days": 7}
    body = {"effective_from": "2026-11-10", "note": "Udvalgets beslutning", "policy": policy}
    assert client.post(f"{r.V1}/policy/versions", json=body, headers=world.headers(Role.ADMIN)).status_code == 201
    r.set_today(app, r.SENT_ON)
    visit = r.completed_visit(client, db, world, percent=75)
    report = r.draft(client, world.headers(Role.SUPERVISOR), visit["id"])
    assert report["content"]["policy_version"] == 1
    assert report["content"]["band_label_da"] == "høj kvalitet"
    assert [b["label_da"] for b in report["content"]["band_scale"]] == ["høj kvalitet", "lav kvalitet"]
    sent = r.send(client, world.headers(Role.SUPERVISOR), report["id"])
    assert sent.json()["comment_window_ends"] == "2026-12-02"


# Who sees what


def test_reports_are_listed_by_provider_visit_and_status_for_whoever_may_see_them(client, db: Session, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    own = r.draft(client, supervisor, r.completed_visit(client, db, world)["id"])
    other_visit = r.completed_visit(client, db, world, provider=world.other_provider)
    other = r.draft(client, supervisor, other_visit["id"])
    sent = r.send(client, supervisor, own["id"]).json()

    def ids(headers, **params) -> list[str]:
        response = client.get(f"{r.V1}/reports", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert set(ids(supervisor)) == {own["id"], other["id"]}
    assert ids(supervisor, provider_id=str(world.other_provider.id)) == [other["id"]]
    assert ids(supervisor, visit_id=other_visit["id"]) == [other["id"]]
    assert ids(supervisor, status="sent") == [own["id"]]
    assert set(ids(world.headers(Role.COMMITTEE))) == {own["id"], other["id"]}  # drafts too
    for role in (Role.LEADER, Role.STAFF, Role.PARENT_BOARD):
        assert ids(world.headers(role)) == [sent["id"]], role
        assert ids(world.headers(role), provider_id=str(world.other_provider.id)) == []
        assert client.get(r.report_url(other["id"]), headers=world.headers(role)).status_code == 404
    integration = bearer(client_token(client, create_client(client, world, ["reports:read"])).json()["access_token"])
    assert set(ids(integration)) == {own["id"], other["id"]}
    without_scope = bearer(
        client_token(client, create_client(client, world, ["providers:read"])).json()["access_token"]
    )
    assert client.get(f"{r.V1}/reports", headers=without_scope).status_code == 403

    page = client.get(f"{r.V1}/reports", params={"limit": 1}, headers=supervisor)
    assert len(page.json()["items"]) == 1 and 'rel="next"' in page.headers["link"]
    assert "content" not in page.json()["items"][0]


def test_another_municipality_sees_nothing(client, db: Session, world: World):
    report = r.draft(client, world.headers(Role.SUPERVISOR), r.completed_visit(client, db, world)["id"])
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    for tail in ("", "/pdf", "/html"):
        response = client.get(r.report_url(report["id"], tail), headers=neighbour)
        assert response.status_code == 404, tail
        assert response.headers["content-type"] == PROBLEM
    assert client.get(f"{r.V1}/reports", headers=neighbour).json()["items"] == []
    patched = client.patch(r.report_url(report["id"]), json={"summary": "Nej."}, headers={**neighbour, "If-Match": "*"})
    assert patched.status_code == 404
    assert r.create(client, neighbour, report["visit_id"]).status_code == 404


# The documents


def final_report(client, db: Session, world: World) -> dict:
    supervisor = world.headers(Role.SUPERVISOR)
    visit = r.completed_visit(client, db, world, percent=75)
    r.recommend(client, supervisor, visit["id"], "Styrk sprogarbejdet i vuggestuen.", "2027-01-15")
    r.recommend(client, supervisor, visit["id"], "Giv børnene mere indflydelse på dagens aktiviteter.", "2027-03-01")
    report = r.draft(client, supervisor, visit["id"], summary="Et trygt læringsmiljø med nærværende voksne.")
    assert r.send(client, supervisor, report["id"]).status_code == 200
    assert r.comment(client, world.headers(Role.LEADER), report["id"], "Tak for dialogen.").status_code == 200
    final = r.finalise(client, supervisor, report["id"])
    assert final.status_code == 200, final.text
    return final.json()


def test_the_final_pdf_holds_the_provider_the_results_and_every_recommendation(
    client, db: Session, world: World, tmp_path
):
    report = final_report(client, db, world)
    response = client.get(r.report_url(report["id"], "/pdf"), headers=world.headers(Role.STAFF))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("inline;")
    assert re.search(r'filename="tilsynsrapport-[a-z0-9-]+-2026-11-20\.pdf"', disposition), disposition
    assert response.content.startswith(b"%PDF")

    text = " ".join(r.pdf_text(response.content, tmp_path).split())
    assert world.provider.name in text
    assert "god" in text and "ingen bekymring" in text
    for recommendation in report["content"]["recommendations"]:
        assert " ".join(recommendation["text"].split()) in text, recommendation["text"]


def test_the_html_page_shows_the_report_to_whoever_may_read_it(client, db: Session, world: World):
    report = final_report(client, db, world)
    response = client.get(r.report_url(report["id"], "/html"), headers=world.headers(Role.PARENT_BOARD))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert world.provider.name in response.text
    assert "Giv børnene mere indflydelse på dagens aktiviteter." in response.text

    draft = r.draft(
        client, world.headers(Role.SUPERVISOR), r.completed_visit(client, db, world, held_on="2026-11-21")["id"]
    )
    assert client.get(r.report_url(draft["id"], "/html"), headers=world.headers(Role.LEADER)).status_code == 404
    assert client.get(r.report_url(draft["id"], "/pdf"), headers=world.headers(Role.LEADER)).status_code == 404
    supervisor_view = client.get(r.report_url(draft["id"], "/pdf"), headers=world.headers(Role.SUPERVISOR))
    assert supervisor_view.status_code == 200 and supervisor_view.content.startswith(b"%PDF")


# Unit names are published text


def test_a_unit_named_with_a_phone_number_is_refused_when_created_or_renamed(client, db: Session, world: World):
    admin = world.headers(Role.ADMIN)
    body = {"name": "Dagplejer Anne 22 33 44 55", "kind": "childminder"}
    created = client.post(f"{r.V1}/providers/{world.provider.id}/units", json=body, headers=admin)
    assert created.status_code == 422, created.text
    assert [(e["location"], e["pointer"]) for e in created.json()["errors"]] == [("body.name", "/name")]
    assert "22 33 44 55" not in created.text

    unit = factories.unit(db, world.provider, name="Dagplejer Anne")
    renamed = client.patch(
        f"{r.V1}/units/{unit.id}", json={"name": "Dagplejer Anne, tlf. 2233-4455"}, headers={**admin, "If-Match": "*"}
    )
    assert renamed.status_code == 422, renamed.text
    assert [(e["location"], e["pointer"]) for e in renamed.json()["errors"]] == [("body.name", "/name")]
    assert client.get(f"{r.V1}/units/{unit.id}", headers=admin).json()["name"] == "Dagplejer Anne"


def test_a_report_that_would_print_a_unit_name_with_a_phone_number_is_not_finalised(client, db: Session, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    # Registered before the guard (or imported straight into the database): the report must still catch it.
    unit = factories.unit(db, world.provider, name="Vuggestuen, tlf. 22 33 44 55")
    visit = r.completed_visit_with_units(client, db, world, world.provider, [(unit, 75)])
    report = r.draft(client, supervisor, visit["id"])
    assert r.send(client, supervisor, report["id"]).status_code == 200
    assert r.comment(client, world.headers(Role.LEADER), report["id"], "Ingen bemærkninger.").status_code == 200
    refused = r.finalise(client, supervisor, report["id"])
    assert refused.status_code == 422, refused.text
    assert [e["location"] for e in refused.json()["errors"]] == ["report.unit_names[0]", "report.unit_results[0].name"]
    assert "22 33 44 55" not in refused.text
    assert client.get(r.report_url(report["id"]), headers=supervisor).json()["status"] == "sent"


# Each report speaks for its own scope


def scores_on_fifteen_items(percent: int) -> dict[str, int | None]:
    """Demo-instrument scores giving `percent` over its first 15 items (0-4 each), so two units pool to their mean."""
    items = list(DEMO_INSTRUMENT.items())
    left = percent * 60 // 100
    assert left * 100 == percent * 60, "choose a percent that 15 items can give exactly"
    scores: dict[str, int | None] = {}
    for item in items[:15]:
        step = min(left, item.scale.max - item.scale.min)
        scores[item.key], left = item.scale.min + step, left - step
    return {**scores, **{item.key: None for item in items[15:]}}


def visit_with_unit_scores(client, db: Session, world: World, scores: list[tuple[object, int]]) -> dict:
    headers = world.headers(Role.SUPERVISOR)
    visit = workflow.plan_visit(
        client,
        headers,
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        planned_on=r.HELD_ON,
        unit_ids=[unit.id for unit, _ in scores],
        instrument_id=workflow.demo_instrument_id(db, world.municipality.id),
    )
    for unit, percent in scores:
        workflow.observe(client, headers, visit["id"], scores_on_fifteen_items(percent), unit_id=unit.id)
    workflow.hold_dialogue(client, headers, visit["id"], r.HELD_ON)
    assert workflow.complete(client, headers, visit["id"], r.HELD_ON).status_code == 200
    return visit


def test_a_units_report_leads_with_the_units_own_result_and_what_its_concern_means(
    client, db: Session, world: World, tmp_path
):
    supervisor = world.headers(Role.SUPERVISOR)
    poor = factories.unit(db, world.provider, name="Vuggestuen Mælkebøtten")
    good = factories.unit(db, world.provider, name="Børnehaven Mælkebøtten")
    visit = visit_with_unit_scores(client, db, world, [(poor, 25), (good, 85)])
    whole = r.draft(client, supervisor, visit["id"])["content"]
    assert (whole["percent"], whole["band_label_da"]) == (55, "tilstrækkelig")  # the pooled provider
    # The unit's ringe escalates the provider: intensified supervision with an action plan, naming the unit.
    episodes = client.get(
        f"{r.V1}/intensified-supervision", params={"provider_id": str(world.provider.id)}, headers=supervisor
    )
    (episode,) = episodes.json()["items"]
    assert episode["state"] == "intensified_with_action_plan" and episode["cause_unit_ids"] == [str(poor.id)]

    report = r.draft(client, supervisor, visit["id"], scope="unit", unit_id=str(poor.id))
    content = report["content"]
    assert (content["percent"], content["band_label_da"], content["concern_label_da"]) == (
        25,
        "ringe",
        "alvorlig bekymring",
    )
    lead = content["consequences"][0]
    assert lead["text"] == "Alvorlig bekymring: skærpet tilsyn med handleplan"
    assert lead["legal_reference"] == "dagtilbudsloven §5b, stk. 4"
    assert all(a["percent"] is not None for a in content["areas"])
    assert [u["name"] for u in content["unit_results"]] == [poor.name]

    pdf = client.get(r.report_url(report["id"], "/pdf"), headers=supervisor)
    text = " ".join(r.pdf_text(pdf.content, tmp_path).replace("\u00a0", " ").split())
    headline = text.index("ringe (25 %)")
    assert headline < text.index("Alvorlig bekymring: skærpet tilsyn med handleplan") < text.index("Resultater")
    assert "tilstrækkelig (55" not in text and "Ingen bekymring: det almindelige" not in text

    other = r.draft(client, supervisor, visit["id"], scope="unit", unit_id=str(good.id))["content"]
    assert (other["band_label_da"], other["concern_label_da"]) == ("god", "ingen bekymring")
    assert other["consequences"][0]["text"] == "Ingen bekymring: det almindelige tilsyn fortsætter"
    assert not any("handleplan" in c["text"] for c in other["consequences"])


def test_a_unit_report_needs_the_unit_observed_on_its_own(client, db: Session, world: World):
    headers = world.headers(Role.SUPERVISOR)
    observed, unobserved = factories.unit(db, world.provider), factories.unit(db, world.provider)
    visit = workflow.plan_visit(
        client,
        headers,
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        planned_on=r.HELD_ON,
        unit_ids=[observed.id, unobserved.id],
        instrument_id=workflow.demo_instrument_id(db, world.municipality.id),
    )
    workflow.observe(client, headers, visit["id"], scores_on_fifteen_items(80), unit_id=observed.id)
    workflow.hold_dialogue(client, headers, visit["id"], r.HELD_ON)
    assert workflow.complete(client, headers, visit["id"], r.HELD_ON).status_code == 200
    # Without its own assessment a unit report could only repeat the provider's result as if it were the unit's.
    refused = r.create(client, headers, visit["id"], scope="unit", unit_id=str(unobserved.id))
    assert refused.status_code == 422, refused.text
    assert "not observed on its own" in refused.json()["errors"][0]["detail"]
    assert r.create(client, headers, visit["id"], scope="unit", unit_id=str(observed.id)).status_code == 201


DAGPLEJERE = {"Xenia Quistgaard": 25, "Yrsa Zachariassen": 85, "Åge Wexøe": 45}


def test_the_dagplejes_combined_report_contains_no_dagplejers_name_next_to_a_percent_band_or_concern_level(
    client, app, db: Session, world: World, tmp_path
):
    supervisor = world.headers(Role.SUPERVISOR)
    dagpleje = factories.provider(db, world.municipality, kind=ProviderKind.MUNICIPAL_CHILDMINDING, age_groups=["0-2"])
    units = {name: factories.unit(db, dagpleje, name=name, kind=UnitKind.CHILDMINDER) for name in DAGPLEJERE}
    xenia, yrsa, aage = units.values()
    before = r.completed_visit_with_units(client, db, world, dagpleje, [(xenia, 25), (yrsa, 85)], held_on="2026-03-02")
    visit = r.completed_visit_with_units(client, db, world, dagpleje, [(aage, 45)])
    outside = r.completed_visit_with_units(client, db, world, dagpleje, [(yrsa, 95)], held_on="2026-11-24")

    report = r.draft(client, supervisor, visit["id"], scope="combined", summary="Dagplejen arbejder godt med sprog.")
    assert r.send(client, supervisor, report["id"]).status_code == 200
    r.set_today(app, date(2026, 12, 10))  # the leader's window is over
    assert r.finalise(client, supervisor, report["id"]).status_code == 200
    published = r.publish(client, supervisor, report["id"])
    assert published.status_code == 200, published.text

    content = published.json()["content"]
    # The dagpleje as a whole over the cycle: the latest of each dagplejer up to this visit, counted, not named.
    assert content["period_from"] == "2024-11-21"
    assert content["percent"] == 51.6 and content["band_label_da"] == "tilstrækkelig"  # (25 + 85 + 45) / 3
    assert content["concern_label_da"] == "alvorlig bekymring"  # the most serious at any dagplejer
    assert [(c["label_da"], c["count"]) for c in content["band_counts"]] == [
        ("fremragende", 0),
        ("god", 1),
        ("tilstrækkelig", 0),
        ("utilstrækkelig", 1),
        ("ringe", 1),
    ]
    assert [(c["label_da"], c["count"]) for c in content["concern_counts"]] == [
        ("ingen bekymring", 1),
        ("bekymring", 1),
        ("alvorlig bekymring", 1),
    ]
    assert content["consequences"][0]["text"] == "Alvorlig bekymring: skærpet tilsyn med handleplan"

    public_json = client.get(f"{r.V1}/public/reports/{report['id']}")
    public_html = client.get(f"{r.V1}/public/reports/{report['id']}/html")
    public_pdf = client.get(f"{r.V1}/public/reports/{report['id']}/pdf")
    assert {public_json.status_code, public_html.status_code, public_pdf.status_code} == {200}
    pdf = " ".join(r.pdf_text(public_pdf.content, tmp_path).split())
    assert "Dagplejere på hvert niveau" in pdf and "alvorlig bekymring" in pdf
    assert "Dagplejere på hvert niveau" in public_html.text
    for name in DAGPLEJERE:
        for surname in name.split():
            for published_text in (published.text, public_json.text, public_html.text, pdf):
                assert surname not in published_text, (surname, published_text[:200])

    # Per-dagplejer results stay internal: the supervision still reads each dagplejer's own assessment.
    internal = client.get(f"{r.V1}/visits/{before['id']}/assessments", headers=supervisor).json()
    assert sorted(a["percent"] for a in internal["items"] if a["unit_id"]) == [25, 85]
    assert outside["id"] != visit["id"]


# A provider without a parent board


def test_a_report_says_plainly_that_the_provider_has_no_parent_board(client, db: Session, world: World, tmp_path):
    supervisor = world.headers(Role.SUPERVISOR)
    provider = factories.provider(db, world.municipality, has_parent_board=False)
    visit = r.completed_visit(client, db, world, provider=provider, percent=25)
    report = r.draft(client, supervisor, visit["id"])
    texts = [c["text"] for c in report["content"]["consequences"]]
    board = next(i for i, t in enumerate(texts) if t.startswith("Dagtilbuddet har ingen forældrebestyrelse"))
    assert texts.index("Planlæg opfølgende tilsynsbesøg") < board  # where informing the board would stand
    assert "Orienter forældrebestyrelsen" not in texts
    assert report["content"]["consequences"][board]["legal_reference"] == "dagtilbudsloven §5b, stk. 1"
    pdf = client.get(r.report_url(report["id"], "/pdf"), headers=supervisor)
    assert "Dagtilbuddet har ingen forældrebestyrelse" in " ".join(r.pdf_text(pdf.content, tmp_path).split())

    with_board = r.draft(client, supervisor, r.completed_visit(client, db, world, percent=25)["id"])["content"]
    assert not any("ingen forældrebestyrelse" in c["text"] for c in with_board["consequences"])


def test_the_combined_report_refuses_a_dagplejers_name_in_the_supervisors_own_words(
    client, app, db: Session, world: World
):
    supervisor = world.headers(Role.SUPERVISOR)
    dagpleje = factories.provider(db, world.municipality, kind=ProviderKind.MUNICIPAL_CHILDMINDING, age_groups=["0-2"])
    xenia = factories.unit(db, dagpleje, name="Xenia Quistgaard", kind=UnitKind.CHILDMINDER)
    visit = r.completed_visit_with_units(client, db, world, dagpleje, [(xenia, 25)])
    summary = "Samlet set et godt læringsmiljø, men hos xenia quistgaard var det ringe."
    report = r.draft(client, supervisor, visit["id"], scope="combined", summary=summary)
    assert r.send(client, supervisor, report["id"]).status_code == 200
    r.set_today(app, date(2026, 12, 10))
    refused = r.finalise(client, supervisor, report["id"])
    assert refused.status_code == 422, refused.text
    assert [e["location"] for e in refused.json()["errors"]] == ["report.summary"]
    fixed = r.act(client, "PATCH", supervisor, report["id"], body={"summary": "Samlet set et godt læringsmiljø."})
    assert fixed.status_code == 200
    assert r.finalise(client, supervisor, report["id"]).status_code == 200
