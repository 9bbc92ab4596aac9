"""A network's meetings (day, agenda, shared notes) and the material its members share with each other.

Members read them; a member's admin or a named participant puts them in. Another municipality, and one only
invited, sees 404.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from api.deps import SessionDep
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.routers.networks import NetworkId, ReadNetworks
from api.schemas.network import (
    MaterialCreate,
    MaterialList,
    MaterialRead,
    MeetingCreate,
    MeetingList,
    MeetingRead,
    MeetingUpdate,
)
from api.services import network_meetings as service
from api.services.networks import readable_network

router = APIRouter(tags=["networks"])

MeetingId = Annotated[uuid.UUID, Path(description="The meeting's id.")]


@router.post(
    "/networks/{network_id}/meetings",
    operation_id="networks-meetings-create",
    response_model=MeetingRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
)
def create_meeting(
    response: Response, network_id: NetworkId, data: MeetingCreate, session: SessionDep, principal: ReadNetworks
) -> MeetingRead:
    """Put in a meeting of the network: its day, title, agenda and (later) the shared notes."""
    network, _ = readable_network(session, principal, network_id)
    service.require_contributor(session, principal, network)
    meeting = service.create_meeting(session, principal, network, data)
    set_etag(response, meeting.version)
    return MeetingRead.model_validate(meeting)


@router.get(
    "/networks/{network_id}/meetings",
    operation_id="networks-meetings-list",
    response_model=MeetingList,
    responses=problem_responses(401, 403, 404, 422),
)
def list_meetings(
    network_id: NetworkId,
    session: SessionDep,
    principal: ReadNetworks,
    since: Annotated[date | None, Query(description="Only meetings on or after this day.")] = None,
) -> MeetingList:
    """List the network's meetings by day, with agenda and shared notes."""
    network, _ = readable_network(session, principal, network_id)
    return service.meetings(session, network, since)


@router.patch(
    "/networks/{network_id}/meetings/{meeting_id}",
    operation_id="networks-meetings-update",
    response_model=MeetingRead,
    responses=problem_responses(401, 403, 404, 412, 422, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def update_meeting(
    request: Request,
    response: Response,
    network_id: NetworkId,
    meeting_id: MeetingId,
    data: MeetingUpdate,
    session: SessionDep,
    principal: ReadNetworks,
) -> MeetingRead:
    """Change a meeting's day, title, agenda or shared notes; send the meeting's ETag (`version`) in If-Match."""
    network, _ = readable_network(session, principal, network_id)
    service.require_contributor(session, principal, network)
    meeting = service.meeting_of(session, network, meeting_id)
    require_if_match(request, meeting.version)
    service.update_meeting(session, meeting, data)
    set_etag(response, meeting.version)
    return MeetingRead.model_validate(meeting)


@router.post(
    "/networks/{network_id}/material",
    operation_id="networks-material-create",
    response_model=MaterialRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
)
def share_material(
    network_id: NetworkId, data: MaterialCreate, session: SessionDep, principal: ReadNetworks
) -> MaterialRead:
    """Share material with the network: a document's text, a link or a note, shown with your municipality's name."""
    network, _ = readable_network(session, principal, network_id)
    service.require_contributor(session, principal, network)
    return service.share_material(session, principal, network, data)


@router.get(
    "/networks/{network_id}/material",
    operation_id="networks-material-list",
    response_model=MaterialList,
    responses=problem_responses(401, 403, 404),
)
def list_material(network_id: NetworkId, session: SessionDep, principal: ReadNetworks) -> MaterialList:
    """List the material the members shared, newest first."""
    network, _ = readable_network(session, principal, network_id)
    return service.material(session, network)
