"""Rows for the overview tests, written straight to the database with the dates a test needs.

Each function returns the row it made. Dates in the past are set explicitly (created_at included), so what is
due, what is earlier and the timeline's order never depend on the day the tests run.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from sqlmodel import Session

from api.tables import (
    ActionPlan,
    Assessment,
    AuditEvent,
    ConcernNotice,
    FollowUpDialogue,
    InstrumentVersion,
    IntensifiedSupervision,
    Municipality,
    ParentBoardNotice,
    Provider,
    Recommendation,
    Report,
    RequiredAction,
    UserAccount,
    Visit,
)


def at(day: date) -> datetime:
    """Noon UTC on `day`: the same calendar day in Denmark."""
    return datetime.combine(day, time(12), UTC)


def _saved(db: Session, row: Any) -> Any:
    db.add(row)
    db.commit()
    return row


def registered(
    db: Session, provider: Provider, on: date, name: str | None = None, cycle_start: date | None = None
) -> Provider:
    """Back-date when the provider was registered, optionally rename it and set the start of its cycles."""
    provider.created_at = at(on)
    provider.name = name or provider.name
    provider.cycle_start = cycle_start
    return _saved(db, provider)


def report(db: Session, visit: Visit, *, status: str = "published", on: date, **kw: Any) -> Report:
    """The report of `visit`: final on `on`, and published that day too unless its status is earlier."""
    published = on if status in ("published", "superseded") else None
    row = Report(
        municipality_id=visit.municipality_id,
        provider_id=visit.provider_id,
        visit_id=visit.id,
        status=status,
        finalised_on=on if status != "draft" and status != "sent" else None,
        published_on=published,
        first_published_on=published,
        summary="Et trygt læringsmiljø.",
        created_at=at(on),
        **kw,
    )
    return _saved(db, row)


def instrument(db: Session, municipality: Municipality) -> InstrumentVersion:
    # Only its existence matters here: a visit with an instrument counts as systematic observation.
    return _saved(
        db,
        InstrumentVersion(
            municipality_id=municipality.id,
            key=f"demo-{uuid.uuid4().hex[:8]}",
            version="1",
            name="Demo",
            definition={},
            created_by="test",
        ),
    )


def visit(
    db: Session,
    provider: Provider,
    supervisor: UserAccount,
    *,
    kind: str = "announced",
    status: str = "completed",
    planned_on: date,
    held_on: date | None = None,
    created_on: date | None = None,
    **overrides: Any,
) -> Visit:
    """A visit; a completed one is held on its planned day unless `held_on` says otherwise."""
    if status == "completed" and held_on is None:
        held_on = planned_on
    row = Visit(
        municipality_id=provider.municipality_id,
        provider_id=provider.id,
        kind=kind,
        status=status,
        planned_on=planned_on,
        held_on=held_on,
        supervisor_id=supervisor.id,
        created_at=at(created_on or planned_on),
        **overrides,
    )
    return _saved(db, row)


def assessment(
    db: Session, visit: Visit, *, percent: float, band: tuple[str, str], concern: str, **kw: Any
) -> Assessment:
    return _saved(
        db,
        Assessment(
            visit_id=visit.id,
            provider_id=visit.provider_id,
            assessed_on=visit.held_on,
            percent=percent,
            band_key=band[0],
            band_label=band[1],
            concern=concern,
            concern_from_score=concern,
            **kw,
        ),
    )


def follow_up(db: Session, visit: Visit, held_on: date, number: int = 1) -> FollowUpDialogue:
    row = FollowUpDialogue(visit_id=visit.id, number=number, held_on=held_on, summary="Vi talte om legen i garderoben.")
    return _saved(db, row)


def recommendation(db: Session, visit: Visit, due_on: date, *, status: str = "open", **kw: Any) -> Recommendation:
    values = {"text": "Styrk sprogarbejdet i overgangene.", "owner": "Lederen", **kw}
    row = Recommendation(visit_id=visit.id, provider_id=visit.provider_id, due_on=due_on, status=status, **values)
    row.created_at = at(visit.held_on or visit.planned_on)
    return _saved(db, row)


def required_action(
    db: Session, provider: Provider, due_on: date, *, kind: str = "make_action_plan", **kw: Any
) -> RequiredAction:
    values = {"legal_reference": "dagtilbudsloven §5b, stk. 4-5", "reason": "Alvorlig bekymring efter tilsynet.", **kw}
    return _saved(db, RequiredAction(provider_id=provider.id, kind=kind, due_on=due_on, **values))


def intensified(db: Session, provider: Provider, started_on: date, **kw: Any) -> IntensifiedSupervision:
    values = {"state": "intensified_with_action_plan", "concern": "serious_concern", **kw}
    row = IntensifiedSupervision(
        municipality_id=provider.municipality_id, provider_id=provider.id, started_on=started_on, **values
    )
    return _saved(db, row)


def action_plan(
    db: Session, episode: IntensifiedSupervision, supervisor: UserAccount, due_on: date, *, created_on: date, **kw: Any
) -> ActionPlan:
    row = ActionPlan(
        municipality_id=episode.municipality_id,
        provider_id=episode.provider_id,
        intensified_id=episode.id,
        due_on=due_on,
        supervisor_id=supervisor.id,
        leader_name="Lene Leder",
        created_at=at(created_on),
        **{"status": "draft", **kw},
    )
    return _saved(db, row)


def concern_notice(db: Session, provider: Provider, received_on: date, **kw: Any) -> ConcernNotice:
    values = {
        "source": "parent",
        "reporter_name": "Pia Forælder",
        "reporter_contact": "pia@example.dk",
        "summary": "Børnene er meget alene på legepladsen.",
        **kw,
    }
    row = ConcernNotice(
        municipality_id=provider.municipality_id, provider_id=provider.id, received_on=received_on, **values
    )
    return _saved(db, row)


def board_informed(db: Session, provider: Provider, informed_on: date, **kw: Any) -> ParentBoardNotice:
    row = ParentBoardNotice(provider_id=provider.id, informed_on=informed_on, method="meeting", **kw)
    return _saved(db, row)


def status_changed(db: Session, row: Visit | ConcernNotice, old: str, new: str, on: date) -> AuditEvent:
    """An audit event recording that `row` went from `old` to `new` on `on`, as the API would have written it."""
    event = AuditEvent(
        municipality_id=row.municipality_id,
        at=at(on),
        actor_type="user",
        actor_id="test",
        actor_name="Test",
        action="test-status",
        entity_type=str(row.__tablename__),
        entity_id=str(row.id),
        changes={"_verb": "updated", "status": [old, new]},
    )
    return _saved(db, event)
