"""The change feed: a page of a municipality's outbox events, in position order, among what the caller is shown.

The rule of who is shown what is domain.change_feed's; here it becomes SQL (`shown`), so a page is one indexed
range scan of `ix_outbox_event_municipality_position` with a LIMIT. A provider-bound caller is shown events of its
own provider and municipality-wide ones only (`confined_to`): its page is one ordered range of
`ix_outbox_event_municipality_provider_position` per such provider, each with the LIMIT, merged; so a leader's first
poll in a long history reads no other provider's events. Columns are read, never OutboxEvent objects.

Why `position > cursor` never skips an event: api.outbox holds a per-municipality lock from an event's insert to
its commit, and positions are drawn under it, so a municipality's events become visible in position order. Every
event of the municipality with a position at or below the highest one visible now has committed (tests/api/
test_change_feed_order.py shows the lock holding back a second writer); so after a page that is not full, the
cursor may move to that highest position even when the caller was shown none of the events up to it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, false, func, not_, or_, select, union_all
from sqlmodel import Session

from api.services.reading import column_rows
from api.tables import OutboxEvent
from domain.change_feed import (
    Backfill,
    FeedCursor,
    FeedScope,
    Visibility,
    backfill_from,
    decode_cursor,
    encode_cursor,
    scope_of,
)
from domain.event_rules import link
from domain.events import ChangeOperation

_EVENTS = OutboxEvent.__table__.c  # type: ignore[attr-defined]
_COLUMNS = (
    _EVENTS.position,
    _EVENTS.id,
    _EVENTS.type,
    _EVENTS.operation,
    _EVENTS.aggregate_type,
    _EVENTS.aggregate_id,
    _EVENTS.provider_id,
    _EVENTS.occurred_at,
    _EVENTS.payload,
)


def href_of(aggregate_type: str, aggregate_id: str, operation: str, payload: dict[str, Any]) -> str | None:
    """The API path of the object an event is about (domain.event_rules.link); None after a deletion."""
    return None if operation == ChangeOperation.DELETED else link(aggregate_type, aggregate_id, payload)


@dataclass(frozen=True)
class Change:
    """One event as the feed shows it."""

    position: int
    id: uuid.UUID
    type: str
    operation: str
    aggregate_type: str
    aggregate_id: str
    provider_id: uuid.UUID | None
    occurred_at: datetime
    payload: dict[str, Any]
    href: str | None


@dataclass(frozen=True)
class ChangePage:
    items: list[Change]
    next_cursor: str
    has_more: bool


def _among(column: Any, values: frozenset[str]) -> ColumnElement[bool]:
    return column.in_(sorted(values)) if values else false()


def shown(scope: FeedScope) -> ColumnElement[bool]:
    """domain.change_feed.shows as SQL. Never NULL (every comparison with the nullable provider is guarded), so
    NOT of it is exactly the events the scope does not show."""
    own: ColumnElement[bool] = false()
    if scope.own_provider is not None and scope.at_own_provider:
        own = and_(
            _EVENTS.provider_id.is_not(None),
            _EVENTS.provider_id == scope.own_provider,
            _among(_EVENTS.aggregate_type, scope.at_own_provider),
        )
    wide = and_(_EVENTS.provider_id.is_(None), _among(_EVENTS.aggregate_type, scope.municipality_wide))
    clause = or_(
        _among(_EVENTS.aggregate_type, scope.everywhere),
        and_(_EVENTS.hidden_from_provider.is_(False), or_(own, wide)),
    )
    if scope.types is not None:
        clause = and_(clause, _among(_EVENTS.type, scope.types))
    return clause


def confined_to(scope: FeedScope) -> tuple[uuid.UUID | None, ...] | None:
    """The providers (None: no provider) outside which `shown(scope)` is false, or None when it is not confined
    (a caller shown some aggregate everywhere). Each is a range of its own in `page_statement`."""
    if scope.everywhere:
        return None
    own = (scope.own_provider,) if scope.own_provider is not None and scope.at_own_provider else ()
    return own + ((None,) if scope.municipality_wide else ())


def _range(
    municipality_id: uuid.UUID, after: int, condition: ColumnElement[bool], limit: int, up_to: int | None
) -> Select:
    statement = select(*_COLUMNS).where(_EVENTS.municipality_id == municipality_id, _EVENTS.position > after, condition)
    if up_to is not None:
        statement = statement.where(_EVENTS.position <= up_to)
    return statement.order_by(_EVENTS.position).limit(limit)


def page_statement(
    municipality_id: uuid.UUID,
    after: int,
    condition: ColumnElement[bool],
    limit: int,
    up_to: int | None = None,
    providers: tuple[uuid.UUID | None, ...] | None = None,
) -> Select | CompoundSelect:
    """The municipality's events after `after` (and up to `up_to`) meeting `condition`: one index range, LIMIT.

    With `providers` (`confined_to`: `condition` holds for no other provider), one range per provider, each with
    the LIMIT, merged in position order: the same events, read without passing other providers' events."""
    if providers is None:
        return _range(municipality_id, after, condition, limit, up_to)
    if len(providers) < 2:
        at = _at(providers[0]) if providers else false()
        return _range(municipality_id, after, and_(at, condition), limit, up_to)
    ranges = [
        _range(municipality_id, after, and_(_at(provider), condition), limit, up_to).subquery()
        for provider in providers
    ]
    merged = union_all(*(select(*r.c) for r in ranges))
    return merged.order_by(merged.selected_columns.position).limit(limit)


