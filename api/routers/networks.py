"""Networks of municipalities (KL's development partnership): create, invite, accept, decline, leave, participants.

A network is seen only by its members (holders of `networks:read`, and the users a member names as participants),
by a municipality invited to it (the network and its members, to decide), and by the municipality that created it.
To every other municipality it does not exist: 404 for everything of it. A municipality in no network shares
nothing. Participants are listed for one's own municipality only: no person of another municipality is named.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.clock import NowDep
from api.deps import CallerDep, SessionDep, require, resolve_principal
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.principal import Principal
from api.schemas.network import (
    InvitationCreate,
    MemberList,
    MembershipDecision,
    MembershipRead,
    MembershipUpdate,
    NetworkCreate,
    NetworkList,
    NetworkRead,
    NetworkUpdate,
    ParticipantList,
    ParticipantsReplace,
)
from api.services import network_membership as service
from api.services.networks import is_participant, readable_network, require_member
from api.tables import Network
from domain.access import Permission
from domain.errors import DomainError, ErrorCode
from domain.networks import MembershipStatus

router = APIRouter(tags=["networks"])

NetworkId = Annotated[uuid.UUID, Path(description="The network's id.")]


def network_reader(session: SessionDep, caller: CallerDep) -> Principal:
    """A guard: the caller holds `networks:read`, or is a user its municipality named as a network participant."""
    principal = resolve_principal(caller)
    if principal.can(Permission.NETWORKS_READ) or is_participant(session, principal):
        return principal
    raise DomainError(
        ErrorCode.FORBIDDEN,
        f"Your role ({principal.role.value}) does not allow this: it needs `networks:read` or a network role.",
    )


ReadNetworks = Annotated[Principal, Depends(network_reader)]
ManageNetworks = Annotated[Principal, Depends(require(Permission.NETWORKS_MANAGE))]
MANAGE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


def _network(response: Response, network: Network, status_: str | None) -> NetworkRead:
    set_etag(response, network.version)
    return service.network_read(network, MembershipStatus(status_) if status_ else None)


@router.post(
    "/networks",
    operation_id="networks-create",
    response_model=NetworkRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
)
def create_network(
    request: Request,
    response: Response,
    data: NetworkCreate,
    session: SessionDep,
    principal: ManageNetworks,
    now: NowDep,
) -> NetworkRead:
    """Create a network; your municipality becomes its first member and invites the others by kommunekode.

    Benchmarks across it rest on at least `k_min_providers` providers from `m_min_municipalities` municipalities
    (defaults 10 and 3, never below 5 and 2). KL's networks have 8-12 municipalities: it may start smaller.
    """
    network = service.create(session, principal, data, now)
    response.headers["Location"] = str(request.url_for("networks-read", network_id=network.id))
    return _network(response, network, MembershipStatus.ACCEPTED)


@router.get(
    "/networks", operation_id="networks-list", response_model=NetworkList, responses=problem_responses(401, 403)
)
def list_networks(session: SessionDep, principal: ReadNetworks) -> NetworkList:
    """List the networks your municipality is a member of or invited to (a participant: those it takes part in)."""
    return NetworkList(items=service.list_for(session, principal))


@router.get(
    "/networks/{network_id}",
    operation_id="networks-read",
    name="networks-read",
    response_model=NetworkRead,
    responses=problem_responses(401, 403, 404),
)
def read_network(
    response: Response, network_id: NetworkId, session: SessionDep, principal: ReadNetworks
) -> NetworkRead:
    """Read a network your municipality is a member of, invited to, or created; the ETag is for `networks-update`."""
    network, membership = readable_network(session, principal, network_id, invited_too=True)
    return _network(response, network, membership.status if membership else None)


@router.patch(
    "/networks/{network_id}",
    operation_id="networks-update",
    response_model=NetworkRead,
    responses=MANAGE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def update_network(
    request: Request,
    response: Response,
    network_id: NetworkId,
    data: NetworkUpdate,
    session: SessionDep,
    principal: ManageNetworks,
) -> NetworkRead:
    """Change the network's name, period or benchmark thresholds (never below 5 and 2): its creator's admin only."""
    network, membership = readable_network(session, principal, network_id, invited_too=True)
    require_if_match(request, network.version)
    service.update(session, principal, network, data)
    return _network(response, network, membership.status if membership else None)


@router.post(
    "/networks/{network_id}/invitations",
    operation_id="networks-invitations-create",
    response_model=MembershipRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def invite(
    response: Response,
    network_id: NetworkId,
    data: InvitationCreate,
    session: SessionDep,
    principal: ManageNetworks,
    now: NowDep,
) -> MembershipRead:
    """Invite a municipality by kommunekode (a member's admin); at most 12 municipalities, invited or members.

    A municipality that declined or left may be invited again. Its admin then accepts or declines.
    """
    network = require_member(session, principal, network_id)
    membership = service.invite(session, network, data.kommunekode, now)
    set_etag(response, membership.version)
    return service.one_member(session, membership)


@router.get(
    "/networks/{network_id}/members",
    operation_id="networks-members-list",
    response_model=MemberList,
    responses=problem_responses(401, 403, 404, 422),
)
def list_members(
    network_id: NetworkId,
    session: SessionDep,
    principal: ReadNetworks,
    include_past: Annotated[
        bool, Query(description="Also municipalities that declined or left (by default: members and invited).")
    ] = False,
) -> MemberList:
    """List the network's member municipalities and open invitations, with how many participants each named."""
    network, _ = readable_network(session, principal, network_id, invited_too=True)
    return service.members(session, network, include_past=include_past)


@router.get(
    "/networks/{network_id}/membership",
    operation_id="networks-membership-read",
    response_model=MembershipRead,
    responses=problem_responses(401, 403, 404),
)
def read_membership(
    response: Response, network_id: NetworkId, session: SessionDep, principal: ReadNetworks
) -> MembershipRead:
    """Read your municipality's membership; its ETag is what accepting, declining or leaving sends in If-Match."""
    network, _ = readable_network(session, principal, network_id, invited_too=True)
    membership = service.own_membership(session, principal, network)
    set_etag(response, membership.version)
    return service.one_member(session, membership)


def _move(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Principal,
    network_id: uuid.UUID,
    target: MembershipStatus,
    now: NowDep,
    named: bool | None = None,
) -> MembershipRead:
    network, _ = readable_network(session, principal, network_id, invited_too=True)
    membership = service.own_membership(session, principal, network)
    require_if_match(request, membership.version)
    service.move(session, membership, target, now, named)
    set_etag(response, membership.version)
    return service.one_member(session, membership)


@router.post(
    "/networks/{network_id}/membership/accept",
    operation_id="networks-membership-accept",
    response_model=MembershipRead,
    responses=MANAGE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def accept(
    request: Request,
    response: Response,
    network_id: NetworkId,
    data: MembershipDecision,
    session: SessionDep,
    principal: ManageNetworks,
    now: NowDep,
) -> MembershipRead:
    """Accept your municipality's invitation; from now on its figures flow into the network's benchmarks."""
    return _move(
        request, response, session, principal, network_id, MembershipStatus.ACCEPTED, now, data.named_beside_figures
    )


@router.post(
    "/networks/{network_id}/membership/decline",
    operation_id="networks-membership-decline",
    response_model=MembershipRead,
    responses=MANAGE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def decline(
    request: Request,
    response: Response,
    network_id: NetworkId,
    session: SessionDep,
    principal: ManageNetworks,
    now: NowDep,
) -> MembershipRead:
    """Decline your municipality's invitation; the network then shows you nothing more."""
    return _move(request, response, session, principal, network_id, MembershipStatus.DECLINED, now)


@router.post(
    "/networks/{network_id}/membership/leave",
    operation_id="networks-membership-leave",
    response_model=MembershipRead,
    responses=MANAGE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def leave(
    request: Request,
    response: Response,
    network_id: NetworkId,
    session: SessionDep,
    principal: ManageNetworks,
    now: NowDep,
) -> MembershipRead:
    """Leave the network at once: your figures stop flowing into every figure computed from now on, and your
    participants lose access. The network can invite you again later."""
    return _move(request, response, session, principal, network_id, MembershipStatus.LEFT, now)


@router.patch(
    "/networks/{network_id}/membership",
    operation_id="networks-membership-update",
    response_model=MembershipRead,
    responses=MANAGE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def update_membership(
    request: Request,
    response: Response,
    network_id: NetworkId,
    data: MembershipUpdate,
    session: SessionDep,
    principal: ManageNetworks,
) -> MembershipRead:
    """Agree or no longer agree to your municipality's name beside its figures in the network's benchmarks."""
    network = require_member(session, principal, network_id)
    membership = service.own_membership(session, principal, network)
    require_if_match(request, membership.version)
    service.set_consent(session, membership, data.named_beside_figures)
    set_etag(response, membership.version)
    return service.one_member(session, membership)


@router.get(
    "/networks/{network_id}/participants",
    operation_id="networks-participants-list",
    response_model=ParticipantList,
    responses=problem_responses(401, 403, 404),
)
def list_participants(network_id: NetworkId, session: SessionDep, principal: ReadNetworks) -> ParticipantList:
    """List your own municipality's participants in the network (another municipality's are never named)."""
    network, _ = readable_network(session, principal, network_id)
    return service.participants(session, service.own_membership(session, principal, network))


@router.put(
    "/networks/{network_id}/participants",
    operation_id="networks-participants-replace",
    response_model=ParticipantList,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def replace_participants(
    network_id: NetworkId, data: ParticipantsReplace, session: SessionDep, principal: ManageNetworks
) -> ParticipantList:
    """Name your municipality's participants (at most 5; KL advises 3-5): active admins, supervisors or leaders of
    your own municipality. They then read the network whatever their role; the list replaces the previous one."""
    network = require_member(session, principal, network_id)
    return service.replace_participants(session, principal, service.own_membership(session, principal, network), data)
