"""The event catalogue in the OpenAPI document: one OpenAPI 3.1 `webhooks` entry per event type.

Each entry is the POST a subscriber's endpoint receives: the envelope (as api.webhooks.delivery.envelope_for builds
it) with the event's payload schema (api.events.schemas), and the three Standard Webhooks headers. Nothing here is
served: FastAPI's `app.webhooks` only documents.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import FastAPI, Header
from fastapi.responses import Response

from api.events.schemas import ENVELOPES, data_model
from domain.events import EventType

WEBHOOKS_TAG = {
    "name": "events",
    "description": (
        "The event catalogue: what the service posts to webhook subscribers (and lists in the change feed). "
        "Payloads carry ids, kinds, dates, states and links, never a name, free text or who reported a concern."
    ),
}
_SUMMARIES: dict[EventType, str] = {
    EventType.PROVIDER_CREATED: "A provider was created",
    EventType.PROVIDER_CHANGED: "A provider was changed",
    EventType.PROVIDER_CLOSED: "A provider closed",
    EventType.UNIT_CREATED: "A unit was created",
    EventType.UNIT_CHANGED: "A unit was changed",
    EventType.UNIT_CLOSED: "A unit closed",
    EventType.VISIT_PLANNED: "A visit was planned",
    EventType.VISIT_CHANGED: "A visit was changed (its dialogue, follow-up or parent board informed included)",
    EventType.VISIT_COMPLETED: "A visit was completed",
    EventType.VISIT_CANCELLED: "A visit was cancelled",
    EventType.ASSESSMENT_MADE: "A completed visit's assessment was made",
    EventType.REPORT_DRAFTED: "A report was drafted",
    EventType.REPORT_CHANGED: "A report was changed",
    EventType.REPORT_SENT: "A report was sent to the leader for comment",
    EventType.REPORT_FINALISED: "A report became final: its PDF, SHA-256 and KLE subject for filing",
    EventType.REPORT_PUBLISHED: "A report was published: its PDF (now with the day of publication) and SHA-256",
    EventType.REPORT_SUPERSEDED: "A published report was superseded by its correction",
    EventType.RECOMMENDATION_CREATED: "A recommendation was made",
    EventType.RECOMMENDATION_CHANGED: "A recommendation was changed",
    EventType.CONCERN_NOTICE_RECEIVED: "A concern notice was received",
    EventType.CONCERN_NOTICE_CHANGED: "A concern notice was changed",
    EventType.INTENSIFIED_SUPERVISION_STARTED: "Intensified supervision started",
    EventType.INTENSIFIED_SUPERVISION_CHANGED: "Intensified supervision was changed",
    EventType.INTENSIFIED_SUPERVISION_ENDED: "Intensified supervision ended",
    EventType.ACTION_PLAN_CREATED: "An action plan was created",
    EventType.ACTION_PLAN_CHANGED: "An action plan was changed (its goals and comments included)",
    EventType.ACTION_PLAN_APPROVED: "An action plan was approved",
    EventType.ACTION_PLAN_COMPLETED: "An action plan was completed",
    EventType.CONVERSATION_RECORDED: "A conversation was recorded",
    EventType.CONVERSATION_CHANGED: "A conversation was changed (its follow-ups included)",
    EventType.CONVERSATION_DELETED: "A conversation was deleted",
    EventType.POLICY_PUBLISHED: "A policy version was published",
    EventType.WEBHOOK_SUBSCRIPTION_CREATED: "A webhook subscription of the integration was created",
    EventType.WEBHOOK_SUBSCRIPTION_CHANGED: "A webhook subscription of the integration was changed",
    EventType.WEBHOOK_SUBSCRIPTION_DISABLED: "A webhook subscription was disabled after persistent failure",
    EventType.WEBHOOK_SUBSCRIPTION_DELETED: "A webhook subscription of the integration was deleted",
}
_DESCRIPTION = (
    "Sent as a POST to each subscription that wants this type, and listed in the change feed. Verify "
    "`webhook-signature` before trusting the body; deduplicate by `webhook-id` (a delivery may arrive more than "
    "once, never out of order for one object). Answer any 2xx to acknowledge; anything else, or no answer, is "
    "retried with exponential backoff for at least 24 hours."
)
_ID = "The event's id: the same on every redelivery of it, so a receiver can drop duplicates."
_TIMESTAMP = "When this attempt was sent, in seconds since the Unix epoch; refuse one far from your clock."
_SIGNATURE = (
    "`v1,<base64>`: the base64 of HMAC-SHA256, keyed with the subscription's secret, over "
    "`{webhook-id}.{webhook-timestamp}.{body}` (the raw body bytes). During a secret rotation several signatures "
    "are sent, separated by spaces; accept the delivery if any one verifies."
)


def operation_id(event_type: EventType) -> str:
    """`webhook-visit-planned`: kebab-case like every operationId (dots and underscores as dashes)."""
    return "webhook-" + event_type.value.replace(".", "-").replace("_", "-")


def _receiver(envelope: type) -> Any:
    def receive(**_: Any) -> None:  # documents a request the service sends; never called
        return None

    parameters = [
        inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=envelope),
        *(
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[str, Header(description=text)])
            for name, text in (
                ("webhook_id", _ID),
                ("webhook_timestamp", _TIMESTAMP),
                ("webhook_signature", _SIGNATURE),
            )
        ),
    ]
    receive.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return receive


def summary(event_type: EventType) -> str:
    deleted = f"A {event_type.aggregate_type.value.replace('_', ' ')} was deleted"
    return _SUMMARIES.get(event_type, deleted)


def install_webhooks(app: FastAPI) -> None:
    """Add one `webhooks` entry per event type to the app's OpenAPI document."""
    for event_type in EventType:
        app.webhooks.add_api_route(
            event_type.value,
            _receiver(ENVELOPES[data_model(event_type)]),
            methods=["POST"],
            operation_id=operation_id(event_type),
            summary=summary(event_type),
            description=_DESCRIPTION,
            tags=[WEBHOOKS_TAG["name"]],
            response_class=Response,
            responses={200: {"description": "Received: any 2xx acknowledges the delivery."}},
        )


def tidy(document: dict[str, Any]) -> None:
    """A webhook's receiver answers 2xx or is retried: drop the 422 FastAPI adds to every operation with a body."""
    for item in document.get("webhooks", {}).values():
        for operation in item.values():
            operation.get("responses", {}).pop("422", None)
