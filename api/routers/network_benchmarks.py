"""Anonymised benchmarks across a network: for its members' administration and supervisors, and for the users a
member named as participants. To any other municipality the network does not exist (404)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from api.clock import TodayDep
from api.deps import SessionDep
from api.errors import problem_responses
from api.principal import Principal
from api.routers.networks import ReadNetworks
from api.schemas.benchmark import NetworkBenchmarksRead
from api.services import benchmarks
from api.services.networks import readable_network
from api.tables import Network

router = APIRouter(tags=["network benchmarks"])

NetworkId = Annotated[uuid.UUID, Path(description="The network's id.")]


def benchmark_reader(network_id: NetworkId, session: SessionDep, principal: ReadNetworks) -> tuple[Network, Principal]:
    """The networks' guard (`networks:read`, or a named participant: else 403), then the network if the caller's
    municipality is an accepted member that may read it (else 404, as if there were no such network)."""
    network, _ = readable_network(session, principal, network_id)
    return network, principal


ReadBenchmarks = Annotated[tuple[Network, Principal], Depends(benchmark_reader)]


@router.get(
    "/networks/{network_id}/benchmarks",
    operation_id="network-benchmarks-read",
    response_model=NetworkBenchmarksRead,
    responses=problem_responses(401, 403, 404, 422),
)
def read_benchmarks(
    reader: ReadBenchmarks,
    session: SessionDep,
    today: TodayDep,
    period_from: Annotated[
        date | None, Query(description="The period's first day; by default two years before `period_to`.")
    ] = None,
    period_to: Annotated[date | None, Query(description="The period's last day; by default today.")] = None,
) -> NetworkBenchmarksRead:
    """Compare your municipality with the network: anonymised cells that rest on enough providers and municipalities."""
    network, principal = reader
    return benchmarks.network_benchmarks(
        session, network, principal.municipality_id, today, period_from=period_from, period_to=period_to
    )
