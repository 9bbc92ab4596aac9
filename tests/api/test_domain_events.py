"""Domain events: written in the same transaction as their change, kept from whom the API keeps the object, and
never carrying a name, free text or a concern notice's reporter."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, col, select

import api.events.listener
import api.services.visits
from api.config import Settings
from api.db import build_engine
from api.demo import load_demo_data
from api.events.schemas import data_model
from api.migrate import upgrade
from api.tables import (
    ActionPlan,
    ActionPlanComment,
    ActionPlanItem,
    Assessment,
    ConcernNotice,
    FollowUpDialogue,
    IntensifiedSupervision,
    OutboxEvent,
    Provider,
    Recommendation,
    Report,
    SupervisionConversation,
    Unit,
    UserAccount,
    Visit,
)
from domain.access import Role
from domain.errors import DomainError, ErrorCode
from domain.events import EventType
from tests.api.conftest import World
from tests.support import factories, reports, workflow


def events_of(db: Session, aggregate_id: Any) -> list[OutboxEvent]:
    statement = select(OutboxEvent).where(OutboxEvent.aggregate_id == str(aggregate_id))
    return list(db.exec(statement.order_by(col(OutboxEvent.position))).all())


def visit_events(db: Session, world: World) -> list[OutboxEvent]:
    statement = select(OutboxEvent).where(OutboxEvent.type.startswith("visit."))  # type: ignore[attr-defined]
    return list(db.exec(statement.where(OutboxEvent.provider_id == world.provider.id)).all())


plan = workflow.plan_world_visit


def test_planning_a_visit_writes_exactly_one_visit_planned_event_with_its_visit(client, db: Session, world: World):
    visit = plan(client, db, world)

    [event] = events_of(db, visit["id"])
    assert (event.type, event.operation, event.aggregate_type) == ("visit.planned", "created", "visit")
    assert event.municipality_id == world.municipality.id and event.provider_id == world.provider.id
    assert event.payload["href"] == f"/api/v1/visits/{visit['id']}"
    assert event.payload["status"] == "planned" and event.payload["planned_on"] == visit["planned_on"]
    assert not event.hidden_from_provider
    assert client.get(event.payload["href"], headers=world.headers(Role.ADMIN)).status_code == 200


@pytest.mark.parametrize(
    ("failure", "status"),
    [(DomainError(ErrorCode.CONFLICT, "Refused after the visit was flushed."), 409), (RuntimeError("boom"), 500)],
)
def test_a_request_that_fails_after_its_flush_leaves_neither_its_change_nor_an_event(
    client, db: Session, world: World, monkeypatch: pytest.MonkeyPatch, failure: Exception, status: int
):
    create = api.services.visits.create_visit

    def flushed_then_failed(*args: Any, **kwargs: Any) -> Visit:
        create(*args, **kwargs)  # flushes the visit: the listener has collected its event
        raise failure

    monkeypatch.setattr(api.services.visits, "create_visit", flushed_then_failed)
    plan(client, db, world, expect=status)

    assert visit_events(db, world) == []
    assert db.exec(select(Visit).where(Visit.provider_id == world.provider.id)).all() == []


def test_a_change_whose_event_cannot_be_written_is_not_stored_either(
    client, db: Session, world: World, monkeypatch: pytest.MonkeyPatch
):
    def outbox_down(connection: Any, events: list[Any]) -> None:
        raise RuntimeError("the outbox insert failed")

    monkeypatch.setattr(api.events.listener, "append_events", outbox_down)
    plan(client, db, world, expect=500)

    assert db.exec(select(Visit).where(Visit.provider_id == world.provider.id)).all() == []


def test_a_planned_unannounced_visit_is_kept_from_the_provider_until_it_is_completed(client, db: Session, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    visit = plan(client, db, world, kind="unannounced")
    workflow.observe(client, supervisor, visit["id"], notes="Frokosten forløb roligt.")
    workflow.hold_dialogue(client, supervisor, visit["id"])
    assert workflow.complete(client, supervisor, visit["id"]).status_code == 200

    told = [(e.type, e.hidden_from_provider) for e in events_of(db, visit["id"])]
    assert told == [("visit.planned", True), ("visit.changed", True), ("visit.completed", False)]


def test_a_finalised_report_event_links_the_report_and_its_pdf(client, app, db: Session, world: World):
    visit = reports.completed_visit(client, db, world)
    published = reports.published_report(client, app, world, visit["id"])

    events = {e.type: e for e in events_of(db, published["id"])}
    assert list(events) == ["report.drafted", "report.sent", "report.changed", "report.finalised", "report.published"]
    assert events["report.drafted"].hidden_from_provider and not events["report.sent"].hidden_from_provider
    finalised = events["report.finalised"].payload
    assert finalised["href"] == f"/api/v1/reports/{published['id']}"
    assert finalised["pdf_href"] == f"/api/v1/reports/{published['id']}/pdf"
    assert len(finalised["pdf_sha256"]) == 64 and "kle_classification" in finalised  # set at finalisation
    pdf = client.get(finalised["pdf_href"], headers=world.headers(Role.SUPERVISOR))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"


def test_rows_of_an_action_plan_make_one_change_of_the_plan_per_transaction(db: Session, world: World):
    episode = IntensifiedSupervision(
        municipality_id=world.municipality.id,
        provider_id=world.provider.id,
        state="intensified_with_action_plan",
        concern="serious_concern",
        started_on=date(2026, 11, 20),
    )
    db.add(episode)
    db.commit()
    plan_row = ActionPlan(
        municipality_id=world.municipality.id,
        provider_id=world.provider.id,
        intensified_id=episode.id,
        due_on=date(2026, 12, 4),
        supervisor_id=world.users[Role.SUPERVISOR].id,
        leader_name="Lene Leder",
    )
    db.add(plan_row)
    goal = {"goal": "Sprog", "actions": "Læsning", "owner": "Lene", "success_criterion": "Flere samtaler"}
    db.add(ActionPlanItem(plan_id=plan_row.id, deadline=date(2027, 1, 1), **goal))
    db.commit()  # created with a goal: one event, the plan's creation
    for n in range(2):
        db.add(ActionPlanComment(plan_id=plan_row.id, author_id="pb", author_name="Forælder", text=f"Kommentar {n}"))
    db.commit()  # two comments in one transaction: one change of the plan

    assert [e.type for e in events_of(db, plan_row.id)] == ["action_plan.created", "action_plan.changed"]


# --- a whole municipality's story: what no payload may carry --------------------------------------------------------

_FREE_TEXT = {
    UserAccount: ("full_name", "email"),
    Unit: ("name", "street"),
    Provider: ("name", "street"),
    ConcernNotice: ("reporter_name", "reporter_contact", "summary", "triage_note"),
    Visit: ("notes", "dialogue_summary", "concern_justification", "cancelled_reason"),
    Assessment: ("justification",),
    Report: ("summary", "leader_comment", "correction_note", "published_by"),
    Recommendation: ("text", "owner", "status_note"),
    FollowUpDialogue: ("summary", "agreed_follow_up"),
    IntensifiedSupervision: ("end_grounds", "ended_by"),
    ActionPlan: ("leader_name", "summary", "approved_by", "follow_up_note"),
    ActionPlanItem: ("goal", "actions", "owner", "success_criterion"),
    ActionPlanComment: ("author_name", "text"),
    SupervisionConversation: ("notes", "recorded_by", "type_label"),
}


def _forbidden(db: Session) -> set[str]:
    """Every name and free text stored, longer than a word's fragment (a short one could be part of an id)."""
    found: set[str] = set()
    for table, fields in _FREE_TEXT.items():
        for field in fields:
            found |= {v for v in db.exec(select(getattr(table, field))).all() if isinstance(v, str) and len(v) >= 5}
    return found


