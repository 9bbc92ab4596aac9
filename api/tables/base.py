"""Column types and mixins shared by every table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

# Constraint names are part of the schema: Alembic needs them stable to alter or drop a constraint later.
# Set here, before any table class is defined, because names are given when a table is built.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A stored timestamp in UTC, time zone attached: stored timestamps are UTC, and SQLite forgets the zone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[no-untyped-def]
        return None if value is None else as_utc(value)


def id_field() -> uuid.UUID:
    return Field(default_factory=uuid.uuid4, primary_key=True)


def created_at_field() -> datetime:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def updated_at_field() -> datetime:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def version_field() -> int:
    # The ETag of a resource is its version. See Versioned for how it is kept.
    return Field(default=1, nullable=False)


class Versioned:
    """Optimistic locking by SQLAlchemy: every UPDATE bumps `version` and says `WHERE version = <read>`.

    So two clients holding the same ETag cannot both win: the second UPDATE matches no row and raises
    StaleDataError, which the API answers with 412, even when both passed the If-Match check at once.
    """

    @declared_attr
    def __mapper_args__(cls) -> dict:  # type: ignore[misc]
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
