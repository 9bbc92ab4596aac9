"""The outbox's one write function: positions in order, written in the caller's transaction."""

from __future__ import annotations

from sqlmodel import Session, select

from api.outbox import NewEvent, append_events
from api.tables import OutboxEvent
from tests.api.conftest import World


def test_events_appended_together_get_ascending_positions_in_the_order_given(db: Session, world: World) -> None:
    events = [
        NewEvent(world.municipality.id, "visit.planned", "created", "visit", f"v{n}", provider_id=world.provider.id)
        for n in range(3)
    ]
    rows = append_events(db.connection(), events)
    positions = [row["position"] for row in rows]
    assert positions == sorted(positions) and len(set(positions)) == 3
    stored = db.exec(select(OutboxEvent).order_by(OutboxEvent.position)).all()
    assert [e.aggregate_id for e in stored][-3:] == ["v0", "v1", "v2"]


def test_a_rolled_back_transaction_leaves_no_event(db: Session, world: World) -> None:
    before = len(db.exec(select(OutboxEvent)).all())
    nested = db.begin_nested()
    append_events(db.connection(), [NewEvent(world.municipality.id, "visit.planned", "created", "visit", "gone")])
    nested.rollback()
    assert len(db.exec(select(OutboxEvent)).all()) == before
