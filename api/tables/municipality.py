"""The tenant: one municipality (kommune) owns every other row."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from api.tables.base import Versioned, created_at_field, id_field, updated_at_field, version_field
from domain.filing import DEFAULT_KLE_CLASSIFICATION, KLE_MAX_LENGTH


class Municipality(Versioned, SQLModel, table=True):
    __tablename__ = "municipality"

    id: uuid.UUID = id_field()
    name: str = Field(max_length=200)
    kommunekode: str = Field(max_length=3, unique=True)
    cvr: str = Field(max_length=8)
    # The KLE subject its case system files supervision reports under (domain.filing).
    kle_classification: str = Field(default=DEFAULT_KLE_CLASSIFICATION, max_length=KLE_MAX_LENGTH)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()
