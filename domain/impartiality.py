"""Who may supervise whom (uvildighed, dagtilbudsloven §5a).

A supervisor cannot supervise a provider where they are leader or staff, or where they have declared a
conflict of interest (inhabilitet). The verdict carries its reason in words, because the administration
must be able to show how impartiality was ensured, and a refusal must say why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import DomainError, ErrorCode, Violation


class AffiliationRole(StrEnum):
    """A person's tie to a provider that rules out supervising it."""

    LEADER = "leader"  # dagtilbudsleder
    STAFF = "staff"  # medarbejder


@dataclass(frozen=True)
class Affiliation:
    """The supervisor's own tie to a provider: leader or staff there."""

    provider_id: str
    role: str

    def __post_init__(self) -> None:
        if self.role not in set(AffiliationRole):
            message = f"An affiliation's role is `leader` or `staff`, not `{self.role}`."
            raise DomainError(ErrorCode.INVALID_INPUT, message, [Violation("role", message)])


@dataclass(frozen=True)
class ConflictDeclaration:
    """A conflict of interest the supervisor declared with a provider (family, friendship, former job, ...)."""

    provider_id: str
    reason: str


@dataclass(frozen=True)
class ImpartialityVerdict:
    allowed: bool
    reason: str


ALLOWED_REASON = "No affiliation or declared conflict with this provider."


def may_supervise(
    supervisor_id: str,
    provider_id: str,
    *,
    affiliations: Iterable[Affiliation],
    conflicts: Iterable[ConflictDeclaration],
) -> ImpartialityVerdict:
    """Whether the supervisor may supervise the provider; every ground against it is named in the reason."""
    grounds = [
        f"Supervisor {supervisor_id} is {affiliation.role} at provider {provider_id}."
        for affiliation in affiliations
        if affiliation.provider_id == provider_id
    ]
    grounds += [
        f"Supervisor {supervisor_id} has declared a conflict of interest with provider {provider_id}: "
        f"{conflict.reason.strip().rstrip('.') or 'no reason given'}."
        for conflict in conflicts
        if conflict.provider_id == provider_id
    ]
    if grounds:
        # The same tie may be recorded twice (two imports); say it once.
        return ImpartialityVerdict(False, " ".join(dict.fromkeys(grounds)) + " They cannot supervise it impartially.")
    return ImpartialityVerdict(True, ALLOWED_REASON)


def require_impartial(
    supervisor_id: str,
    provider_id: str,
    *,
    affiliations: Iterable[Affiliation],
    conflicts: Iterable[ConflictDeclaration],
    location: str = "supervisor_id",
) -> ImpartialityVerdict:
    """The allowing verdict, or a DomainError pointing at `location` (e.g. `body.supervisor_id`) with the reason."""
    verdict = may_supervise(supervisor_id, provider_id, affiliations=affiliations, conflicts=conflicts)
    if not verdict.allowed:
        raise DomainError(ErrorCode.INVALID_INPUT, verdict.reason, [Violation(location, verdict.reason)])
    return verdict