def _at(provider: uuid.UUID | None) -> ColumnElement[bool]:
    return _EVENTS.provider_id.is_(None) if provider is None else _EVENTS.provider_id == provider


def _changes(session: Session, statement: Select | CompoundSelect) -> list[Change]:
    return [
        Change(
            position=row.position,
            id=row.id,
            type=row.type,
            operation=row.operation,
            aggregate_type=row.aggregate_type,
            aggregate_id=row.aggregate_id,
            provider_id=row.provider_id,
            occurred_at=row.occurred_at,
            payload=row.payload,
            href=href_of(row.aggregate_type, row.aggregate_id, row.operation, row.payload),
        )
        for row in column_rows(session, statement)
    ]


def _highest_position(session: Session, municipality_id: uuid.UUID) -> int:
    statement = select(func.max(_EVENTS.position)).where(_EVENTS.municipality_id == municipality_id)
    return session.connection().execute(statement).scalar_one() or 0


def read_changes(
    session: Session, municipality_id: uuid.UUID, now: Visibility, cursor: str | None, limit: int, key: bytes
) -> ChangePage:
    """One page: first any back-fill the caller's grown visibility owes, then the events after the cursor."""
    state = decode_cursor(cursor, key, municipality_id) if cursor else FeedCursor(municipality_id, 0, now)
    items: list[Change] = []
    scope = scope_of(now)
    confined = confined_to(scope)
    backfill_after = backfill_from(state, now)
    if backfill_after is not None:
        newly = and_(shown(scope), not_(shown(scope_of(state.seen))))
        statement = page_statement(municipality_id, backfill_after, newly, limit + 1, state.position, confined)
        found = _changes(session, statement)
        if len(found) > limit:
            items = found[:limit]
            going_on = Backfill(items[-1].position, now.fingerprint())
            next_state = FeedCursor(municipality_id, state.position, state.seen, going_on)
            return ChangePage(items, encode_cursor(next_state, key), True)
        items = found  # the back-fill is done: everything up to the position that `now` shows has been sent
    room = limit - len(items)
    # Read before the page: every event at or below it has committed (see the module's docstring).
    highest = _highest_position(session, municipality_id)
    found = _changes(session, page_statement(municipality_id, state.position, shown(scope), room + 1, None, confined))
    has_more = len(found) > room
    forward = found[:room]
    items += forward
    if has_more:
        position = forward[-1].position if forward else state.position
    else:
        position = max(state.position, highest, forward[-1].position if forward else 0)
    return ChangePage(items, encode_cursor(FeedCursor(municipality_id, position, now), key), has_more)
