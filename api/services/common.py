"""Small helpers the services share."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, HttpUrl, SecretStr
from sqlmodel import SQLModel

from domain.errors import DomainError, ErrorCode, Violation


def column_values(model: BaseModel, *, only_set: bool = False) -> dict[str, Any]:
    """The model's values as the table stores them (URLs as text); `only_set` for PATCH semantics."""
    values = model.model_dump(exclude_unset=only_set)
    return {k: str(v) if isinstance(v, HttpUrl) else v for k, v in values.items() if not isinstance(v, SecretStr)}


def apply_changes(row: SQLModel, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(row, key, value)


def refuse_nulls(values: dict[str, Any], required: tuple[str, ...]) -> None:
    """Refuse a PATCH that sets a required field to null, naming each such field."""
    nulls = [key for key in required if key in values and values[key] is None]
    if nulls:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"These fields cannot be removed: {', '.join(nulls)}.",
            [Violation(f"body.{key}", "This field is required and cannot be null.") for key in nulls],
        )


def in_request_body(error: DomainError, prefix: str = "body.") -> DomainError:
    """The domain's refusal of a whole document, pointed into the request.

    `bands[2].lower_bound` in the domain becomes `body.bands.2.lower_bound`, as a schema error would name it.
    """
    return DomainError(
        ErrorCode.INVALID_INPUT,
        error.detail,
        [Violation(prefix + v.location.replace("[", ".").replace("]", ""), v.message) for v in error.violations],
    )
