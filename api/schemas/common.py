"""Building blocks shared by the schemas: base configs and validated Danish identifiers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from api.tables.base import as_utc
from domain import identifiers
from domain.text import unstorable_problem


def _unstorable(value: Any) -> str | None:
    """The first reason a value (a string, or strings inside lists and mappings) cannot be stored."""
    if isinstance(value, str):
        return unstorable_problem(value)
    if isinstance(value, SecretStr):
        return unstorable_problem(value.get_secret_value())
    if isinstance(value, list | tuple | set | frozenset):
        return next((p for p in map(_unstorable, value) if p), None)
    if isinstance(value, dict):
        return next((p for p in map(_unstorable, [*value.keys(), *value.values()]) if p), None)
    if isinstance(value, BaseModel) and not isinstance(value, InputModel):  # an InputModel checked its own fields
        return _unstorable(dict(value))
    return None


def _storable_text(value: str | None) -> str | None:
    problem = unstorable_problem(value) if value else None
    if problem:
        raise ValueError(problem)
    return value


# For a parameter outside an InputModel (a form field): `Annotated[str, Form(max_length=...), Storable]`.
Storable = AfterValidator(_storable_text)


class InputModel(BaseModel):
    """A request body: unknown fields are refused, surrounding white space is trimmed, and no text may hold a
    control character a database cannot store (domain/text.py): every field of every body, in one place."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        problem = _unstorable(value)
        if problem:
            raise ValueError(problem)
        return value


# A timestamp read from the database: UTC, with the zone attached even when the driver gives none (SQLite). Plain
# reads (api/plain_reads.py) hand the driver's value to the read model, which parses it here.
StoredTimestamp = Annotated[datetime, AfterValidator(as_utc)]


class ReadModel(BaseModel):
    """A response body, built from a table row."""

    model_config = ConfigDict(from_attributes=True)


def _checked(problem: Callable[[str], str | None], length: int) -> tuple[AfterValidator, WithJsonSchema]:
    """The identifier's own check (with its plain-words message), documented with its fixed length."""

    def validate(value: str) -> str:
        reason = problem(value)
        if reason:
            raise ValueError(reason)
        return value

    return AfterValidator(validate), WithJsonSchema({"type": "string", "minLength": length, "maxLength": length})


Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Cvr = Annotated[str, *_checked(identifiers.cvr_problem, 8)]
PNumber = Annotated[str, *_checked(identifiers.p_number_problem, 10)]
Dagtilbudsnummer = Annotated[str, *_checked(identifiers.dagtilbudsnummer_problem, 6)]
Kommunekode = Annotated[str, *_checked(identifiers.kommunekode_problem, 3)]
PostalCode = Annotated[str, *_checked(identifiers.postal_code_problem, 4)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500)]

Limit = Annotated[int, Field(ge=1, le=200, description="Items per page (1-200).")]
