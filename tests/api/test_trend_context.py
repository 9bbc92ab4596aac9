"""Context beside the score over HTTP: the providers' results in quartiles of the socio-economic profile, counted by
the small-number rule, and never a band or a concern changed by the context."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

import api.clock
from api.tables import Provider
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories
from tests.support.trend_data import NOW_DAY, TODAY, assessed

# Twelve providers: profile values 5, 10, ... 60 and results from poor to excellent, the lowest profiles lowest.
PERCENTS = (20, 28, 35, 45, 52, 58, 66, 71, 76, 82, 91, 95)


@pytest.fixture(autouse=True)
def today(app) -> date:
    app.dependency_overrides[api.clock.today] = lambda: TODAY
    return TODAY


def _profile(client, world: World, provider: Provider, value: float, period: str = "2025") -> None:
    body = {"indicator": "socio_economic_profile", "period": period, "value": value}
    response = client.post(
        f"/api/v1/providers/{provider.id}/indicator-values", json=body, headers=world.headers(Role.ADMIN)
    )
    assert response.status_code == 201, response.text


@pytest.fixture
def twelve(client, db: Session, world: World) -> list[Provider]:
    providers = [world.provider, world.other_provider]
    providers += [factories.provider(db, world.municipality) for _ in range(len(PERCENTS) - 2)]
    for i, (provider, percent) in enumerate(zip(providers, PERCENTS, strict=True)):
        assessed(db, provider, world.users[Role.SUPERVISOR], NOW_DAY, percent)
        _profile(client, world, provider, 5.0 * (i + 1))
    _profile(client, world, world.provider, 99, period="2019")  # an older value: the latest counts
    return providers


def _context(client, world: World, role: Role, query: str = "") -> dict:
    response = client.get(f"/api/v1/trends/context{query}", headers=world.headers(role))
    assert response.status_code == 200, response.text
    return response.json()


def _counts(group: dict) -> dict[str, int | None]:
    return {b["band_key"]: b["providers"]["value"] for b in group["bands"]}


def test_the_supervisors_see_each_quartile_of_the_profile_with_its_providers_and_range(client, world: World, twelve):
    body = _context(client, world, Role.SUPERVISOR)

    assert body["indicator"]["key"] == "socio_economic_profile" and body["indicator"]["values_shown"] is True
    groups = body["groups"]
    assert [(g["number"], g["low"], g["high"], g["providers"]["value"]) for g in groups] == [
        (1, 5, 15, 3),
        (2, 20, 30, 3),
        (3, 35, 45, 3),
        (4, 50, 60, 3),
    ]
    assert groups[0]["provider_ids"] == [str(p.id) for p in twelve[:3]]
    assert groups[0]["mean_percent"] == round((20 + 28 + 35) / 3, 1)
    assert _counts(groups[3]) == {"excellent": 2, "good": 1, "adequate": 0, "inadequate": 0, "poor": 0}


def test_context_never_changes_a_band_or_a_concern_the_groups_add_up_to_the_trend(client, world: World, twelve):
    trend = client.get("/api/v1/trends", headers=world.headers(Role.ADMIN)).json()
    groups = _context(client, world, Role.ADMIN)["groups"]

    for key in ("excellent", "good", "adequate", "inadequate", "poor"):
        grouped = sum(_counts(g)[key] for g in groups)
        assert grouped == next(b["providers"] for b in trend["now"]["bands"] if b["band_key"] == key)
    for level in ("none", "concern", "serious_concern"):
        grouped = sum(c["providers"]["value"] for g in groups for c in g["concerns"] if c["concern"] == level)
        assert grouped == next(c["providers"] for c in trend["now"]["concerns"] if c["concern"] == level)


def test_a_quartile_of_fewer_than_five_providers_shows_counts_as_less_than_five_to_the_committee(
    client, world: World, twelve
):
    groups = _context(client, world, Role.COMMITTEE)["groups"]

    assert len(groups) == 4
    for group in groups:
        assert group["suppressed"] is True and group["providers"] == {"value": None, "display": "<5"}
        assert {b["providers"]["display"] for b in group["bands"]} == {"<5"}
        assert group["mean_percent"] is None and group["provider_ids"] is None
        assert (group["low"], group["high"]) == (None, None)


def test_the_committee_sees_quartiles_of_five_or_more_but_never_the_unpublishable_profile(
    client, db: Session, world: World, twelve
):
    for i in range(8):  # twenty providers: quartiles of five
        provider = factories.provider(db, world.municipality)
        assessed(db, provider, world.users[Role.SUPERVISOR], NOW_DAY, 60)
        _profile(client, world, provider, 70.0 + i)

    body = _context(client, world, Role.COMMITTEE)

    assert body["indicator"]["values_shown"] is False
    assert [g["providers"]["value"] for g in body["groups"]] == [5, 5, 5, 5]
    assert all(g["low"] is None and g["provider_ids"] is None for g in body["groups"])
    assert body["groups"][0]["mean_percent"] == round(sum(PERCENTS[:5]) / 5, 1)


def test_providers_without_a_profile_value_are_shown_apart_as_group_zero(client, db: Session, world: World, twelve):
    newcomer = factories.provider(db, world.municipality)
    assessed(db, newcomer, world.users[Role.SUPERVISOR], NOW_DAY, 40)

    groups = _context(client, world, Role.ADMIN)["groups"]

    assert groups[-1]["number"] == 0 and groups[-1]["provider_ids"] == [str(newcomer.id)]
    assert groups[-1]["label"] == "uden værdi for indikatoren"
