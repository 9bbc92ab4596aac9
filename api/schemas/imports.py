"""Import runs: a file of providers, KIDS history or indicator values, with status, counts, progress and errors."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import ReadModel
from domain.imports import ImportKind, ImportMode, ImportStatus

__all__ = ["ImportKind", "ImportMode", "ImportStatus"]

_KIND = "What the file holds: " + "; ".join(f"`{k.value}` = {k.label_da}" for k in ImportKind) + "."
_STATUS = (
    "`queued`, `running`, then `succeeded` (every row fine: written, or for a dry run, would be) or `failed` "
    "(nothing written; see `errors`)."
)
ERRORS_INLINE = 100  # errors shown in the run itself; the rest page at /imports/{id}/errors


class ImportCounts(BaseModel):
    """How the file's rows came out. In a dry run, what a real run would do."""

    rows: int = Field(description="Rows read (empty rows are skipped and not counted).")
    created: int = Field(description="Rows that are new.")
    updated: int = Field(description="Rows that replace a stored value (only with mode `replace`).")
    unchanged: int = Field(description="Rows equal to what is stored: importing the same file again changes nothing.")
    errors: int = Field(description="Errors found; any error means nothing was written.")


class ImportRowErrorRead(ReadModel):
    """One refused row: where it is, the column, the value and why."""

    line: int = Field(
        description="The row as the user sees it: its row number in Excel (the header is row 1), or for JSON the "
        "object's position in the array (the first is 1). 0: the file as a whole."
    )
    column: str | None = Field(description="The column's header as written in the file, if the error is in one.")
    value: str | None = Field(description="The value as written (at most 200 characters).")
    detail: str = Field(description="Why the row is refused, in plain words.")


class ImportRead(ReadModel):
    """An import run. Poll it until `status` is `succeeded` or `failed`."""

    id: uuid.UUID = Field(description="The run's id.")
    kind: ImportKind = Field(description=_KIND)
    status: ImportStatus = Field(description=_STATUS)
    dry_run: bool = Field(description="Whether the run only checks the file and writes nothing.")
    mode: ImportMode = Field(
        description="`insert`: a row whose key is stored with another value is an error. `replace`: it overwrites."
    )
    filename: str = Field(description="The uploaded file's name.")
    file_format: str | None = Field(description="`csv`, `xlsx` or `json`, once the file has been opened.")
    size_bytes: int = Field(description="The file's size in bytes.")
    rows_done: int = Field(description="Rows checked so far (progress); the row count once finished.")
    counts: ImportCounts = Field(description="The rows created, updated, unchanged and refused.")
    detail: str | None = Field(description="Why the file as a whole could not be read or processed, if so.")
    started_by: str = Field(validation_alias="actor_name", description="Who started the run (a person or client).")
    created_at: datetime = Field(description="When the run was started.")
    started_at: datetime | None = Field(description="When processing began.")
    finished_at: datetime | None = Field(description="When processing ended.")
    errors: list[ImportRowErrorRead] = Field(
        default_factory=list, description=f"The first {ERRORS_INLINE} errors by line; the rest at `errors_url`."
    )
    more_errors: bool = Field(False, description="Whether there are more errors than `errors` shows.")

    @classmethod
    def of(cls, run: Any, errors: list[Any] | None = None, more_errors: bool = False) -> ImportRead:
        """The run as read, with its first errors."""
        counts = ImportCounts(
            rows=run.count_rows,
            created=run.count_created,
            updated=run.count_updated,
            unchanged=run.count_unchanged,
            errors=run.count_errors,
        )
        values = {name: getattr(run, name) for name in cls.model_fields if hasattr(run, name)}
        values.pop("errors", None)
        return cls.model_validate(
            {**values, "actor_name": run.actor_name, "counts": counts, "more_errors": more_errors}
            | {"errors": [ImportRowErrorRead.model_validate(e) for e in errors or []]}
        )


class ImportPage(BaseModel):
    """A page of import runs, newest first."""

    items: list[ImportRead] = Field(description="The runs on this page (without their errors).")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class ImportErrorPage(BaseModel):
    """A page of a run's errors, by line."""

    items: list[ImportRowErrorRead] = Field(description="The errors on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
