"""Networks of municipalities: KL's development partnership on supervision practice, as rules.

KL gathers 8-12 municipalities in a network that meets over a year; each municipality names 3-5 participants
(daycare heads, consultants, leaders). In the service a network is created by one municipality's admin, who
invites others by kommunekode; each invited municipality's admin accepts or declines, and a member may leave at
any time: from that moment its figures stop flowing into anything the network computes (`counts_in_figures`).

Limits. A network may be *created* small (the first members join one by one), so the lower bounds (8 members,
3 participants) are advice, shown, not enforced. The upper bounds are enforced: an invitation that would give a
network more than 12 live memberships (invited or accepted) is refused, and so is a 6th participant of one
municipality. Refusing, not warning, because the bounds are what the partnership is funded for and a benchmark
over an unbounded group stops being a network's.

Benchmarks. Every figure shown across a network rests on at least `k` providers from at least `m`
municipalities (defaults 10 and 3). A network may raise them and may lower them, but never below 5 and 2: the
floor protects every member, so no network decides it away (`BenchmarkThresholds`). Whether a member's name may
appear beside its figures is the member's own choice, `named_beside_figures`, and only while it is a member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.errors import DomainError, ErrorCode, Violation, invalid


class MembershipStatus(StrEnum):
    """A municipality's place in a network: invited -> accepted | declined; accepted -> left.

    A municipality that declined or left may be invited again (the same membership row goes back to `invited`).
    """

    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LEFT = "left"

    @property
    def label_da(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    MembershipStatus.INVITED: "inviteret",
    MembershipStatus.ACCEPTED: "medlem",
    MembershipStatus.DECLINED: "takket nej",
    MembershipStatus.LEFT: "udtrådt",
}

# The allowed moves. Re-inviting one who declined or left is a move back to INVITED.
TRANSITIONS: dict[MembershipStatus, frozenset[MembershipStatus]] = {
    MembershipStatus.INVITED: frozenset({MembershipStatus.ACCEPTED, MembershipStatus.DECLINED}),
    MembershipStatus.ACCEPTED: frozenset({MembershipStatus.LEFT}),
    MembershipStatus.DECLINED: frozenset({MembershipStatus.INVITED}),
    MembershipStatus.LEFT: frozenset({MembershipStatus.INVITED}),
}

# Memberships that take a place in the network (count against MAX_MEMBERS).
LIVE_STATUSES = frozenset({MembershipStatus.INVITED, MembershipStatus.ACCEPTED})


def check_transition(current: MembershipStatus, target: MembershipStatus) -> None:
    """Refuse a move the life cycle does not allow (a conflict: the membership is not where the move starts)."""
    if target not in TRANSITIONS[current]:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"A membership that is {current.value} cannot become {target.value}.",
        )


def counts_in_figures(status: MembershipStatus) -> bool:
    """Only an accepted member's data flows into the network's figures; leaving stops it at once."""
    return status is MembershipStatus.ACCEPTED


def may_be_named(status: MembershipStatus, named_beside_figures: bool) -> bool:
    """A municipality's name appears beside its figures only if it is a member and has agreed."""
    return counts_in_figures(status) and named_beside_figures


class NetworkRole(StrEnum):
    """A participant's role in the network: a participant, or the coordinator who keeps meetings and notes."""

    PARTICIPANT = "participant"
    COORDINATOR = "coordinator"

    @property
    def label_da(self) -> str:
        return {NetworkRole.PARTICIPANT: "deltager", NetworkRole.COORDINATOR: "koordinator"}[self]


class MaterialKind(StrEnum):
    """What a municipality shares with the network as material."""

    DOCUMENT = "document"
    LINK = "link"
    NOTE = "note"


# KL's frame for a network.
MIN_MEMBERS_ADVISED = 8
MAX_MEMBERS = 12
MIN_PARTICIPANTS_ADVISED = 3
MAX_PARTICIPANTS = 5


def check_room_for_member(live_memberships: int) -> None:
    """Refuse an invitation that would give the network more than MAX_MEMBERS live memberships."""
    if live_memberships + 1 > MAX_MEMBERS:
        raise invalid(
            "body.kommunekode",
            f"A network has at most {MAX_MEMBERS} municipalities (invited or members); this one is full.",
        )


def check_participants(count: int) -> None:
    """Refuse more than MAX_PARTICIPANTS participants from one municipality."""
    if count > MAX_PARTICIPANTS:
        raise invalid(
            "body.participants",
            f"A municipality names at most {MAX_PARTICIPANTS} participants in a network; {count} were given.",
        )


def membership_advice(members: int, participants_by_municipality: dict[str, int]) -> list[str]:
    """What falls short of KL's frame (fewer than 8 members, fewer than 3 participants): shown, never refused."""
    advice = []
    if members < MIN_MEMBERS_ADVISED:
        advice.append(f"KL's networks have {MIN_MEMBERS_ADVISED}-{MAX_MEMBERS} municipalities; this one has {members}.")
    for name, count in sorted(participants_by_municipality.items()):
        if count < MIN_PARTICIPANTS_ADVISED:
            advice.append(
                f"{name} has named {count} participants; KL advises {MIN_PARTICIPANTS_ADVISED}-{MAX_PARTICIPANTS}."
            )
    return advice


DEFAULT_K = 10  # providers behind every benchmark figure
DEFAULT_M = 3  # municipalities behind every benchmark figure
FLOOR_K = 5
FLOOR_M = 2


@dataclass(frozen=True)
class BenchmarkThresholds:
    """The least number of providers (`k`) and municipalities (`m`) any benchmark figure may rest on."""

    k: int = DEFAULT_K
    m: int = DEFAULT_M

    @classmethod
    def of(cls, k: int | None = None, m: int | None = None) -> BenchmarkThresholds:
        """Thresholds as a network asks for them; refused below the floor (5 providers, 2 municipalities)."""
        k = DEFAULT_K if k is None else k
        m = DEFAULT_M if m is None else m
        problems = []
        if k < FLOOR_K:
            problems.append(
                Violation("body.k_min_providers", f"At least {FLOOR_K} providers: the floor protects every member.")
            )
        if m < FLOOR_M:
            problems.append(
                Violation(
                    "body.m_min_municipalities", f"At least {FLOOR_M} municipalities: the floor protects every member."
                )
            )
        if problems:
            raise DomainError(ErrorCode.INVALID_INPUT, "The benchmark thresholds are below the floor.", problems)
        return cls(k, m)

    @classmethod
    def stored(cls, k: int, m: int) -> BenchmarkThresholds:
        """Thresholds read back from storage, never below the floor whatever the row says (defence in depth)."""
        return cls(max(k, FLOOR_K), max(m, FLOOR_M))


def check_period(starts_on: date | None, ends_on: date | None) -> None:
    """A network's year: when both days are given, it ends on or after it starts."""
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise invalid("body.ends_on", "A network ends on or after the day it starts.")
