"""Building blocks shared by the schemas: base configs and validated Danish identifiers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from domain import identifiers


class InputModel(BaseModel):
    """A request body: unknown fields are refused and surrounding white space is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReadModel(BaseModel):
    """A response body, built from a table row."""

    model_config = ConfigDict(from_attributes=True)


def _checked(problem: Callable[[str], str | None]) -> AfterValidator:
    def validate(value: str) -> str:
        reason = problem(value)
        if reason:
            raise ValueError(reason)
        return value

    return AfterValidator(validate)


Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Cvr = Annotated[str, _checked(identifiers.cvr_problem)]
PNumber = Annotated[str, _checked(identifiers.p_number_problem)]
Dagtilbudsnummer = Annotated[str, _checked(identifiers.dagtilbudsnummer_problem)]
Kommunekode = Annotated[str, _checked(identifiers.kommunekode_problem)]
PostalCode = Annotated[str, _checked(identifiers.postal_code_problem)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500)]

Limit = Annotated[int, Field(ge=1, le=200, description="Items per page (1-200).")]
