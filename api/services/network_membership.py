"""Creating a network, inviting, accepting, declining and leaving, and naming participants.

The life cycle and limits are `domain.networks`; who may read a network is `api.services.networks`. A membership
changes only by its own municipality's admin (accept, decline, leave, consent, participants); any member's admin
invites; the creating municipality's admin changes the network itself.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from api.principal import Principal
from api.schemas.network import (
    MemberList,
    MembershipRead,
    NetworkCreate,
    NetworkRead,
    NetworkUpdate,
    ParticipantList,
    ParticipantRead,
    ParticipantsReplace,
)
from api.services.common import column_values, refuse_nulls
from api.services.networks import membership_of, participant_networks
from api.tables import Municipality, Network, NetworkMembership, NetworkParticipant, UserAccount
from domain.access import Permission, Role
from domain.errors import DomainError, ErrorCode, Violation, invalid, not_found
from domain.networks import (
    LIVE_STATUSES,
    BenchmarkThresholds,
    MembershipStatus,
    check_participants,
    check_period,
    check_room_for_member,
    check_transition,
    membership_advice,
)

# Who a municipality may name as participant: the administration's people and daycare leaders (KL: daycare heads,
# consultants, leaders). Staff, parent boards and the committee are not the supervision practice's people.
PARTICIPANT_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.LEADER})


def network_read(network: Network, status: MembershipStatus | None) -> NetworkRead:
    return NetworkRead.model_validate({**network.model_dump(), "my_status": status})


def create(session: Session, principal: Principal, data: NetworkCreate, now: datetime) -> Network:
    """Create the network; the creating municipality is its first, accepted member."""
    BenchmarkThresholds.of(data.k_min_providers, data.m_min_municipalities)
    check_period(data.starts_on, data.ends_on)
    values = column_values(data)
    named = values.pop("named_beside_figures")
    network = Network(**values, created_by_municipality_id=principal.municipality_id)
    session.add(network)
    session.flush()
    session.add(
        NetworkMembership(
            network_id=network.id,
            municipality_id=principal.municipality_id,
            status=MembershipStatus.ACCEPTED,
            invited_at=now,
            responded_at=now,
            named_beside_figures=named,
        )
    )
    session.flush()
    return network


def update(session: Session, principal: Principal, network: Network, data: NetworkUpdate) -> Network:
    """Change the network; only the creating municipality manages it (others see a 403: they can read it)."""
    if network.created_by_municipality_id != principal.municipality_id:
        raise DomainError(ErrorCode.FORBIDDEN, "Only the municipality that created the network changes it.")
    values = column_values(data, only_set=True)
    refuse_nulls(values, ("name", "k_min_providers", "m_min_municipalities"))
    BenchmarkThresholds.of(
        values.get("k_min_providers", network.k_min_providers),
        values.get("m_min_municipalities", network.m_min_municipalities),
    )
    check_period(values.get("starts_on", network.starts_on), values.get("ends_on", network.ends_on))
    for key, value in values.items():
        setattr(network, key, value)
    session.flush()
    return network


def list_for(session: Session, principal: Principal) -> list[NetworkRead]:
    """The caller's networks: where its municipality is a member or invited, or which it created; a participant
    without `networks:read` sees the networks it takes part in."""
    mine = NetworkMembership.municipality_id == principal.municipality_id
    statement = select(Network, NetworkMembership.status).outerjoin(
        NetworkMembership, (col(NetworkMembership.network_id) == Network.id) & mine
    )
    if principal.can(Permission.NETWORKS_READ):
        statement = statement.where(
            or_(
                col(NetworkMembership.status).in_(list(LIVE_STATUSES)),
                Network.created_by_municipality_id == principal.municipality_id,
            )
        )
    else:
        statement = statement.where(col(Network.id).in_(participant_networks(session, principal)))
    rows = session.exec(statement.order_by(col(Network.name), col(Network.id))).all()
    return [network_read(network, MembershipStatus(status) if status else None) for network, status in rows]


def invite(session: Session, network: Network, kommunekode: str, now: datetime) -> NetworkMembership:
    """Invite a municipality by kommunekode; one that declined or left may be invited again."""
    municipality = session.exec(select(Municipality).where(Municipality.kommunekode == kommunekode)).first()
    if municipality is None:
        raise invalid("body.kommunekode", "No municipality with this kommunekode uses the service.")
    membership = membership_of(session, network.id, municipality.id)
    if membership is not None and MembershipStatus(membership.status) in LIVE_STATUSES:
        raise DomainError(ErrorCode.DUPLICATE, f"{municipality.name} is already {membership.status} in the network.")
    live = session.exec(
        select(func.count())
        .select_from(NetworkMembership)
        .where(NetworkMembership.network_id == network.id, col(NetworkMembership.status).in_(list(LIVE_STATUSES)))
    ).one()
    check_room_for_member(live)
    if membership is None:
        membership = NetworkMembership(
            network_id=network.id, municipality_id=municipality.id, status=MembershipStatus.INVITED, invited_at=now
        )
        session.add(membership)
    else:
        check_transition(MembershipStatus(membership.status), MembershipStatus.INVITED)
        membership.status = MembershipStatus.INVITED
        membership.invited_at, membership.responded_at, membership.left_at = now, None, None
        membership.named_beside_figures = False
    session.flush()
    return membership


def own_membership(session: Session, principal: Principal, network: Network) -> NetworkMembership:
    membership = membership_of(session, network.id, principal.municipality_id)
    if membership is None:
        raise not_found("network")
    return membership


def move(
    session: Session, membership: NetworkMembership, target: MembershipStatus, now: datetime, named: bool | None = None
) -> NetworkMembership:
    """Accept, decline or leave. Leaving takes the municipality out of every figure at once and drops its
    participants: from then on its people see the network no more."""
    check_transition(MembershipStatus(membership.status), target)
    membership.status = target
    if target is MembershipStatus.LEFT:
        membership.left_at = now
        membership.named_beside_figures = False
        _drop_participants(session, membership)
    else:
        membership.responded_at = now
        membership.named_beside_figures = bool(named) and target is MembershipStatus.ACCEPTED
    session.flush()
    return membership


def _drop_participants(session: Session, membership: NetworkMembership) -> None:
    """Remove the municipality's participants row by row (at most five), so the audit trail records each."""
    for row in session.exec(select(NetworkParticipant).where(NetworkParticipant.membership_id == membership.id)):
        session.delete(row)


