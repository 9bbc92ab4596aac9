"""Plain JSON values from what rows hold: one conversion for the audit trail and the events' payloads."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any


def jsonable(value: Any) -> Any:
    """Enums as their value, UUIDs as text, dates and times in ISO 8601, lists and dicts element by element."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value
