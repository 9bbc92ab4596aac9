"""The network's meetings (day, agenda, shared notes) and the material its members share.

Accepted members read them (holders of `networks:read`, and named participants); a member's admin or any named
participant puts them in and keeps the notes. An invited municipality sees neither until it accepts.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, col, select

from api.principal import Principal
from api.schemas.network import (
    MaterialCreate,
    MaterialList,
    MaterialRead,
    MeetingCreate,
    MeetingList,
    MeetingRead,
    MeetingUpdate,
)
from api.services.common import column_values, refuse_nulls
from api.services.networks import is_participant
from api.tables import Municipality, Network, NetworkMaterial, NetworkMeeting
from domain.access import Permission
from domain.errors import DomainError, ErrorCode, Violation, not_found
from domain.networks import MaterialKind


def require_contributor(session: Session, principal: Principal, network: Network) -> None:
    """Refuse (403) a reader of the network who is neither its municipality's admin nor a named participant."""
    if principal.can(Permission.NETWORKS_MANAGE) or is_participant(session, principal, network.id):
        return
    raise DomainError(
        ErrorCode.FORBIDDEN,
        "Meetings and material are put in by a member's admin or a named participant of the network.",
    )


def meeting_of(session: Session, network: Network, meeting_id: uuid.UUID) -> NetworkMeeting:
    meeting = session.get(NetworkMeeting, meeting_id)
    if meeting is None or meeting.network_id != network.id:
        raise not_found("meeting")
    return meeting


def create_meeting(session: Session, principal: Principal, network: Network, data: MeetingCreate) -> NetworkMeeting:
    meeting = NetworkMeeting(
        **column_values(data), network_id=network.id, created_by_municipality_id=principal.municipality_id
    )
    session.add(meeting)
    session.flush()
    return meeting


def update_meeting(session: Session, meeting: NetworkMeeting, data: MeetingUpdate) -> NetworkMeeting:
    values = column_values(data, only_set=True)
    refuse_nulls(values, ("held_on", "title"))
    for key, value in values.items():
        setattr(meeting, key, value)
    session.flush()
    return meeting


def meetings(session: Session, network: Network, since: date | None = None) -> MeetingList:
    statement = select(NetworkMeeting).where(NetworkMeeting.network_id == network.id)
    if since is not None:
        statement = statement.where(NetworkMeeting.held_on >= since)
    rows = session.exec(statement.order_by(col(NetworkMeeting.held_on), col(NetworkMeeting.id))).all()
    return MeetingList(items=[MeetingRead.model_validate(r) for r in rows])


def _material_problems(data: MaterialCreate) -> list[Violation]:
    if data.kind is MaterialKind.LINK and data.link is None:
        return [Violation("body.link", "A link needs `link`.")]
    if data.kind is not MaterialKind.LINK and not data.body:
        return [Violation("body.body", f"A {data.kind.value} needs its text in `body`.")]
    return []


def share_material(session: Session, principal: Principal, network: Network, data: MaterialCreate) -> MaterialRead:
    problems = _material_problems(data)
    if problems:
        raise DomainError(ErrorCode.INVALID_INPUT, problems[0].message, problems)
    row = NetworkMaterial(
        **column_values(data), network_id=network.id, shared_by_municipality_id=principal.municipality_id
    )
    session.add(row)
    session.flush()
    name = session.exec(select(Municipality.name).where(Municipality.id == principal.municipality_id)).one()
    return MaterialRead.model_validate({**row.model_dump(), "shared_by_municipality_name": name})


def material(session: Session, network: Network) -> MaterialList:
    rows = session.exec(
        select(NetworkMaterial, Municipality.name)
        .join(Municipality, col(Municipality.id) == NetworkMaterial.shared_by_municipality_id)
        .where(NetworkMaterial.network_id == network.id)
        .order_by(col(NetworkMaterial.created_at).desc(), col(NetworkMaterial.id))
    ).all()
    return MaterialList(
        items=[MaterialRead.model_validate({**r.model_dump(), "shared_by_municipality_name": n}) for r, n in rows]
    )
