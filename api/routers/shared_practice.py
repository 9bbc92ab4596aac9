"""Shared practice in a network: members share policy and local instrument versions as models, compare, adopt.

Only members see a network's models (a non-member gets a 404, as if the network did not exist); a model whose
sharer has left the network is no longer listed, read, compared or adopted.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.clock import TodayDep
from api.deps import SessionDep, require
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.openapi import etag_response
from api.principal import Principal
from api.schemas.instrument import InstrumentSummary
from api.schemas.shared_practice import (
    AdoptionRead,
    PolicyComparison,
    SharedModelAdopt,
    SharedModelCreate,
    SharedModelList,
    SharedModelRead,
)
from api.services import instruments, policy_drafts
from api.services import shared_practice as service
from api.tables import PolicyDraft
from domain.access import Permission
from domain.shared_practice import SharedModelKind

router = APIRouter(prefix="/networks/{network_id}/shared-models", tags=["shared practice"])
ReadShared = Annotated[Principal, Depends(require(Permission.SHARED_MODELS_READ))]
WriteShared = Annotated[Principal, Depends(require(Permission.SHARED_MODELS_WRITE))]
NetworkId = Annotated[uuid.UUID, Path(description="The network's id.")]
ModelId = Annotated[uuid.UUID, Path(description="The shared model's id.")]


@router.post(
    "",
    operation_id="shared-models-create",
    response_model=SharedModelRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def share_model(
    request: Request,
    response: Response,
    network_id: NetworkId,
    data: SharedModelCreate,
    session: SessionDep,
    principal: WriteShared,
    today: TodayDep,
) -> SharedModelRead:
    """Share a published policy version or a local instrument version with the network, as it is today.

    The model is a copy: later versions of your policy do not change it. Your municipality is named beside it.
    """
    row = service.share(session, principal, network_id, data, today)
    response.headers["Location"] = str(request.url_for("shared-models-read", network_id=network_id, model_id=row.id))
    set_etag(response, row.version)
    return service.as_read(session, principal, row)


@router.get(
    "",
    operation_id="shared-models-list",
    response_model=SharedModelList,
    responses=problem_responses(401, 403, 404),
)
def list_models(network_id: NetworkId, session: SessionDep, principal: ReadShared) -> SharedModelList:
    """List the models the network's members share now, newest first, without their content."""
    return SharedModelList(items=service.list_models(session, principal, network_id))


@router.get(
    "/compare",
    operation_id="shared-models-compare",
    response_model=PolicyComparison,
    responses=problem_responses(401, 403, 404, 422),
)
def compare_models(
    network_id: NetworkId,
    session: SessionDep,
    principal: ReadShared,
    today: TodayDep,
    models: Annotated[
        str,
        Query(
            max_length=500,
            description="Comma-separated ids of shared policy models (1-11), shown in this order after your own.",
        ),
    ],
) -> PolicyComparison:
    """Compare your policy in force with shared policies side by side, field by field, equal or different."""
    return service.compare(session, principal, network_id, service.parse_model_ids(models), today)


@router.get(
    "/{model_id}",
    operation_id="shared-models-read",
    name="shared-models-read",
    response_model=SharedModelRead,
    responses={**etag_response("The model with its content."), **problem_responses(401, 403, 404)},
)
def read_model(
    response: Response, network_id: NetworkId, model_id: ModelId, session: SessionDep, principal: ReadShared
) -> SharedModelRead:
    """Read a shared model with its content: the policy or the instrument as it was shared."""
    row = service.get_model(session, principal, network_id, model_id)
    set_etag(response, row.version)
    return service.as_read(session, principal, row)


@router.delete(
    "/{model_id}",
    operation_id="shared-models-withdraw",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 412, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def withdraw_model(
    request: Request,
    network_id: NetworkId,
    model_id: ModelId,
    session: SessionDep,
    principal: WriteShared,
    today: TodayDep,
) -> None:
    """Withdraw a model your municipality shared; send its ETag. Drafts already adopted from it stay as they are."""
    row = service.get_model(session, principal, network_id, model_id)
    require_if_match(request, row.version)
    service.withdraw(session, principal, row, today)


@router.post(
    "/{model_id}/adopt",
    operation_id="shared-models-adopt",
    response_model=AdoptionRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def adopt_model(
    request: Request,
    response: Response,
    network_id: NetworkId,
    model_id: ModelId,
    session: SessionDep,
    principal: WriteShared,
    data: SharedModelAdopt | None = None,
) -> AdoptionRead:
    """Adopt another member's model in one call: a policy becomes a draft of yours, with its source recorded.

    Change the draft and publish it as usual (`PUT /policy/drafts/{id}`, `POST /policy/drafts/{id}/publish`). An
    instrument becomes a new instrument version of yours, ready to use.
    """
    row = service.get_model(session, principal, network_id, model_id)
    created = service.adopt(session, principal, row, data or SharedModelAdopt())
    if isinstance(created, PolicyDraft):
        response.headers["Location"] = str(request.url_for("policy-drafts-read", draft_id=created.id))
        draft = policy_drafts.as_read(session, created)
        return AdoptionRead(kind=SharedModelKind.POLICY, model_id=row.id, policy_draft=draft, instrument=None)
    response.headers["Location"] = str(request.url_for("instruments-read", instrument_id=created.id))
    summary: InstrumentSummary = instruments.as_summary(created)
    return AdoptionRead(kind=SharedModelKind.INSTRUMENT, model_id=row.id, policy_draft=None, instrument=summary)
