"""Who can sign in: local users with a role, and integration clients with scopes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from api.tables.base import UTCDateTime, Versioned, created_at_field, id_field, updated_at_field, version_field


class UserAccount(Versioned, SQLModel, table=True):
    """A person with a role in one municipality; leaders, staff and parent boards also belong to a provider."""

    __tablename__ = "user_account"

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    email: str = Field(max_length=254, unique=True)
    full_name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    provider_id: uuid.UUID | None = Field(default=None, foreign_key="provider.id", index=True)
    password_hash: str | None = Field(default=None, max_length=300)
    is_active: bool = Field(default=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class IntegrationClient(Versioned, SQLModel, table=True):
    """A case system or import script. Its secret is shown once and stored only as a hash."""

    __tablename__ = "integration_client"

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    name: str = Field(max_length=200)
    client_id: str = Field(max_length=64, unique=True)
    secret_hash: str = Field(max_length=300)
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()
