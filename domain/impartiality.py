"""Who may supervise whom (uvildighed, dagtilbudsloven §5a), on every act of supervision.

A person cannot supervise a provider where they are leader or staff, or where they have declared a conflict of
interest (inhabilitet). That holds for every act of supervision, not only for going on the visit: planning,
conducting and completing a visit, writing and approving the action plan, finalising the report, triaging a
concern notice and ending intensified supervision. A refusal names the act and every tie (which relation, since
when, to which provider), because the administration must be able to show how impartiality was ensured.

Which answer a refusal is:
- `invalid-input` (422) when the person was never fit for the act: a tie was known before the thing acted on
  (the visit, plan, report, notice or period) was begun here, or the act begins it;
- `conflict` (409) when every tie was recorded after the thing was begun: it was begun impartially, and now
  someone else must take it over before it can go on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.access import Role
from domain.errors import DomainError, ErrorCode, Violation

# Where the acting person is named in a request: the bearer token identifies them.
ACTING_PERSON = "header.Authorization"


class TieKind(StrEnum):
    """A person's tie to a provider that rules out supervising it."""

    LEADER = "leader"  # dagtilbudsleder there
    STAFF = "staff"  # medarbejder there
    CONFLICT = "conflict"  # a declared conflict of interest (inhabilitet)


class Act(StrEnum):
    """An act of supervision that only an impartial person may do."""

    PLAN_VISIT = "plan_visit"
    CONDUCT_VISIT = "conduct_visit"  # the people assigned to a visit: its supervisor and co-observer
    CANCEL_VISIT = "cancel_visit"
    RECORD_OBSERVATION = "record_observation"
    RECORD_DIALOGUE = "record_dialogue"
    COMPLETE_VISIT = "complete_visit"
    WRITE_ACTION_PLAN = "write_action_plan"
    APPROVE_ACTION_PLAN = "approve_action_plan"
    FOLLOW_UP_ACTION_PLAN = "follow_up_action_plan"
    COMPLETE_ACTION_PLAN = "complete_action_plan"
    FINALISE_REPORT = "finalise_report"
    TRIAGE_CONCERN = "triage_concern"
    LINK_CONCERN_VISIT = "link_concern_visit"
    END_INTENSIFIED = "end_intensified"

    @property
    def phrase(self) -> str:
        """The act in words, followed by the provider's name: `approve the action plan for` Solsikken."""
        return _ACTS[self][0]

    @property
    def thing(self) -> str:
        """What the act is done to."""
        return _ACTS[self][1]


_VISIT, _PLAN = "visit", "action plan"
_ACTS = {
    Act.PLAN_VISIT: ("plan a visit to", _VISIT),
    Act.CONDUCT_VISIT: ("conduct a visit to", _VISIT),
    Act.CANCEL_VISIT: ("cancel a visit to", _VISIT),
    Act.RECORD_OBSERVATION: ("record an observation at a visit to", _VISIT),
    Act.RECORD_DIALOGUE: ("record the dialogue of a visit to", _VISIT),
    Act.COMPLETE_VISIT: ("complete a visit to", _VISIT),
    Act.WRITE_ACTION_PLAN: ("write the action plan for", _PLAN),
    Act.APPROVE_ACTION_PLAN: ("approve the action plan for", _PLAN),
    Act.FOLLOW_UP_ACTION_PLAN: ("follow up the action plan for", _PLAN),
    Act.COMPLETE_ACTION_PLAN: ("complete the action plan for", _PLAN),
    Act.FINALISE_REPORT: ("finalise the report on", "report"),
    Act.TRIAGE_CONCERN: ("triage a concern notice about", "concern notice"),
    Act.LINK_CONCERN_VISIT: ("link a visit to a concern notice about", "concern notice"),
    Act.END_INTENSIFIED: ("end the intensified supervision of", "intensified supervision"),
}

# Those who supervise act impartially or not at all. The provider's own people take part as the supervised (the
# leader co-writes the action plan, §5b stk. 5), the committee does not act on a provider, and an integration
# client is not a person: it carries out what people decided, so it has no ties of its own.
BOUND_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def binds(role: Role) -> bool:
    """Whether a person in `role` must be impartial towards the provider they act on."""
    return role in BOUND_ROLES


@dataclass(frozen=True)
class Tie:
    """One tie between a person and a provider.

    `since` is the day it was declared; `recorded_at` is when the service learned of it. Both are None for a tie
    as old as the person's account (an account that belongs to the provider).
    """

    kind: TieKind
    provider: str
    reason: str = ""
    since: date | None = None
    recorded_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.kind not in set(TieKind):
            message = f"A tie is `leader`, `staff` or `conflict`, not `{self.kind}`."
            raise DomainError(ErrorCode.INVALID_INPUT, message, [Violation("relation", message)])

    def describe(self) -> str:
        """The tie as a predicate of the person: `is leader at Solsikken, declared on 2026-01-05 (...)`."""
        why = self.reason.strip().rstrip(".") or "no reason given"
        if self.since is None:
            return f"has an account that belongs to {self.provider} ({why})"
        if self.kind is TieKind.CONFLICT:
            return f"has declared a conflict of interest with {self.provider} on {self.since.isoformat()} ({why})"
        return f"is {self.kind.value} at {self.provider}, declared on {self.since.isoformat()} ({why})"


def ties_to(provider: str, ties: Iterable[Tie]) -> list[Tie]:
    """The ties to `provider`, each told once (the same tie may be recorded twice, e.g. by two imports)."""
    return list(dict.fromkeys(t for t in ties if t.provider == provider))


def refuse_partial(
    act: Act,
    person: str,
    provider: str,
    ties: Iterable[Tie],
    *,
    begun_at: datetime | None = None,
    location: str = ACTING_PERSON,
) -> None:
    """Nothing when `person` has no tie to `provider`; else the refusal of `act` naming every tie.

    `begun_at` is when the thing acted on was begun (None when the act begins it); see the module docstring for
    which refusal follows.
    """
    found = ties_to(provider, ties)
    if not found:
        return
    grounds = " and ".join(dict.fromkeys(t.describe() for t in found))
    message = f"{person} {grounds}, so they cannot {act.phrase} {provider} impartially."
    later = begun_at is not None and all(t.recorded_at is not None and t.recorded_at > begun_at for t in found)
    if later:
        detail = f"{message} The tie was recorded after the {act.thing} was begun; someone impartial must take over."
        raise DomainError(ErrorCode.CONFLICT, detail, [Violation(location, message)])
    raise DomainError(ErrorCode.INVALID_INPUT, message, [Violation(location, message)])
