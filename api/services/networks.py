"""Who is in a network, for everything that reads across one (benchmarks, self-assessment, shared practice).

The rules are `domain.networks`; this module only asks the database. Two functions are the contract the other
network features build on:

- `active_members`: the municipalities whose data may flow into the network's figures right now. Only accepted
  members count; a member that left is out at once, for every figure computed afterwards, whatever period the
  figure covers.
- `require_member`: the network, if the caller's municipality is an accepted member; otherwise a 404, exactly as
  if the network did not exist (a non-member is not told that it does).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from api.principal import Principal, PrincipalKind
from api.tables import Network, NetworkMembership, NetworkParticipant
from domain.access import Permission
from domain.errors import not_found
from domain.networks import BenchmarkThresholds, MembershipStatus


def active_members(session: Session, network_id: uuid.UUID, on: date | None = None) -> list[uuid.UUID]:
    """The ids of the municipalities whose membership is accepted and not left, in a stable order.

    `on` leaves out members that accepted after that day (a figure "as the network stood then"); it never brings
    back a member that has left since: leaving stops its figures flowing at once, also for past periods.
    """
    statement = select(NetworkMembership.municipality_id).where(
        NetworkMembership.network_id == network_id,
        NetworkMembership.status == MembershipStatus.ACCEPTED,
    )
    if on is not None:
        day_after = datetime.combine(on + timedelta(days=1), time.min, tzinfo=UTC)
        statement = statement.where(col(NetworkMembership.responded_at) < day_after)
    return list(session.exec(statement.order_by(col(NetworkMembership.municipality_id))).all())


def membership_of(session: Session, network_id: uuid.UUID, municipality_id: uuid.UUID) -> NetworkMembership | None:
    """The municipality's membership row in the network, in whatever state, or None."""
    return session.exec(
        select(NetworkMembership).where(
            NetworkMembership.network_id == network_id, NetworkMembership.municipality_id == municipality_id
        )
    ).first()


def require_member(
    session: Session, principal: Principal, network_id: uuid.UUID, *, creator_too: bool = False
) -> Network:
    """The network, if the caller's municipality is an accepted member of it; else a 404.

    `creator_too` also admits the municipality that created the network when it is not (or no longer) a member,
    for managing it. This checks the municipality only: the route's permission guard checks the caller's role.
    """
    network = session.get(Network, network_id)
    if network is None:
        raise not_found("network")
    membership = membership_of(session, network_id, principal.municipality_id)
    if membership is not None and MembershipStatus(membership.status) is MembershipStatus.ACCEPTED:
        return network
    if creator_too and network.created_by_municipality_id == principal.municipality_id:
        return network
    raise not_found("network")


def thresholds(network: Network) -> BenchmarkThresholds:
    """The network's k and m, never below the floor whatever the row says."""
    return BenchmarkThresholds.stored(network.k_min_providers, network.m_min_municipalities)


def _user_id(principal: Principal) -> uuid.UUID | None:
    """The caller's user account id: participants are accounts, so only a local user can be one."""
    if principal.kind is not PrincipalKind.USER:
        return None
    try:
        return uuid.UUID(principal.subject)
    except ValueError:
        return None


def _participations(principal: Principal):  # type: ignore[no-untyped-def]
    """The caller's participations through an accepted membership of its own municipality."""
    return (
        select(NetworkMembership.network_id)
        .join(NetworkParticipant, col(NetworkParticipant.membership_id) == NetworkMembership.id)
        .where(
            NetworkParticipant.user_id == _user_id(principal),
            NetworkMembership.municipality_id == principal.municipality_id,
            NetworkMembership.status == MembershipStatus.ACCEPTED,
        )
    )


def is_participant(session: Session, principal: Principal, network_id: uuid.UUID | None = None) -> bool:
    """Whether the caller is a user named as a participant by its accepted municipality (in that network)."""
    if _user_id(principal) is None:
        return False
    statement = _participations(principal)
    if network_id is not None:
        statement = statement.where(NetworkMembership.network_id == network_id)
    return session.exec(statement.limit(1)).first() is not None


def participant_networks(session: Session, principal: Principal) -> list[uuid.UUID]:
    """The networks the caller takes part in as a named participant."""
    if _user_id(principal) is None:
        return []
    return list(session.exec(_participations(principal)).all())


def readable_network(
    session: Session, principal: Principal, network_id: uuid.UUID, *, invited_too: bool = False
) -> tuple[Network, NetworkMembership | None]:
    """The network and the caller's municipality's membership, if the caller may read it; else a 404.

    Readers are holders of `networks:read` in an accepted member (with `invited_too`, also in an invited
    municipality, which must see what it is invited to; and the creator, which manages it), and any user the
    municipality named as a participant. Everyone else is told nothing: 404, as for a network that does not exist.
    """
    network = session.get(Network, network_id)
    if network is None:
        raise not_found("network")
    membership = membership_of(session, network_id, principal.municipality_id)
    status = MembershipStatus(membership.status) if membership else None
    if principal.can(Permission.NETWORKS_READ):
        if status is MembershipStatus.ACCEPTED:
            return network, membership
        if invited_too and (
            status is MembershipStatus.INVITED or network.created_by_municipality_id == principal.municipality_id
        ):
            return network, membership
    elif status is MembershipStatus.ACCEPTED and is_participant(session, principal, network_id):
        return network, membership
    raise not_found("network")
