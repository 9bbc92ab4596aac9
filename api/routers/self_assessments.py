"""The self-assessment of a member municipality's supervision practice in a network (KL's partnership): before the
network starts and at its end, with the evidence the service fills in and the network's distribution of answers."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.clock import TodayDep
from api.deps import CurrentPrincipal, SessionDep, require
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.principal import Principal
from api.schemas.self_assessment import (
    AnswersUpdate,
    NetworkDistribution,
    QuestionnaireRead,
    SelfAssessmentComparison,
    SelfAssessmentCreate,
    SelfAssessmentList,
    SelfAssessmentRead,
)
from api.services import self_assessments as service
from api.services.networks import is_participant, require_member
from api.services.self_assessment_network import network_distribution
from api.tables import Network, SelfAssessment
from domain.access import Permission
from domain.errors import not_found
from domain.self_assessment import Phase

router = APIRouter(tags=["self-assessment"])

NetworkId = Annotated[uuid.UUID, Path(description="The network's id.")]
SelfAssessmentId = Annotated[uuid.UUID, Path(description="The self-assessment's id.")]
BASE = "/networks/{network_id}/self-assessments"


def _member_network(network_id: NetworkId, session: SessionDep, principal: CurrentPrincipal) -> Network:
    """The network, if the caller's municipality is a member; otherwise a 404, as if it did not exist."""
    return require_member(session, principal, network_id)


MemberNetwork = Annotated[Network, Depends(_member_network)]


def _reader(network: MemberNetwork, session: SessionDep, principal: CurrentPrincipal) -> Principal:
    """Holders of `self-assessments:read`, and the users the municipality named as participants in the network.

    Anyone else is told nothing, as `GET /networks/{id}` tells them nothing: a 404, as for a network that does not
    exist."""
    if principal.can(Permission.SELF_ASSESSMENTS_READ) or is_participant(session, principal, network.id):
        return principal
    raise not_found("network")


Read = Annotated[Principal, Depends(_reader)]


_may_write = require(Permission.SELF_ASSESSMENTS_WRITE)


async def _writer(principal: Read) -> Principal:
    """The administration answers for its municipality: a reader without `self-assessments:write` is refused (403)."""
    return await _may_write(principal)


Write = Annotated[Principal, Depends(_writer)]


def _own(
    self_assessment_id: SelfAssessmentId, network: MemberNetwork, session: SessionDep, principal: CurrentPrincipal
) -> SelfAssessment:
    return service.get_own(session, principal, network, self_assessment_id)


OwnSelfAssessment = Annotated[SelfAssessment, Depends(_own)]


def _read(response: Response, session: SessionDep, row: SelfAssessment, today: date) -> SelfAssessmentRead:
    set_etag(response, row.version)
    return service.read(session, row, today)


@router.get(
    "/networks/{network_id}/self-assessment/questionnaire",
    operation_id="self-assessment-questionnaire-read",
    response_model=QuestionnaireRead,
    responses=problem_responses(401, 403, 404, 422),
)
def read_questionnaire(
    _: Read,
    today: TodayDep,
    on: Annotated[date | None, Query(description="The day of answering; omit it for today.")] = None,
) -> QuestionnaireRead:
    """Read the questionnaire: the legal minimums in force on the day of answering, and KL's points of good practice."""
    return service.questionnaire_read(on or today)


@router.get(
    BASE,
    operation_id="self-assessments-list",
    response_model=SelfAssessmentList,
    responses=problem_responses(401, 403, 404),
)
def list_self_assessments(network: MemberNetwork, session: SessionDep, principal: Read) -> SelfAssessmentList:
    """List your municipality's self-assessments in the network: at most one before and one after."""
    return service.list_own(session, principal, network)


@router.post(
    BASE,
    operation_id="self-assessments-create",
    response_model=SelfAssessmentRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def create_self_assessment(
    request: Request,
    response: Response,
    data: SelfAssessmentCreate,
    network: MemberNetwork,
    session: SessionDep,
    principal: Write,
    today: TodayDep,
) -> SelfAssessmentRead:
    """Start your municipality's self-assessment for a phase (before or after); one per phase, 409 for a second."""
    row = service.create(session, principal, network, data.phase, today)
    url = request.url_for("self-assessments-read", network_id=network.id, self_assessment_id=row.id)
    response.headers["Location"] = str(url)
    return _read(response, session, row, today)


@router.get(
    BASE + "/comparison",
    operation_id="self-assessments-compare",
    response_model=SelfAssessmentComparison,
    responses=problem_responses(401, 403, 404),
)
def compare_self_assessments(
    network: MemberNetwork, session: SessionDep, principal: Read, today: TodayDep
) -> SelfAssessmentComparison:
    """Compare your municipality's own answers and evidence before and after, question by question."""
    return service.comparison(session, principal, network, today)


@router.get(
    BASE + "/distribution",
    operation_id="self-assessments-distribution",
    response_model=NetworkDistribution,
    responses=problem_responses(401, 403, 404, 422),
)
def read_distribution(
    network: MemberNetwork,
    session: SessionDep,
    principal: Read,
    phase: Annotated[Phase, Query(description="`before` or `after`.")],
) -> NetworkDistribution:
    """Count the members' submitted answers per question and level; hidden below the network's `m` municipalities."""
    return network_distribution(session, principal, network, phase)


@router.get(
    BASE + "/{self_assessment_id}",
    operation_id="self-assessments-read",
    name="self-assessments-read",
    response_model=SelfAssessmentRead,
    responses=problem_responses(401, 403, 404),
)
def read_self_assessment(
    response: Response, row: OwnSelfAssessment, session: SessionDep, _: Read, today: TodayDep
) -> SelfAssessmentRead:
    """Read your self-assessment with the evidence beside each answer (a draft's as of today), and its ETag."""
    return _read(response, session, row, today)


@router.patch(
    BASE + "/{self_assessment_id}",
    operation_id="self-assessments-update",
    response_model=SelfAssessmentRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def update_self_assessment(
    request: Request,
    response: Response,
    data: AnswersUpdate,
    row: OwnSelfAssessment,
    session: SessionDep,
    _: Write,
    today: TodayDep,
) -> SelfAssessmentRead:
    """Set judgements and comments on a draft; send the ETag in If-Match. A submitted one is 409."""
    require_if_match(request, row.version)
    return _read(response, session, service.update_answers(session, row, data, today), today)


@router.post(
    BASE + "/{self_assessment_id}/submit",
    operation_id="self-assessments-submit",
    response_model=SelfAssessmentRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def submit_self_assessment(
    request: Request,
    response: Response,
    row: OwnSelfAssessment,
    session: SessionDep,
    principal: Write,
    today: TodayDep,
) -> SelfAssessmentRead:
    """Submit a complete draft: it is frozen, and the evidence beside each answer is kept as it stands today."""
    require_if_match(request, row.version)
    return _read(response, session, service.submit(session, principal, row, today), today)
