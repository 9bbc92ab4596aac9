"""Webhook subscriptions (Standard Webhooks): endpoints, signing secrets, the delivery log and redelivery."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.clock import NowDep
from api.deps import CallerDep, SessionDep, SettingsDep, require, resolve_principal
from api.errors import problem_responses
from api.etag import NEEDS_IF_MATCH, require_if_match, set_etag
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.schemas.common import Limit
from api.schemas.webhook import (
    WebhookDeliveryPage,
    WebhookDeliveryRead,
    WebhookSubscriptionCreate,
    WebhookSubscriptionPage,
    WebhookSubscriptionRead,
    WebhookSubscriptionUpdate,
    WebhookSubscriptionWithSecret,
)
from api.services import webhooks as service
from api.tables import WebhookSubscription
from domain.access import Permission
from domain.webhooks import DeliveryStatus

router = APIRouter(prefix="/webhook-subscriptions", tags=["webhooks"])

Manage = Annotated[Principal, Depends(require(Permission.WEBHOOKS_MANAGE))]
Cursor = Annotated[
    str | None, Query(max_length=500, description="Opaque cursor from the previous page's `next_cursor`.")
]
ClientFilter = Annotated[uuid.UUID | None, Query(description="Only this integration client's (an admin's filter).")]
SubscriptionId = Annotated[uuid.UUID, Path(description="The subscription's id.")]
DeliveryId = Annotated[uuid.UUID, Path(description="The delivery's id (from the delivery log).")]
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)
NO_STORE = "no-store"  # a response with a secret must not sit in any cache


def load_subscription(subscription_id: SubscriptionId, session: SessionDep, caller: CallerDep) -> WebhookSubscription:
    """The subscription if the caller may see it: another municipality's, or another client's, is a 404."""
    return service.get_subscription(session, resolve_principal(caller), subscription_id)


# Before the guard in a signature, as the 404 loaders of api/deps.py are.
SubscriptionDep = Annotated[WebhookSubscription, Depends(load_subscription)]


def _read(response: Response, row: WebhookSubscription) -> WebhookSubscriptionRead:
    set_etag(response, row.version)
    return WebhookSubscriptionRead.model_validate(row)


def _with_secret(response: Response, row: WebhookSubscription, secret: str) -> WebhookSubscriptionWithSecret:
    response.headers["Cache-Control"] = NO_STORE
    set_etag(response, row.version)
    return WebhookSubscriptionWithSecret(**WebhookSubscriptionRead.model_validate(row).model_dump(), secret=secret)


@router.get(
    "",
    operation_id="webhook-subscriptions-list",
    response_model=WebhookSubscriptionPage,
    responses=problem_responses(401, 403, 422),
)
def list_subscriptions(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Manage,
    client_id: ClientFilter = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> WebhookSubscriptionPage:
    """List webhook subscriptions, oldest first: an integration client sees its own, an admin the municipality's."""
    page = service.list_subscriptions(session, principal, client_id=client_id, cursor=cursor, limit=limit)
    link_next(request, response, page.next_cursor)
    return WebhookSubscriptionPage(
        items=[WebhookSubscriptionRead.model_validate(s) for s in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "",
    operation_id="webhook-subscriptions-create",
    response_model=WebhookSubscriptionWithSecret,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
)
def create_subscription(
    request: Request,
    response: Response,
    data: WebhookSubscriptionCreate,
    session: SessionDep,
    settings: SettingsDep,
    principal: Manage,
) -> WebhookSubscriptionWithSecret:
    """Subscribe an endpoint to events; the response holds the signing secret, shown this once.

    Each delivery is a POST signed by the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`,
    `webhook-signature`). The URL must be https to a public address; event types the client may not read are
    refused.
    """
    row, secret = service.create_subscription(session, principal, data, settings)
    response.headers["Location"] = str(request.url_for("webhook-subscriptions-read", subscription_id=row.id))
    return _with_secret(response, row, secret)


@router.get(
    "/{subscription_id}",
    operation_id="webhook-subscriptions-read",
    name="webhook-subscriptions-read",
    response_model=WebhookSubscriptionRead,
    responses=problem_responses(401, 403, 404),
)
def read_subscription(response: Response, row: SubscriptionDep, _: Manage) -> WebhookSubscriptionRead:
    """Read a webhook subscription (never its secret)."""
    return _read(response, row)


@router.patch(
    "/{subscription_id}",
    operation_id="webhook-subscriptions-update",
    response_model=WebhookSubscriptionRead,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def update_subscription(
    request: Request,
    response: Response,
    data: WebhookSubscriptionUpdate,
    row: SubscriptionDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    _: Manage,
) -> WebhookSubscriptionRead:
    """Change the URL, event types, description or status (`active` re-enables a disabled one); send the ETag."""
    require_if_match(request, row.version)
    return _read(response, service.update_subscription(session, row, data, settings, now))


@router.delete(
    "/{subscription_id}",
    operation_id="webhook-subscriptions-delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 412, 428),
    dependencies=[NEEDS_IF_MATCH],
)
def delete_subscription(request: Request, row: SubscriptionDep, session: SessionDep, _: Manage) -> None:
    """Delete a subscription and its delivery log: nothing more is sent to it. Send its ETag in If-Match."""
    require_if_match(request, row.version)
    service.delete_subscription(session, row)


@router.post(
    "/{subscription_id}/secret-rotations",
    operation_id="webhook-subscriptions-rotate-secret",
    response_model=WebhookSubscriptionWithSecret,
    responses=WRITE_ERRORS,
    dependencies=[NEEDS_IF_MATCH],
)
def rotate_secret(
    request: Request,
    response: Response,
    row: SubscriptionDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    _: Manage,
) -> WebhookSubscriptionWithSecret:
    """Issue a new signing secret, shown this once; send the ETag.

    Deliveries carry a signature with each secret in force: the previous one keeps signing until
    `previous_secret_expires_at` (TILSYN_WEBHOOK_SECRET_OVERLAP_HOURS), so the receiver can switch meanwhile.
    """
    require_if_match(request, row.version)
    secret = service.rotate_secret(session, row, settings, now)
    return _with_secret(response, row, secret)


@router.get(
    "/{subscription_id}/deliveries",
    operation_id="webhook-deliveries-list",
    response_model=WebhookDeliveryPage,
    responses=problem_responses(401, 403, 404, 422),
)
def list_deliveries(
    request: Request,
    response: Response,
    row: SubscriptionDep,
    session: SessionDep,
    _: Manage,
    delivery_status: Annotated[
        DeliveryStatus | None, Query(alias="status", description="Only deliveries in this state.")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> WebhookDeliveryPage:
    """The delivery log, newest first: each event sent to the subscription, its state and every attempt."""
    items, next_cursor = service.list_deliveries(session, row, status=delivery_status, cursor=cursor, limit=limit)
    link_next(request, response, next_cursor)
    return WebhookDeliveryPage(items=items, next_cursor=next_cursor)


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/redeliveries",
    operation_id="webhook-deliveries-redeliver",
    response_model=WebhookDeliveryRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(401, 403, 404, 409),
)
def redeliver(
    delivery_id: DeliveryId, row: SubscriptionDep, session: SessionDep, now: NowDep, _: Manage
) -> WebhookDeliveryRead:
    """Send a delivered or failed event again soon, with the same `webhook-id` (receivers de-duplicate by it)."""
    return service.redeliver(session, row, delivery_id, now)
