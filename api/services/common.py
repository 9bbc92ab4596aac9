"""Small helpers the services share."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, HttpUrl, SecretStr
from sqlmodel import SQLModel


def column_values(model: BaseModel, *, only_set: bool = False) -> dict[str, Any]:
    """The model's values as the table stores them (URLs as text); `only_set` for PATCH semantics."""
    values = model.model_dump(exclude_unset=only_set)
    return {k: str(v) if isinstance(v, HttpUrl) else v for k, v in values.items() if not isinstance(v, SecretStr)}


def apply_changes(row: SQLModel, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(row, key, value)
