"""The provider list and read, served by plain reads (api/plain_reads.py): the same answers as the ORM gives."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from api.schemas.provider import ProviderRead
from api.tables import Provider
from domain.access import Role
from domain.providers import ProviderKind
from tests.api.conftest import World
from tests.support import factories

PROVIDERS = "/api/v1/providers"


def _names(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


def test_a_plain_read_gives_the_provider_exactly_as_the_orm_does(client, db: Session, world: World):
    closed = factories.provider(
        db, world.municipality, status="closed", closed_on=date(2026, 6, 30), closing_reason="Lagt sammen", cvr=None
    )
    for provider in (world.provider, closed):
        response = client.get(f"{PROVIDERS}/{provider.id}", headers=world.headers(Role.SUPERVISOR))
        assert response.status_code == 200
        stored = db.get(Provider, provider.id)
        assert response.json() == ProviderRead.model_validate(stored).model_dump(mode="json")
        assert response.json()["created_at"].endswith("Z")  # UTC, with the zone, on SQLite too
        assert response.headers["ETag"] == f'"{stored.version}"'


def test_the_list_pages_by_name_and_its_cursor_resumes_after_the_last_one(client, db: Session, world: World):
    for name in ("Æblehaven", "Bøgely", "Ahornet", "Mosegården"):
        factories.provider(db, world.municipality, name=name)
    headers = world.headers(Role.SUPERVISOR)
    everyone = _names(client.get(PROVIDERS, params={"limit": 200}, headers=headers))
    assert len(everyone) == 6

    seen, params = [], {"limit": 2}
    while True:
        page = client.get(PROVIDERS, params=params, headers=headers)
        seen += _names(page)
        cursor = page.json()["next_cursor"]
        if cursor is None:
            assert "Link" not in page.headers
            break
        assert 'rel="next"' in page.headers["Link"]
        params = {"limit": 2, "cursor": cursor}
    assert seen == everyone  # every provider once, in the list's own order


def test_the_list_filters_by_kind_status_age_group_and_search(client, db: Session, world: World):
    factories.provider(db, world.municipality, name="Skovbørnehaven", kind=ProviderKind.PRIVATE_INSTITUTION)
    factories.provider(db, world.municipality, name="Vuggestuen Lærken", age_groups=["0-2"], dagtilbudsnummer="777001")
    factories.provider(db, world.municipality, name="Den Lukkede", status="closed", closed_on=date(2026, 1, 31))
    headers = world.headers(Role.SUPERVISOR)

    def names(**params: str) -> list[str]:
        return _names(client.get(PROVIDERS, params=params, headers=headers))

    assert names(kind="private_institution") == ["Skovbørnehaven"]
    assert names(status="closed") == ["Den Lukkede"]
    assert "Vuggestuen Lærken" not in names(age_group="3-5") and "Vuggestuen Lærken" in names(age_group="0-2")
    assert names(q="lærken") == names(q="777001") == ["Vuggestuen Lærken"]
    assert names(q="lærken", kind="private_institution") == []


def test_a_leader_lists_only_their_own_provider_and_nobody_lists_another_municipalitys(client, world: World):
    assert _names(client.get(PROVIDERS, headers=world.headers(Role.LEADER))) == [world.provider.name]
    admin = _names(client.get(PROVIDERS, params={"limit": 200}, headers=world.headers(Role.ADMIN)))
    assert world.neighbour_provider.name not in admin


def test_a_forged_cursor_is_refused_where_it_is(client, world: World):
    response = client.get(PROVIDERS, params={"cursor": "bm90LW91cnM"}, headers=world.headers(Role.SUPERVISOR))
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "query.cursor"
