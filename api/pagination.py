"""Keyset pagination: stable under concurrent inserts, fast at any depth, with a `Link: rel="next"` header.

The cursor is opaque to clients: base64url of the sort key of the last item returned.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from fastapi import Request, Response
from sqlalchemy import ColumnElement, and_, bindparam, or_
from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

from domain.errors import invalid
from domain.text import unstorable_problem

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class SortKey:
    """A column to sort by, ascending or descending; the last key must be unique (the id)."""

    column: Any
    descending: bool = False


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date):  # datetimes too: datetime is a date
        return value.isoformat()
    return value


def _encode(values: Sequence[Any]) -> str:
    plain = [_plain(v) for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _python_type(key: SortKey) -> type:
    column_type = key.column.type
    return getattr(column_type, "impl", column_type).python_type  # see through TypeDecorators (UTCDateTime)


def _decode(cursor: str, keys: Sequence[SortKey]) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(keys):
            raise ValueError
        values = []
        for value, key in zip(raw, keys, strict=True):
            python_type = _python_type(key)
            if python_type is uuid.UUID:
                value = uuid.UUID(value)
            elif python_type is datetime:
                value = datetime.fromisoformat(value)
                if value.tzinfo is None:
                    raise ValueError
            elif python_type is date:
                value = date.fromisoformat(value)
            if not isinstance(value, python_type):  # a forged cursor must not reach the database driver
                raise ValueError
            if isinstance(value, str) and unstorable_problem(value):  # nor a NUL PostgreSQL cannot compare
                raise ValueError
            values.append(value)
        return values
    except (ValueError, TypeError, AttributeError, binascii.Error) as exc:
        raise invalid(
            "query.cursor", "The cursor is not one this service gave out; start from the first page."
        ) from exc


def _after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    # (a, b, c) > (x, y, z) spelled out, so mixed ascending/descending keys work on every database.
    clauses = []
    for i, key in enumerate(keys):
        equal_before = [keys[j].column == values[j] for j in range(i)]
        beyond = key.column < values[i] if key.descending else key.column > values[i]
        clauses.append(and_(*equal_before, beyond))
    return or_(*clauses)


def paginate(
    session: Session, statement: SelectOfScalar[T], keys: Sequence[SortKey], cursor: str | None, limit: int
) -> Page[T]:
    if cursor:
        statement = statement.where(_after(keys, _decode(cursor, keys)))
    order = [k.column.desc() if k.descending else k.column.asc() for k in keys]
    rows = list(session.exec(statement.order_by(*order).limit(limit + 1)).all())
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    last = rows[-1]
    return Page(rows, _encode([getattr(last, k.column.key) for k in keys]))


def after_cursor(keys: Sequence[SortKey]) -> ColumnElement[bool]:
    """The condition "after a cursor's sort key" with the key's values as bound parameters `after_0`, `after_1`...

    For a query built once and run many times (api/plain_reads.py): bind `cursor_values(cursor, keys)` at each run.
    """
    return _after(keys, [bindparam(f"after_{i}", type_=key.column.type) for i, key in enumerate(keys)])


def cursor_values(cursor: str, keys: Sequence[SortKey]) -> dict[str, Any]:
    """The bound values of `after_cursor`'s condition for `cursor`; a forged cursor is a 422, as with `paginate`."""
    return {f"after_{i}": value for i, value in enumerate(_decode(cursor, keys))}


def plain_page(items: list[T], keys: Sequence[SortKey], limit: int) -> Page[T]:
    """A page of items read with `limit + 1` (as `paginate` reads), and the cursor after its last one."""
    if len(items) <= limit:
        return Page(items, None)
    items = items[:limit]
    return Page(items, _encode([getattr(items[-1], k.column.key) for k in keys]))


def link_next(request: Request, response: Response, next_cursor: str | None) -> None:
    """Set `Link: <...>; rel="next"` with the caller's own filters kept."""
    if next_cursor:
        url = request.url.include_query_params(cursor=next_cursor)
        response.headers["Link"] = f'<{url}>; rel="next"'
