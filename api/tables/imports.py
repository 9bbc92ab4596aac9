"""Import runs (a file of providers, KIDS history or indicator values, checked and written all or nothing) and the
errors of their rows; and the earlier KIDS results that imports bring in (historical_assessment)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from api.tables.base import UTCDateTime, created_at_field, id_field, updated_at_field
from api.tables.indicator import NUMBER


class ImportRun(SQLModel, table=True):
    """One import of one file: its kind, how it went, its counts and how far it has come.

    `updated_at` moves with the progress, so a run that stays `running` without moving was stopped (its process
    died): all or nothing means none of its rows were written.
    """

    __tablename__ = "import_run"
    __table_args__ = (Index("ix_import_run_municipality_created", "municipality_id", "created_at", "id"),)

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id")
    kind: str = Field(max_length=30)
    status: str = Field(default="queued", max_length=20)
    dry_run: bool = Field(default=False)
    mode: str = Field(default="insert", max_length=10)
    filename: str = Field(max_length=255)
    file_format: str | None = Field(default=None, max_length=10)
    size_bytes: int = Field(default=0)
    rows_done: int = Field(default=0)
    count_rows: int = Field(default=0)
    count_created: int = Field(default=0)
    count_updated: int = Field(default=0)
    count_unchanged: int = Field(default=0)
    count_errors: int = Field(default=0)
    detail: str | None = Field(default=None, max_length=1000)
    actor_type: str = Field(max_length=20)
    actor_id: str = Field(max_length=200)
    actor_name: str = Field(max_length=200)
    on_behalf_of: str | None = Field(default=None, max_length=200)
    request_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = created_at_field()
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = updated_at_field()


class ImportRowError(SQLModel, table=True):
    """One refused row (or the file itself, `line` 0 or 1): where, which column, the value and why."""

    __tablename__ = "import_row_error"
    __table_args__ = (Index("ix_import_row_error_run_line", "import_run_id", "line", "seq"),)

    id: uuid.UUID = id_field()
    import_run_id: uuid.UUID = Field(foreign_key="import_run.id")
    seq: int  # the order the errors were found in, for stable paging
    line: int
    column: str | None = Field(default=None, max_length=200)
    value: str | None = Field(default=None, max_length=200)
    detail: str = Field(max_length=1000)


class HistoricalAssessment(SQLModel, table=True):
    """An earlier KIDS result of a provider or one of its units: one area's or theme's percentage on a date.

    Imported from what the municipality already has, so trends start from its history. `theme_key` is '' for the
    area as a whole. `scope_id` is the unit's id, or the provider's for its own result: never NULL, so the key is
    unique on both databases (as indicator_value's).
    """

    __tablename__ = "historical_assessment"
    __table_args__ = (
        Index(
            "uq_historical_assessment_key",
            "provider_id",
            "scope_id",
            "assessed_on",
            "instrument_key",
            "area_key",
            "theme_key",
            unique=True,
        ),
    )

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="provider.id")
    unit_id: uuid.UUID | None = Field(default=None, foreign_key="unit.id")
    scope_id: uuid.UUID
    assessed_on: date
    instrument_key: str = Field(max_length=60)
    area_key: str = Field(max_length=60)
    theme_key: str = Field(default="", max_length=60)
    percent: float = Field(sa_type=NUMBER)
    import_run_id: uuid.UUID | None = Field(default=None, foreign_key="import_run.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
