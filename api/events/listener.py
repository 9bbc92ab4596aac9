"""Domain events, written in the same transaction as the change that causes them (the transactional outbox).

An `after_flush` listener turns each new, changed or deleted row of an aggregate's table into events by the one
rule (domain.event_rules.events_for_change) and keeps them on the session; a `before_commit` listener writes them
with `api.outbox.append_events`, in order, in one call, just before the commit, so the per-municipality lock is
held only for the insert and the commit. A rollback drops them (a savepoint's rollback drops those collected in
it), so a failed request leaves no event and a committed change never lacks one.

A flush that touches no aggregate's table costs a set lookup per row: nothing is read, built or kept.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction

from api.audit import AUDIT_CONTEXT_KEY, SYSTEM_CONTEXT, AuditContext
from api.outbox import NewEvent, append_events
from api.tables import ActionPlan, ConcernNotice, Provider, SupervisionConversation, Visit
from domain.event_rules import (
    AGGREGATE_OF,
    EVENT_TABLES,
    WATCHED_TABLES,
    DomainEvent,
    Verb,
    events_for_change,
    notices_revealed,
    parent_of,
    reveals_notices,
)
from domain.states import ConcernStatus

PENDING_KEY = "tilsyn_outbox_pending"
_PARENTS: dict[str, type] = {
    "action_plan": ActionPlan,
    "supervision_conversation": SupervisionConversation,
    "visit": Visit,
}
_COLUMNS: dict[type, tuple[str, ...]] = {}


@dataclass
class _Pending:
    """The events of the session's current transaction, each with the savepoint it was collected in (None: none)."""

    events: list[tuple[SessionTransaction | None, NewEvent]] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)  # aggregates with an event in this transaction
    committing: bool = False


def _columns(obj: Any) -> tuple[str, ...]:
    keys = _COLUMNS.get(type(obj))
    if keys is None:
        keys = _COLUMNS[type(obj)] = tuple(attr.key for attr in inspect(obj).mapper.column_attrs)
    return keys


def _values(obj: Any) -> dict[str, Any]:
    return {key: getattr(obj, key) for key in _columns(obj)}


def _before(obj: Any, now: dict[str, Any]) -> dict[str, Any]:
    """The row's fields before this flush, from the attribute history (as api.audit reads it)."""
    state, old = inspect(obj), dict(now)
    for key in _columns(obj):
        history = state.attrs[key].history
        if history.deleted:
            old[key] = history.deleted[0]
    return old


def _municipality_of(session: OrmSession, row: dict[str, Any]) -> uuid.UUID | None:
    if row.get("municipality_id") is not None:
        return row["municipality_id"]
    provider = session.get(Provider, row["provider_id"]) if row.get("provider_id") is not None else None
    if provider is not None:  # a unit, an assessment, a recommendation: their provider's municipality
        return provider.municipality_id
    context: AuditContext = session.info.get(AUDIT_CONTEXT_KEY, SYSTEM_CONTEXT)
    return context.municipality_id


def _related(session: OrmSession, table: str, row: dict[str, Any]) -> dict[str, Any]:
    if table == "concern_notice" and row.get("status") == ConcernStatus.VISIT_PLANNED and row.get("visit_id"):
        visit = session.get(Visit, row["visit_id"])
        return {"visit_status": visit.status if visit is not None else None}
    return {}


def _linked_notices(session: OrmSession, visit_id: Any) -> list[dict[str, Any]]:
    """The concern notices linked to a visit, as plain rows (read on the flush's connection: no autoflush)."""
    notices = ConcernNotice.__table__  # type: ignore[attr-defined]
    statement = notices.select().where(notices.c.visit_id == visit_id)
    return [dict(row) for row in session.connection().execute(statement).mappings()]


def new_event(municipality_id: uuid.UUID, e: DomainEvent) -> NewEvent:
    """The outbox row of a domain event (e.g. `domain.event_rules.subscription_disabled`) for `append_events`."""
    return NewEvent(
        municipality_id=municipality_id,
        type=e.type.value,
        operation=e.operation.value,
        aggregate_type=e.aggregate_type.value,
        aggregate_id=e.aggregate_id,
        provider_id=e.provider_id,
        hidden_from_provider=e.hidden_from_provider,
        payload=e.payload,
    )