def test_no_event_of_the_demo_municipalitys_story_names_a_person_or_carries_free_text(db: Session):
    assert load_demo_data(db)
    db.commit()

    events = db.exec(select(OutboxEvent)).all()
    assert {EventType.REPORT_FINALISED, EventType.CONCERN_NOTICE_RECEIVED, EventType.UNIT_CREATED} <= {
        e.type for e in events
    }
    forbidden = _forbidden(db)
    reporters = set(db.exec(select(ConcernNotice.reporter_name)).all()) - {None}
    assert reporters and reporters <= forbidden  # the story has reporters to leak
    for event in events:
        data_model(EventType(event.type)).model_validate(event.payload)  # no field beyond the published schema
        text = json.dumps(event.payload, ensure_ascii=False)
        leaked = [value for value in forbidden if value in text]
        assert not leaked, f"{event.type} carries {leaked}"


# --- outside the tests' savepoints: a real commit and a real rollback ------------------------------------------------


def test_a_real_commit_writes_the_events_and_a_rolled_back_savepoint_drops_its_own(
    database_kind: str, new_database_url, settings
):
    url = new_database_url()
    upgrade(url)
    engine = build_engine(url, Settings(secret_key=settings.secret_key, database_url=url))
    try:
        with Session(engine) as session:
            home = factories.municipality(session)  # commits: a real transaction
            kept_row = factories.provider(session, home)
            kept = str(kept_row.id)
            gone = Provider(**{**kept_row.model_dump(exclude={"id", "version"}), "name": "Gone"})
            gone.dagtilbudsnummer, gone_id = "999999", str(gone.id)
            session.add(gone)
            session.flush()
            session.rollback()
            also_kept = factories.provider(session, home).id
            savepoint = session.begin_nested()
            dropped = Unit(provider_id=also_kept, name="Rolled back", kind="department")
            session.add(dropped)
            session.flush()
            dropped_id = str(dropped.id)
            savepoint.rollback()
            session.add(Unit(provider_id=also_kept, name="Kept", kind="department"))
            session.commit()
        reader = create_engine(url)
        with reader.connect() as connection:
            rows = connection.execute(select(OutboxEvent.type, OutboxEvent.aggregate_id)).all()
        reader.dispose()
    finally:
        engine.dispose()
    assert sorted(t for t, _ in rows) == ["provider.created", "provider.created", "unit.created"]
    ids = {a for _, a in rows}
    assert {kept, str(also_kept)} <= ids and gone_id not in ids and dropped_id not in ids
