"""Typed errors of the domain. Each carries a stable code; `api/errors.py` maps codes to HTTP statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable machine-readable kinds of failure. Integrators branch on these; never rename one."""

    NOT_FOUND = "not-found"
    INVALID_INPUT = "invalid-input"
    CONFLICT = "conflict"
    DUPLICATE = "duplicate"
    FORBIDDEN = "forbidden"
    UNAUTHENTICATED = "unauthenticated"
    PRECONDITION_FAILED = "precondition-failed"
    PRECONDITION_REQUIRED = "precondition-required"
    TOO_LARGE = "too-large"


@dataclass(frozen=True)
class Violation:
    """One thing wrong with the input: where it is (a dotted path such as `body.p_number`) and why."""

    location: str
    message: str


@dataclass
class DomainError(Exception):
    """A rule of the domain refused something. `detail` is for a human; `violations` point at the input."""

    code: ErrorCode
    detail: str
    violations: list[Violation] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.detail)


def not_found(entity: str) -> DomainError:
    """The entity does not exist, or exists in a tenant the caller cannot see (the two are not told apart)."""
    return DomainError(ErrorCode.NOT_FOUND, f"No {entity} with that id is visible to you.")


def invalid(location: str, message: str) -> DomainError:
    """One invalid input value, named by where it is."""
    return DomainError(ErrorCode.INVALID_INPUT, message, [Violation(location, message)])
