"""Small helpers for the read-only services that gather rows from several aggregates (overview, timeline)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, TypeVar

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


def held_on_days(session: Session, visit_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, date]:
    """The day each visit was held (the act a recommendation or a report follows from), in one query."""
    wanted = [i for i in set(visit_ids) if i is not None]
    found = session.exec(select(Visit.id, Visit.held_on).where(Visit.id.in_(wanted))).all() if wanted else []
    return {visit_id: held for visit_id, held in found if held is not None}
