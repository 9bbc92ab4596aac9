"""Re-visits that carry forward, over HTTP: what one visit found weak (or a recommendation names) is flagged at the
next visit to the provider, re-scored there, and its before/after is in that visit's report (JSON, PDF and HTML)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from domain.access import Role
from domain.instruments import DEMO_INSTRUMENT
from domain.providers import ProviderKind, UnitKind
from tests.api.conftest import World
from tests.support import factories, workflow
from tests.support import reports as r

V1 = "/api/v1"
FIRST, SECOND = "2026-03-10", "2026-11-20"
LANGUAGE = "communication_language"  # "Kommunikation og sprog" in the demo instrument


@pytest.fixture(autouse=True)
def fixed_today(app):
    r.set_today(app, r.SENT_ON)


def scores(weak: dict[str, int] | None = None, rest: int = 4) -> dict[str, int]:
    """Every demo item scored `rest` (4 of 1-5 is 75 %), the items of each theme in `weak` scored as given."""
    weak = weak or {}
    return {i.key: weak.get(t.key, rest) for t in DEMO_INSTRUMENT.themes() for i in t.items}


def plan(client: Any, db: Session, world: World, *, provider: Any = None, **fields: Any) -> dict[str, Any]:
    fields.setdefault("planned_on", SECOND)
    return workflow.plan_world_visit(client, db, world, provider=provider, **fields)


def conduct(
    client: Any, world: World, visit: dict[str, Any], observed: dict[str, int], held_on: str, unit: Any = None
) -> dict[str, Any]:
    headers = world.headers(Role.SUPERVISOR)
    workflow.observe(client, headers, visit["id"], observed, unit_id=unit.id if unit else None)
    workflow.hold_dialogue(client, headers, visit["id"], held_on)
    response = workflow.complete(client, headers, visit["id"], held_on)
    assert response.status_code == 200, response.text
    return response.json()


def visited(client: Any, db: Session, world: World, observed: dict[str, int], held_on: str = FIRST, **kw: Any):
    return conduct(client, world, plan(client, db, world, planned_on=held_on, **kw), observed, held_on)


def carried(client: Any, world: World, visit_id: str, role: Role = Role.SUPERVISOR):
    return client.get(f"{V1}/visits/{visit_id}/carried-forward", headers=world.headers(role))


def provider_parts(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    scope = body["scopes"][0]
    assert scope["unit_id"] is None
    return {p["key"]: p for p in scope["parts"]}


def test_a_theme_weak_at_one_visit_is_flagged_at_the_next_and_its_before_and_after_are_in_the_report(
    client, app, db: Session, world: World, tmp_path
):
    # Visit 1: "Kommunikation og sprog" at 25 % (2 of 1-5: ringe), the rest at 75 %; the total (66.6 %) is no concern.
    first = visited(client, db, world, scores({LANGUAGE: 2}))
    assert first["assessments"][0]["concern"] == "none"

    second = plan(client, db, world)
    body = carried(client, world, second["id"]).json()
    parts = provider_parts(body)
    assert list(parts) == [LANGUAGE]  # only the weak theme: its area (Leg og aktivitet, 50 %) is no concern
    flag = parts[LANGUAGE]
    assert flag["name"] == "Kommunikation og sprog" and flag["before_percent"] == 25.0
    assert flag["before_on"] == FIRST and flag["before_visit_id"] == first["id"]
    assert [(x["kind"], x["text_da"]) for x in flag["reasons"]] == [
        ("weak", "Svagt ved tilsynet den 10.03.2026: 25 % (ringe)")
    ]
    assert flag["outcome"] is None and body["recorded"] is False
    # The observation flow lists the theme's items first, marked to re-score.
    order = body["observation_order"]
    assert [i["key"] for i in order[:3]] == [f"{LANGUAGE}_{n}" for n in (1, 2, 3)]
    assert [i["carried_forward"] for i in order] == [True] * 3 + [False] * 15
    # The evidence view carries the same flags.
    evidence = client.get(f"{V1}/visits/{second['id']}/evidence", headers=world.headers(Role.SUPERVISOR)).json()
    assert [p["key"] for p in evidence["carried_forward"]["scopes"][0]["parts"]] == [LANGUAGE]

    # Visit 2 scores the theme better: 4 of 1-5 (75 %).
    conduct(client, world, second, scores(), SECOND)
    done = provider_parts(carried(client, world, second["id"]).json())[LANGUAGE]
    assert (done["before_percent"], done["after_percent"], done["change"]) == (25.0, 75.0, 50.0)
    assert (done["before_band_label_da"], done["after_band_label_da"]) == ("ringe", "god")
    assert (done["outcome"], done["outcome_label_da"]) == ("improved", "forbedret")

    report = r.draft(client, world.headers(Role.SUPERVISOR), second["id"])
    [line] = report["content"]["carried_forward"]
    assert line["name"] == "Kommunikation og sprog" and line["before_on"] == FIRST
    assert (line["before_percent"], line["after_percent"], line["change"], line["outcome"]) == (25, 75, 50, "improved")
    assert line["reasons"] == ["Svagt ved tilsynet den 10.03.2026: 25 % (ringe)"]

    supervisor = world.headers(Role.SUPERVISOR)
    pdf = client.get(r.report_url(report["id"], "/pdf"), headers=supervisor)
    text = " ".join(r.pdf_text(pdf.content, tmp_path).replace("\u00a0", " ").split())
    assert "Opfølgning fra sidste tilsyn" in text
    for shown in ("Kommunikation og sprog", "25 % (ringe), 10.03.2026", "75 % (god)", "+50,0 point", "forbedret"):
        assert shown in text, shown
    html = client.get(r.report_url(report["id"], "/html"), headers=supervisor).text.replace("\u00a0", " ")
    assert "<h2>Opfølgning fra sidste tilsyn</h2>" in html and "25 % (ringe), 10.03.2026" in html


def test_a_theme_named_in_an_open_recommendation_is_flagged_though_it_was_not_weak(client, db: Session, world: World):
    first = visited(client, db, world, scores())  # everything at 75 %: nothing weak
    supervisor = world.headers(Role.SUPERVISOR)
    recommendation = r.recommend(
        client, supervisor, first["id"], "Arbejd videre med social  udvikling i de små grupper.", "2026-09-01"
    )
    second = plan(client, db, world)
    parts = provider_parts(carried(client, world, second["id"]).json())
    assert list(parts) == ["social_development"]
    flag = parts["social_development"]
    assert flag["before_percent"] == 75.0  # not weak, but known
    [reason] = flag["reasons"]
    assert reason["kind"] == "recommendation" and reason["reference_id"] == recommendation["id"]
    assert reason["text_da"] == "Nævnt i en åben anbefaling fra tilsynet den 10.03.2026"

    # Once the leader marks it done, it no longer carries the theme forward.
    leader = world.headers(Role.LEADER)
    url = f"{V1}/recommendations/{recommendation['id']}"
    tag = client.get(url, headers=leader).headers["etag"]
    done = client.patch(url, json={"status": "done"}, headers={**leader, "If-Match": tag})
    assert done.status_code == 200, done.text
    assert provider_parts(carried(client, world, second["id"]).json()) == {}


def test_a_provider_role_cannot_see_the_flags_of_a_planned_unannounced_visit(client, db: Session, world: World):
    visited(client, db, world, scores({LANGUAGE: 2}))
    unannounced = plan(client, db, world, kind="unannounced")
    announced = plan(client, db, world, planned_on="2027-01-15")
    for role in (Role.LEADER, Role.STAFF, Role.PARENT_BOARD):
        assert carried(client, world, unannounced["id"], role).status_code == 404, role
        assert carried(client, world, announced["id"], role).status_code == 200, role
    assert provider_parts(carried(client, world, unannounced["id"]).json())[LANGUAGE]["before_percent"] == 25.0
    assert carried(client, world, unannounced["id"], Role.COMMITTEE).status_code == 403


def test_another_municipality_cannot_see_a_visits_flags(client, db: Session, world: World):
    visited(client, db, world, scores({LANGUAGE: 2}))
    second = plan(client, db, world)
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    response = client.get(f"{V1}/visits/{second['id']}/carried-forward", headers=neighbour)
    assert response.status_code == 404


def test_a_units_themes_follow_the_unit(client, db: Session, world: World):
    nursery, kindergarten = factories.unit(db, world.provider), factories.unit(db, world.provider)
    first = plan(client, db, world, planned_on=FIRST, unit_ids=[nursery.id, kindergarten.id])
    headers = world.headers(Role.SUPERVISOR)
    workflow.observe(client, headers, first["id"], scores(), unit_id=kindergarten.id)
    conduct(client, world, first, scores({"social_development": 1}), FIRST, unit=nursery)

    second = plan(client, db, world, unit_ids=[nursery.id])
    body = carried(client, world, second["id"]).json()
    by_unit = {s["unit_id"]: [p["key"] for p in s["parts"]] for s in body["scopes"]}
    # The nursery's own theme (0 %) and area (37.5 %) are carried to it; pooled with the kindergarten's 75 %, the
    # provider's theme is 37.5 % and its area 56.2 % (no concern).
    assert by_unit == {None: ["social_development"], str(nursery.id): ["relationships", "social_development"]}
    [nursery_scope] = [s for s in body["scopes"] if s["unit_id"] == str(nursery.id)]
    flag = nursery_scope["parts"][1]
    assert flag["before_percent"] == 0.0
    assert [x["kind"] for x in flag["reasons"]] == ["weak", "lowest_items"]
    assert flag["reasons"][1]["items"] == [f"social_development_{n}" for n in (1, 2, 3)]


def test_the_dagplejes_combined_report_shows_carried_forward_themes_without_a_percent(
    client, app, db: Session, world: World, tmp_path
):
    dagpleje = factories.provider(db, world.municipality, kind=ProviderKind.MUNICIPAL_CHILDMINDING, age_groups=["0-2"])
    dagplejer = factories.unit(db, dagpleje, name="Xenia Quistgaard", kind=UnitKind.CHILDMINDER)
    first = plan(client, db, world, provider=dagpleje, planned_on=FIRST, unit_ids=[dagplejer.id])
    conduct(client, world, first, scores({LANGUAGE: 2}), FIRST, unit=dagplejer)
    second = plan(client, db, world, provider=dagpleje, unit_ids=[dagplejer.id])

    # The leader sees the dagpleje's flags without a percent and nothing of the dagplejer's own.
    leader = factories.user(db, world.municipality, Role.LEADER, dagpleje)
    seen = client.get(
        f"{V1}/visits/{second['id']}/carried-forward", headers=factories.headers_for(world.settings, leader)
    ).json()
    assert [s["unit_id"] for s in seen["scopes"]] == [None]
    flag = seen["scopes"][0]["parts"][0]
    assert flag["before_percent"] is None and flag["reasons"][0]["percent"] is None
    assert flag["reasons"][0]["text_da"] == "Svagt ved tilsynet den 10.03.2026"
    supervised = carried(client, world, second["id"]).json()
    assert [s["unit_kind"] for s in supervised["scopes"]] == [None, "childminder"]

    conduct(client, world, second, scores(), SECOND, unit=dagplejer)
    report = r.draft(client, world.headers(Role.SUPERVISOR), second["id"], scope="combined")
    [line] = report["content"]["carried_forward"]
    assert line["name"] == "Kommunikation og sprog" and line["outcome"] == "improved"
    assert line["before_percent"] is line["after_percent"] is line["change"] is line["before_band_label_da"] is None
    assert line["reasons"] == ["Svagt ved tilsynet den 10.03.2026"]
    pdf = client.get(r.report_url(report["id"], "/pdf"), headers=world.headers(Role.SUPERVISOR))
    text = " ".join(r.pdf_text(pdf.content, tmp_path).replace("\u00a0", " ").split())
    assert "Opfølgning fra sidste tilsyn" in text and "forbedret" in text and "25 %" not in text


def test_a_demo_providers_latest_published_report_shows_before_and_after(db: Session):
    from sqlmodel import select

    from api.demo import load_demo_data
    from api.demo_story import WEAK_AT_FIRST
    from api.tables import Provider, Report, Visit

    assert load_demo_data(db) is True
    db.commit()
    [(name, theme)] = WEAK_AT_FIRST.items()
    provider = db.exec(select(Provider).where(Provider.name == name)).one()
    latest = db.exec(
        select(Report)
        .join(Visit, Visit.id == Report.visit_id)
        .where(Report.provider_id == provider.id, Report.status == "published")
        .order_by(Visit.held_on.desc())
    ).first()
    lines = {line["name"]: line for line in latest.content["carried_forward"]}
    language = lines["Kommunikation og sprog"]  # 25 % in the first cycle (the total 52 %), re-scored in the second
    assert language["before_percent"] == 25.0 and language["before_band_label_da"] == "ringe"
    assert language["after_percent"] >= 50 and language["outcome"] == "improved"
    assert theme == "communication_language"