def _changes(session: OrmSession) -> tuple[list[tuple[str, Verb, dict, dict]], list[tuple[str, dict]]]:
    """(table, verb, old, new) of each aggregate row this flush wrote, and (table, row) of each child row."""
    rows: list[tuple[str, Verb, dict, dict]] = []
    children: list[tuple[str, dict]] = []

    def note(obj: Any, verb: Verb) -> None:
        table = getattr(obj, "__tablename__", None)
        if table not in WATCHED_TABLES:
            return
        now = _values(obj)
        if table not in EVENT_TABLES:
            children.append((table, now))
        elif verb is Verb.CREATED:
            rows.append((table, verb, {}, now))
        elif verb is Verb.UPDATED:
            rows.append((table, verb, _before(obj, now), now))
        else:
            rows.append((table, verb, now, {}))

    for obj in session.new:
        note(obj, Verb.CREATED)
    for obj in session.dirty:
        note(obj, Verb.UPDATED)
    for obj in session.deleted:
        note(obj, Verb.DELETED)
    return rows, children


@event.listens_for(OrmSession, "after_flush")
def _collect(session: OrmSession, _flush_context: Any) -> None:
    rows, children = _changes(session)
    if not rows and not children:
        return
    pending: _Pending = session.info.setdefault(PENDING_KEY, _Pending())
    found: list[tuple[uuid.UUID | None, DomainEvent]] = []
    for table, verb, old, new in rows:
        related = _related(session, table, new or old)
        for e in events_for_change(table, verb, old, new, related=related):
            found.append((_municipality_of(session, new or old), e))
            pending.seen.add((e.aggregate_type.value, e.aggregate_id))
        if table == "visit" and verb is Verb.UPDATED and reveals_notices(old, new):
            for e in notices_revealed(old, new, _linked_notices(session, new["id"])):
                found.append((_municipality_of(session, new), e))
                pending.seen.add((e.aggregate_type.value, e.aggregate_id))
    for table, row in children:
        parent = parent_of(table, row)
        if parent is None or (AGGREGATE_OF[parent[0]].value, str(parent[1])) in pending.seen:
            continue
        owner = session.get(_PARENTS[parent[0]], parent[1])
        if owner is None or owner in session.deleted:
            continue
        values = _values(owner)
        for e in events_for_change(parent[0], Verb.UPDATED, values, values, child_changed=True):
            found.append((_municipality_of(session, values), e))
            pending.seen.add((e.aggregate_type.value, e.aggregate_id))
    new_events = [new_event(m, e) for m, e in found if m is not None]
    if pending.committing:  # a flush during the commit itself, after the events were written: write these now
        append_events(session.connection(), new_events)
        return
    savepoint = session.get_nested_transaction()
    pending.events += [(savepoint, e) for e in new_events]


@event.listens_for(OrmSession, "before_commit")
def _write(session: OrmSession) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint released: its events wait for the transaction's own commit
    session.flush()  # the commit would flush after this hook; flush first, so those rows' events are written too
    pending: _Pending | None = session.info.get(PENDING_KEY)
    if pending is None:
        return
    append_events(session.connection(), [e for _, e in pending.events])
    pending.events.clear()
    pending.committing = True


@event.listens_for(OrmSession, "after_soft_rollback")
def _drop_rolled_back(session: OrmSession, previous: SessionTransaction) -> None:
    pending: _Pending | None = session.info.get(PENDING_KEY)
    if pending is None:
        return
    if not previous.nested:
        session.info.pop(PENDING_KEY, None)
        return
    pending.events = [(sp, e) for sp, e in pending.events if not _within(sp, previous)]
    pending.seen = {(e.aggregate_type, e.aggregate_id) for _, e in pending.events}


def _within(savepoint: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while savepoint is not None:
        if savepoint is ended:
            return True
        savepoint = savepoint.parent
    return False


@event.listens_for(OrmSession, "after_transaction_end")
def _forget(session: OrmSession, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the transaction is over, committed or not: nothing of it may carry over
        session.info.pop(PENDING_KEY, None)
