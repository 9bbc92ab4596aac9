"""Imports of data a municipality already has: its provider register, earlier KIDS results and indicator values.

The rules every import follows, whatever the file: rows are keyed by the register's ids (dagtilbudsnummer, then a
unit, an indicator, a period or a date); a dry run checks every row and writes nothing; a real run is all or
nothing; a row equal to what is stored changes nothing (`unchanged`); a row with the same key and another value is a
conflict, refused unless the run says `replace`. States and kinds are enums; Danish labels travel with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class ImportKind(StrEnum):
    """What a file holds. The slugs are the CLI's first argument and the API's `kind`."""

    PROVIDERS = "providers"  # the provider register (dagtilbud), by dagtilbudsnummer
    KIDS_HISTORY = "kids-history"  # earlier KIDS results per provider or unit, date, area and theme
    INDICATOR_VALUES = "indicator-values"  # aggregate indicator values per provider or unit and period

    @property
    def label_da(self) -> str:
        return {
            ImportKind.PROVIDERS: "dagtilbudsregister",
            ImportKind.KIDS_HISTORY: "tidligere KIDS-resultater",
            ImportKind.INDICATOR_VALUES: "indikatorværdier",
        }[self]


class ImportStatus(StrEnum):
    """queued -> running -> succeeded (every row fine; written unless a dry run) or failed (nothing written)."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)


class ImportMode(StrEnum):
    """`insert`: a row whose key is stored with another value is an error. `replace`: that row overwrites it."""

    INSERT = "insert"
    REPLACE = "replace"


class RowOutcome(StrEnum):
    """What one valid row does to what is stored."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"


def outcome(stored: Mapping[str, Any] | None, incoming: Mapping[str, Any], mode: ImportMode) -> RowOutcome:
    """The outcome of a row whose key holds `stored` (None: nothing yet): equal values change nothing, and another
    value is a conflict unless the run replaces. Only the fields the row carries are compared; bulk imports apply
    the same rule in SQL (api/imports/merge.py)."""
    if stored is None:
        return RowOutcome.CREATED
    if all(stored.get(field) == value for field, value in incoming.items()):
        return RowOutcome.UNCHANGED
    return RowOutcome.UPDATED if mode is ImportMode.REPLACE else RowOutcome.CONFLICT


def conflict_detail(fields: Mapping[str, tuple[Any, Any]]) -> str:
    """Why a row is refused as a conflict: each field's stored and new value, and how to overwrite."""
    changes = "; ".join(f"{name}: stored {old!r}, file {new!r}" for name, (old, new) in fields.items())
    return f"Already stored with another value ({changes}). Import with mode=replace (--replace) to overwrite it."


# A percentage (KIDS results, shares) lies in 0-100.
PERCENT_RANGE = (0.0, 100.0)
# Errors kept per run for the report; the count goes on past it, so a file with a million bad rows stays cheap.
MAX_KEPT_ERRORS = 10_000