def set_consent(session: Session, membership: NetworkMembership, named: bool) -> NetworkMembership:
    if MembershipStatus(membership.status) is not MembershipStatus.ACCEPTED:
        raise DomainError(ErrorCode.CONFLICT, "Only a member agrees to be named beside its figures.")
    membership.named_beside_figures = named
    session.flush()
    return membership


def _members_statement(network_id: uuid.UUID):  # type: ignore[no-untyped-def]
    count = (
        select(NetworkParticipant.membership_id, func.count().label("n"))
        .group_by(col(NetworkParticipant.membership_id))
        .subquery()
    )
    return (
        select(NetworkMembership, Municipality.name, Municipality.kommunekode, func.coalesce(count.c.n, 0))
        .join(Municipality, col(Municipality.id) == NetworkMembership.municipality_id)
        .outerjoin(count, count.c.membership_id == NetworkMembership.id)
        .where(NetworkMembership.network_id == network_id)
        .order_by(col(Municipality.name), col(Municipality.id))
    )


def membership_read(membership: NetworkMembership, name: str, code: str, participants: int) -> MembershipRead:
    return MembershipRead.model_validate(
        {
            **membership.model_dump(),
            "municipality_name": name,
            "kommunekode": code,
            "participants": participants,
        }
    )


def one_member(session: Session, membership: NetworkMembership) -> MembershipRead:
    statement = _members_statement(membership.network_id).where(NetworkMembership.id == membership.id)
    return membership_read(*session.exec(statement).one())


def members(session: Session, network: Network, *, include_past: bool = False) -> MemberList:
    """Members and invited municipalities (with `include_past`, also those that declined or left), one query."""
    statement = _members_statement(network.id)
    if not include_past:
        statement = statement.where(col(NetworkMembership.status).in_(list(LIVE_STATUSES)))
    rows = [membership_read(*row) for row in session.exec(statement).all()]
    accepted = [r for r in rows if r.status is MembershipStatus.ACCEPTED]
    advice = membership_advice(len(accepted), {r.municipality_name: r.participants for r in accepted})
    return MemberList(items=rows, advice=advice)


def participants(session: Session, membership: NetworkMembership) -> ParticipantList:
    rows = session.exec(
        select(NetworkParticipant.user_id, UserAccount.full_name, NetworkParticipant.role)
        .join(UserAccount, col(UserAccount.id) == NetworkParticipant.user_id)
        .where(NetworkParticipant.membership_id == membership.id)
        .order_by(col(UserAccount.full_name), col(UserAccount.id))
    ).all()
    return ParticipantList(items=[ParticipantRead(user_id=u, full_name=n, role=r) for u, n, r in rows])


def replace_participants(
    session: Session, principal: Principal, membership: NetworkMembership, data: ParticipantsReplace
) -> ParticipantList:
    """Name the municipality's participants: its own active admins, supervisors and leaders, each once."""
    if MembershipStatus(membership.status) is not MembershipStatus.ACCEPTED:
        raise DomainError(ErrorCode.CONFLICT, "Only a member names participants; accept the invitation first.")
    check_participants(len(data.participants))
    ids = [p.user_id for p in data.participants]
    users = {
        u.id: u
        for u in session.exec(
            select(UserAccount).where(
                col(UserAccount.id).in_(ids), UserAccount.municipality_id == principal.municipality_id
            )
        ).all()
    }
    problems = []
    for i, user_id in enumerate(ids):
        user = users.get(user_id)
        where = f"body.participants.{i}.user_id"
        if user is None or not user.is_active:
            problems.append(Violation(where, "No active user of your municipality has this id."))
        elif Role(user.role) not in PARTICIPANT_ROLES:
            problems.append(Violation(where, "A participant is an admin, a supervisor or a leader."))
        elif user_id in ids[:i]:
            problems.append(Violation(where, "This user is named twice."))
    if problems:
        raise DomainError(ErrorCode.INVALID_INPUT, "Some participants cannot be named.", problems)
    _drop_participants(session, membership)
    session.flush()
    for p in data.participants:
        session.add(NetworkParticipant(membership_id=membership.id, user_id=p.user_id, role=p.role))
    session.flush()
    return participants(session, membership)
