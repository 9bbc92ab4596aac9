"""The heavy reads at national scale read only what they show (issue 11): the publication tracker, /due and the
municipality's compliance never load a report (its whole content), a visit or the rows around them as objects,
however long the municipality's history.

The times themselves are measured by `python -m bench national time`, never in a test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import Session

import api.clock
from api.tables import (
    ActionPlan,
    FollowUpDialogue,
    ImpartialityDeclaration,
    IntensifiedSupervision,
    Provider,
    Report,
    Unit,
    Visit,
)
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories
from tests.support import overview_data as rows
from tests.support import published as data

# Everything /due and compliance read per provider: the municipality's whole register and history.
HISTORY = (ActionPlan, FollowUpDialogue, ImpartialityDeclaration, IntensifiedSupervision, Provider, Report, Unit, Visit)

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def today(app) -> date:
    app.dependency_overrides[api.clock.today] = lambda: TODAY
    return TODAY


@pytest.fixture
def loaded() -> Iterator[Counter]:
    """How many rows of the history tables (HISTORY) the request turned into ORM objects."""
    counts: Counter = Counter()

    def count(target, _context) -> None:
        counts[type(target).__name__] += 1

    for table in HISTORY:
        event.listen(table, "load", count)
    yield counts
    for table in HISTORY:
        event.remove(table, "load", count)


@pytest.fixture
def history(db: Session, world: World) -> Report:
    """A provider with years of published reports, a correction and reports still in the workflow; the latest."""
    supervisor = world.users[Role.SUPERVISOR]
    provider = data.registered(db, world.provider, date(2016, 1, 1))
    for year in range(2016, 2024):
        data.report(db, provider, supervisor, published_on=date(year, 3, 1), band="god")
    first = data.report(db, provider, supervisor, published_on=date(2025, 3, 1), band="ringe")
    latest = data.superseded_by(db, first, supervisor, provider, date(2025, 4, 1))
    data.report(db, provider, supervisor, status="final")
    data.report(db, provider, supervisor, status="sent", row={"comment_window_ends": date(2026, 6, 20)})
    db.expunge_all()  # the request must read everything itself
    return latest


def test_the_tracker_shows_the_latest_report_per_scope_without_loading_any_report(
    client, world: World, history: Report, loaded: Counter
):
    response = client.get("/api/v1/publication-tracker", headers=world.headers(Role.ADMIN))

    assert response.status_code == 200, response.text
    (row,) = [r for r in response.json()["items"] if r["provider_id"] == str(world.provider.id)]
    last = row["last_report"]
    assert (last["report_id"], last["report_version"]) == (str(history.id), 2)
    assert (last["first_published_on"], last["published_on"]) == ("2025-03-01", "2025-04-01")  # the §5 clock kept
    assert last["band_label"] == history.content["band_label_da"]
    assert row["next_due"] == "2027-03-01"
    assert loaded == Counter(), "the tracker loaded whole reports or visits"


def test_due_lists_the_reports_and_visits_without_loading_them_as_objects(
    client, world: World, history: Report, loaded: Counter
):
    response = client.get("/api/v1/due?within_days=730", headers=world.headers(Role.ADMIN))

    assert response.status_code == 200, response.text
    kinds = Counter(i["kind"] for i in response.json()["items"] if i["provider_id"] == str(world.provider.id))
    assert kinds["report_comment"] == 1  # the sent report's open comment window
    assert kinds["visit_report_published"] >= 1  # the final report still to be published
    assert kinds["report_publication"] == 1  # the biennial report, dated from the latest
    assert loaded == Counter(), "/due loaded whole reports or visits"


def test_compliance_and_due_read_the_history_as_rows_not_objects(
    client, db: Session, world: World, history: Report, loaded: Counter
):
    supervisor = world.users[Role.SUPERVISOR]
    for name in ("Stuen", "Loftet"):
        data.registered(db, factories.unit(db, world.provider, name=name), date(2016, 1, 1))
    visit = data.visit(db, world.provider, supervisor, date(2026, 2, 3))
    rows.follow_up(db, visit, date(2026, 2, 20))
    rows.assessment(db, visit, percent=35, band=("ringe", "Ringe"), concern="serious_concern")
    episode = rows.intensified(db, world.provider, date(2026, 2, 3), started_by_visit_id=visit.id)
    rows.action_plan(db, episode, supervisor, date(2026, 3, 3), created_on=date(2026, 2, 10))
    tie = {
        "provider_id": str(world.provider.id),
        "relation": "conflict",
        "reason": "Tidligere ansat.",
        "declared_on": "2020-01-01",
    }
    declared = client.post(
        f"/api/v1/users/{supervisor.id}/impartiality-declarations", json=tie, headers=world.headers(Role.ADMIN)
    )
    assert declared.status_code == 201, declared.text
    db.expunge_all()
    loaded.clear()

    for path in ("/api/v1/compliance", "/api/v1/due?within_days=730", "/api/v1/publication-tracker"):
        response = client.get(path, headers=world.headers(Role.ADMIN))
        assert response.status_code == 200, response.text
    assert loaded == Counter(), "a heavy read loaded rows of the history as objects"
