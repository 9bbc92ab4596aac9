"""Indicators over HTTP: the catalogue, a provider's values, and the small-number rule as each role meets it."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, func, select

from api.tables import Indicator, IndicatorValue
from domain.access import Role
from domain.indicator_catalogue import KOLDING_CATALOGUE
from domain.providers import ProviderKind, UnitKind
from tests.api.conftest import World
from tests.support import factories
from tests.support import overview_data as data

INDICATORS = "/api/v1/indicators"


def values_url(provider_id) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/providers/{provider_id}/indicator-values"


def record(client, world: World, provider_id, indicator: str, period: str, value: float, role=Role.SUPERVISOR, **more):
    body = {"indicator": indicator, "period": period, "value": value, **more}
    return client.post(values_url(provider_id), json=body, headers=world.headers(role))


def seen_by(client, world: World, role: Role, provider_id=None, **params) -> list[dict]:  # type: ignore[no-untyped-def]
    response = client.get(values_url(provider_id or world.provider.id), params=params, headers=world.headers(role))
    assert response.status_code == 200, response.text
    return response.json()["items"]


# --- done when 6: the small-number rule by role ------------------------------------------------------------------


def test_a_count_of_three_shows_as_less_than_five_to_the_leader_and_the_committee_and_as_three_to_the_supervisor(
    client, world: World
):
    response = record(client, world, world.provider.id, "school_deferral", "2025", 3)
    assert response.status_code == 201, response.text

    for role in (Role.LEADER, Role.COMMITTEE):
        [item] = seen_by(client, world, role)
        assert (item["value"], item["display"], item["suppressed"]) == (None, "<5", True), role
    for role in (Role.SUPERVISOR, Role.ADMIN):
        [item] = seen_by(client, world, role)
        assert (item["value"], item["display"], item["suppressed"]) == (3, "3", False), role


def test_a_count_of_five_is_shown_to_the_leader(client, world: World):
    record(client, world, world.provider.id, "school_deferral", "2025", 5)
    [item] = seen_by(client, world, Role.LEADER)
    assert (item["value"], item["display"], item["suppressed"]) == (5, "5", False)


def test_a_share_from_fewer_than_five_respondents_is_hidden_from_the_parent_board(client, world: World):
    record(client, world, world.provider.id, "boernelinealen", "2025", 75.0, count=4)
    [item] = seen_by(client, world, Role.PARENT_BOARD)
    assert (item["value"], item["count"], item["display"], item["suppressed"]) == (None, None, "<5", True)
    [raw] = seen_by(client, world, Role.SUPERVISOR)
    assert (raw["value"], raw["count"], raw["display"]) == (75.0, 4, "75 %")


def test_a_raised_threshold_hides_from_the_leader_what_it_showed_before(client, world: World):
    record(client, world, world.provider.id, "school_deferral", "2025", 6)
    admin = world.headers(Role.ADMIN)
    etag = client.get(f"{INDICATORS}/school_deferral", headers=admin).headers["etag"]
    response = client.patch(
        f"{INDICATORS}/school_deferral", json={"small_number_threshold": 10}, headers={**admin, "If-Match": etag}
    )
    assert response.status_code == 200, response.text
    [item] = seen_by(client, world, Role.LEADER)
    assert (item["display"], item["suppressed"]) == ("<10", True)


# --- who sees which values -----------------------------------------------------------------------------------------


def test_a_leader_cannot_see_another_providers_values(client, world: World):
    record(client, world, world.other_provider.id, "school_deferral", "2025", 12)
    response = client.get(values_url(world.other_provider.id), headers=world.headers(Role.LEADER))
    assert response.status_code == 404


def test_another_municipalitys_values_are_404_to_read_and_to_write(client, world: World):
    admin = world.headers(Role.ADMIN)
    assert client.get(values_url(world.neighbour_provider.id), headers=admin).status_code == 404
    response = record(client, world, world.neighbour_provider.id, "school_deferral", "2025", 12, role=Role.ADMIN)
    assert response.status_code == 404


def test_staff_do_not_see_sick_leave_which_is_shown_to_the_leader_only(client, world: World):
    record(client, world, world.provider.id, "sick_leave", "2025-H1", 4.5)
    assert seen_by(client, world, Role.STAFF) == []
    assert [i["display"] for i in seen_by(client, world, Role.LEADER)] == ["4,5 dage"]
    assert client.get(f"{INDICATORS}/sick_leave", headers=world.headers(Role.STAFF)).status_code == 404


def test_the_committee_sees_only_publishable_indicators(client, world: World):
    record(client, world, world.provider.id, "socio_economic_profile", "2025", 40)
    record(client, world, world.provider.id, "kids_total", "2025", 72.5)
    assert [i["indicator"] for i in seen_by(client, world, Role.COMMITTEE)] == ["kids_total"]
    keys = {i["key"] for i in client.get(INDICATORS, headers=world.headers(Role.COMMITTEE)).json()["items"]}
    assert "kids_total" in keys and "socio_economic_profile" not in keys


def test_staff_and_the_committee_may_not_record_a_value(client, world: World):
    for role in (Role.STAFF, Role.LEADER, Role.COMMITTEE):
        response = record(client, world, world.provider.id, "kids_total", "2025", 70, role=role)
        assert response.status_code in (403, 404), role
        assert response.status_code == 403 or role.is_provider_bound


# --- recording values ---------------------------------------------------------------------------------------------


def test_a_different_value_for_the_same_period_is_409_unless_replace(client, world: World, db: Session):
    assert record(client, world, world.provider.id, "kids_total", "2025", 72.5).status_code == 201
    again = record(client, world, world.provider.id, "kids_total", "2025", 72.5)
    assert again.status_code == 200  # the same value again: nothing changes
    conflict = record(client, world, world.provider.id, "kids_total", "2025", 80)
    assert conflict.status_code == 409
    assert conflict.json()["errors"][0]["location"] == "body.value"
    assert [i["value"] for i in seen_by(client, world, Role.SUPERVISOR)] == [72.5]
    replaced = record(client, world, world.provider.id, "kids_total", "2025", 80, replace=True)
    assert replaced.status_code == 200
    assert [i["value"] for i in seen_by(client, world, Role.SUPERVISOR)] == [80]
    assert db.exec(select(func.count()).select_from(IndicatorValue)).one() == 1


def test_a_dagplejers_value_is_kept_apart_from_the_dagplejes_own(client, world: World, db: Session):
    dagpleje = factories.provider(db, world.municipality, kind=ProviderKind.MUNICIPAL_CHILDMINDING)
    dagplejer = factories.unit(db, dagpleje, kind=UnitKind.CHILDMINDER)
    own = record(client, world, dagpleje.id, "kids_total", "2025", 70)
    theirs = record(client, world, dagpleje.id, "kids_total", "2025", 90, unit_id=str(dagplejer.id))
    assert (own.status_code, theirs.status_code) == (201, 201)
    items = seen_by(client, world, Role.SUPERVISOR, dagpleje.id)
    assert {(i["unit_id"], i["value"]) for i in items} == {(None, 70), (str(dagplejer.id), 90)}


def test_a_unit_of_another_provider_is_refused(client, world: World, db: Session):
    elsewhere = factories.unit(db, world.other_provider)
    response = record(client, world, world.provider.id, "kids_total", "2025", 70, unit_id=str(elsewhere.id))
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "body.unit_id"


def test_an_indicator_that_does_not_apply_to_the_providers_kind_is_refused(client, world: World, db: Session):
    private = factories.provider(db, world.municipality, kind=ProviderKind.PRIVATE_CHILDMINDING)
    response = record(client, world, private.id, "sprogvurdering", "2025", 60)
    assert response.status_code == 422
    assert "privat pasningsordning" in response.json()["detail"]


def test_a_period_in_the_wrong_form_is_422_with_an_example(client, world: World):
    response = record(client, world, world.provider.id, "sick_leave", "2025", 4)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["location"] == "body.period" and "2025-H1" in error["detail"]


def test_a_value_outside_the_scale_is_422(client, world: World):
    response = record(client, world, world.provider.id, "kids_total", "2025", 120)
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "body.value"


def test_values_are_filtered_by_indicator_and_period_and_paged(client, world: World):
    for period, value in (("2023", 60), ("2024", 65), ("2025", 70)):
        record(client, world, world.provider.id, "kids_total", period, value)
    record(client, world, world.provider.id, "sick_leave", "2024-H2", 5)
    in_range = seen_by(client, world, Role.SUPERVISOR, period_from="2024", period_to="2024")
    assert {(i["indicator"], i["period"]) for i in in_range} == {("kids_total", "2024"), ("sick_leave", "2024-H2")}
    kids = seen_by(client, world, Role.SUPERVISOR, indicator="kids_total")
    assert [i["period"] for i in kids] == ["2025", "2024", "2023"]
    url, supervisor, params = (
        values_url(world.provider.id),
        world.headers(Role.SUPERVISOR),
        {"indicator": "kids_total", "limit": 2},
    )
    first = client.get(url, params=params, headers=supervisor).json()
    rest = client.get(url, params={**params, "cursor": first["next_cursor"]}, headers=supervisor).json()
    assert [i["period"] for i in first["items"] + rest["items"]] == ["2025", "2024", "2023"]


def test_a_recorded_value_is_in_the_audit_trail(client, world: World):
    created = record(client, world, world.provider.id, "kids_total", "2025", 72.5).json()
    events = client.get(
        "/api/v1/audit-events", params={"entity_id": created["id"]}, headers=world.headers(Role.ADMIN)
    ).json()["items"]
    assert [e["action"] for e in events] == ["indicator-values-create"]
    assert events[0]["actor_id"] == str(world.users[Role.SUPERVISOR].id)


# --- the catalogue ------------------------------------------------------------------------------------------------


def test_the_catalogue_is_kolding_s_by_default_and_materialised_once(client, world: World, db: Session):
    admin = world.headers(Role.ADMIN)
    first = client.get(INDICATORS, headers=admin).json()["items"]
    second = client.get(INDICATORS, headers=admin).json()["items"]
    assert [i["key"] for i in first] == [i["key"] for i in second] == sorted(d.key for d in KOLDING_CATALOGUE)
    assert all(i["is_default"] for i in first)
    count = select(func.count()).select_from(Indicator).where(Indicator.municipality_id == world.municipality.id)
    assert db.exec(count).one() == len(KOLDING_CATALOGUE)
    kids = next(i for i in first if i["key"] == "kids_total")
    assert "private_childminding" in kids["applies_to"] and "special_daycare" not in kids["applies_to"]


def test_admin_adds_a_local_indicator_that_staff_may_not_add(client, world: World):
    body = {
        "key": "outdoor_hours",
        "name": "Timer udendørs pr. uge",
        "unit": "score",
        "scale_min": 0,
        "scale_max": 40,
        "period_kind": "half_year",
        "applies_to": ["municipal_institution"],
        "shown_to_provider_roles": ["leader", "staff"],
    }
    assert client.post(INDICATORS, json=body, headers=world.headers(Role.STAFF)).status_code == 403
    response = client.post(INDICATORS, json=body, headers=world.headers(Role.ADMIN))
    assert response.status_code == 201, response.text
    assert (response.json()["source"], response.json()["is_default"]) == ("local", False)
    assert client.get(response.headers["location"], headers=world.headers(Role.STAFF)).status_code == 200
    assert client.post(INDICATORS, json=body, headers=world.headers(Role.ADMIN)).status_code == 409
    assert record(client, world, world.provider.id, "outdoor_hours", "2025-H2", 12).status_code == 201


def test_changing_an_indicator_needs_if_match_and_a_stale_one_is_412(client, world: World):
    admin = world.headers(Role.ADMIN)
    url = f"{INDICATORS}/kids_total"
    etag = client.get(url, headers=admin).headers["etag"]
    assert client.patch(url, json={"publishable": False}, headers=admin).status_code == 428
    changed = client.patch(url, json={"publishable": False}, headers={**admin, "If-Match": etag})
    assert changed.status_code == 200 and changed.json()["publishable"] is False
    stale = client.patch(url, json={"publishable": True}, headers={**admin, "If-Match": etag})
    assert stale.status_code == 412
    refused = client.patch(url, json={"shown_to_provider_roles": ["committee"]}, headers={**admin, "If-Match": "*"})
    assert refused.status_code == 422


def test_each_municipality_has_its_own_catalogue(client, world: World):
    admin = world.headers(Role.ADMIN)
    etag = client.get(f"{INDICATORS}/kids_total", headers=admin).headers["etag"]
    client.patch(f"{INDICATORS}/kids_total", json={"small_number_threshold": 3}, headers={**admin, "If-Match": etag})
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    assert client.get(f"{INDICATORS}/kids_total", headers=neighbour).json()["small_number_threshold"] == 5


# --- the evidence of a visit ----------------------------------------------------------------------------------------


def test_the_evidence_holds_the_latest_value_up_to_the_visit_day_per_indicator(client, world: World, db: Session):
    supervisor = world.users[Role.SUPERVISOR]
    visit = data.visit(db, world.provider, supervisor, planned_on=date(2026, 5, 20))
    for period, value in (("2024", 60), ("2025", 70), ("2027", 90)):
        record(client, world, world.provider.id, "kids_total", period, value)
    for period, days in (("2025-H2", 4), ("2026-H1", 5), ("2026-H2", 6)):
        record(client, world, world.provider.id, "sick_leave", period, days)
    record(client, world, world.other_provider.id, "kids_total", "2026", 10)

    response = client.get(f"/api/v1/visits/{visit.id}/evidence", headers=world.headers(Role.SUPERVISOR))
    assert response.status_code == 200, response.text
    shown = [(i["indicator"], i["period"], i["value"]) for i in response.json()["indicators"]]
    assert shown == [("kids_total", "2025", 70), ("sick_leave", "2026-H1", 5)]


def test_the_evidence_leaves_out_an_indicator_that_no_longer_applies_to_the_kind(client, world: World, db: Session):
    visit = data.visit(db, world.provider, world.users[Role.SUPERVISOR], planned_on=date(2026, 5, 20))
    record(client, world, world.provider.id, "sprogvurdering", "2025", 55)
    admin = world.headers(Role.ADMIN)
    etag = client.get(f"{INDICATORS}/sprogvurdering", headers=admin).headers["etag"]
    client.patch(
        f"{INDICATORS}/sprogvurdering",
        json={"applies_to": ["municipal_childminding"]},
        headers={**admin, "If-Match": etag},
    )
    evidence = client.get(f"/api/v1/visits/{visit.id}/evidence", headers=world.headers(Role.SUPERVISOR)).json()
    assert evidence["indicators"] == []
