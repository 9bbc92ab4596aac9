"""Small helpers for the read-only services that gather rows from several aggregates (overview, timeline)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Row, Select
from sqlmodel import Session, SQLModel, select

from api.clock import DANISH_TIME
from api.tables import Visit

T = TypeVar("T", bound=SQLModel)


def danish_day(moment: datetime) -> date:
    """The Danish calendar day of a stored UTC timestamp."""
    return moment.astimezone(DANISH_TIME).date()


def as_uuid(value: str) -> uuid.UUID | None:
    """The id in `value`, or None for an external (OIDC) subject, who has no rows of their own here."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def rows(session: Session, table: type[T], *conditions: Any, newest: Any = None) -> list[T]:
    """The rows of `table` that meet every condition; newest first by the `newest` column, if one is named."""
    statement = select(table).where(*conditions)
    return list(session.exec(statement.order_by(newest.desc(), table.id) if newest is not None else statement))


def column_rows(session: Session, statement: Select) -> Sequence[Row]:
    """The rows of a select of columns, run on the session's connection without the ORM's handling of each row.

    For the long reads of a municipality's history (its visits, reports and assessments): for plain columns the ORM
    adds nothing but a cost per row. The session's pending changes are flushed first, as a query through it would.
    """
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement).all()


def held_on_days(session: Session, visit_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, date]:
    """The day each visit was held (the act a recommendation or a report follows from), in one query."""
    wanted = [i for i in set(visit_ids) if i is not None]
    found = session.exec(select(Visit.id, Visit.held_on).where(Visit.id.in_(wanted))).all() if wanted else []
    return {visit_id: held for visit_id, held in found if held is not None}
