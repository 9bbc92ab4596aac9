"""Sign-in limits: the failed attempts per account and per client address, shared by every worker."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from api.tables.base import UTCDateTime


class SignInLimit(SQLModel, table=True):
    """The tally of one account or client address (domain.sign_in.Tally); no row means no recent failures.

    `key` is an HMAC of what was tried (a username, a client_id or an address), so the table holds no
    mistyped e-mail addresses, passwords typed into the username field, or client addresses in clear.
    """

    __tablename__ = "sign_in_limit"

    key: str = Field(primary_key=True, max_length=64)
    limited_by: str = Field(max_length=20)  # domain.sign_in.LimitedBy
    failures: int = Field(default=0)
    window_start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lockouts: int = Field(default=0)
    updated_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
