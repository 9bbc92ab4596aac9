"""The audit trail, written automatically in the same transaction as every change.

An `after_flush` listener turns each new, changed or deleted row into an `AuditEvent` with the changed
fields, so no service can forget to audit. A `before_flush` listener stamps `updated_at` on changed rows.
Who acted comes from `AuditContext`, which the API puts on the session per request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import SQLModel

from api.tables.audit import AuditEvent
from api.tables.base import utcnow
from api.tables.municipality import Municipality
from domain.jsonable import jsonable

AUDIT_CONTEXT_KEY = "audit_context"
# Never copied into the trail: the trail is readable by admins, secrets are not.
REDACTED_FIELDS = frozenset({"password_hash", "secret_hash", "token_hash", "secret", "previous_secret"})
_SKIPPED_FIELDS = frozenset({"version", "updated_at", "created_at"})


@dataclass(frozen=True)
class AuditContext:
    actor_type: str
    actor_id: str
    actor_name: str
    municipality_id: uuid.UUID | None
    action: str
    on_behalf_of: str | None = None
    request_id: str | None = None


SYSTEM_CONTEXT = AuditContext("system", "cli", "tilsyn command line", None, "cli")


def set_audit_context(session: OrmSession, context: AuditContext) -> None:
    session.info[AUDIT_CONTEXT_KEY] = context


def _shown(field: str, value: Any) -> Any:
    return "<redacted>" if field in REDACTED_FIELDS and value is not None else jsonable(value)


def _column_keys(obj: SQLModel) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs]


def _created(obj: SQLModel) -> dict[str, Any]:
    return {k: [None, _shown(k, getattr(obj, k))] for k in _column_keys(obj) if k not in _SKIPPED_FIELDS}


def _updated(obj: SQLModel) -> dict[str, Any]:
    state = inspect(obj)
    changes: dict[str, Any] = {}
    for key in _column_keys(obj):
        if key in _SKIPPED_FIELDS:
            continue
        history = state.attrs[key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if jsonable(old) != jsonable(new):
                changes[key] = [_shown(key, old), _shown(key, new)]
    return changes


def _municipality_of(obj: SQLModel, context: AuditContext) -> uuid.UUID | None:
    if isinstance(obj, Municipality):
        return obj.id
    if getattr(obj, "audited_in_actors_municipality", False):  # a row about another municipality (networks)
        return context.municipality_id
    return getattr(obj, "municipality_id", None) or context.municipality_id


def _event(context: AuditContext, obj: SQLModel, verb: str, changes: dict[str, Any]) -> dict[str, Any] | None:
    municipality_id = _municipality_of(obj, context)
    if municipality_id is None:
        return None
    return {
        "id": uuid.uuid4(),
        "at": utcnow(),
        "municipality_id": municipality_id,
        "actor_type": context.actor_type,
        "actor_id": context.actor_id,
        "actor_name": context.actor_name,
        "on_behalf_of": context.on_behalf_of,
        "action": context.action if context.action != "cli" else f"{obj.__tablename__}.{verb}",
        "entity_type": str(obj.__tablename__),
        "entity_id": str(getattr(obj, "id", "")),
        "changes": {"_verb": verb, **changes},
        "request_id": context.request_id,
    }


def _audited(obj: object) -> bool:
    return isinstance(obj, SQLModel) and not isinstance(obj, AuditEvent)


@event.listens_for(OrmSession, "before_flush")
def _stamp_updated_at(session: OrmSession, _flush_context: Any, _instances: Any) -> None:
    for obj in session.dirty:
        if _audited(obj) and hasattr(obj, "updated_at") and session.is_modified(obj, include_collections=False):
            obj.updated_at = utcnow()  # `version` is bumped by SQLAlchemy itself (tables.base.Versioned)


@event.listens_for(OrmSession, "after_flush")
def _write_audit_events(session: OrmSession, _flush_context: Any) -> None:
    # After the flush the audited rows exist (foreign keys hold) and their change history is still there.
    context: AuditContext = session.info.get(AUDIT_CONTEXT_KEY, SYSTEM_CONTEXT)
    rows = [_event(context, obj, "created", _created(obj)) for obj in session.new if _audited(obj)]
    for obj in session.dirty:
        if _audited(obj) and (changes := _updated(obj)):
            rows.append(_event(context, obj, "updated", changes))
    rows += [_event(context, obj, "deleted", {}) for obj in session.deleted if _audited(obj)]
    rows = [row for row in rows if row is not None]
    if rows:
        session.connection().execute(AuditEvent.__table__.insert(), rows)
