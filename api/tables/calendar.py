"""Personal calendar feeds: a secret URL per user that calendar programs subscribe to (RFC 5545)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from api.tables.base import UTCDateTime, created_at_field, id_field


class CalendarFeed(SQLModel, table=True):
    """One secret feed URL of a user. Only the SHA-256 of its token is stored; the token is shown once.

    A user has at most one feed that is not revoked: making a new one revokes the old, so the old URL stops working.
    Revoked rows stay, as a record of when each URL existed.
    """

    __tablename__ = "calendar_feed"

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
