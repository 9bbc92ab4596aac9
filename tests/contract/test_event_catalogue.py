"""The event catalogue is in the OpenAPI document: every event type a `webhooks` entry with its payload's schema.

No database: the document is built from the app alone.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from api.config import Settings
from api.events.catalogue import operation_id
from api.events.schemas import ENVELOPES, data_model
from api.main import create_app
from api.tables import OutboxEvent
from api.webhooks.delivery import body_for
from domain.events import EventType

HEADERS = {"webhook-id", "webhook-timestamp", "webhook-signature"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(Settings(secret_key="x" * 40)).openapi()


def _schema(document: dict[str, Any], ref: str) -> dict[str, Any]:
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_every_event_type_is_a_webhook_with_the_envelope_of_its_payload_and_the_signature_headers(document):
    webhooks = document["webhooks"]
    assert set(webhooks) == {t.value for t in EventType}
    for event_type in EventType:
        operation = webhooks[event_type.value]["post"]
        assert operation["operationId"] == operation_id(event_type)
        assert operation["summary"] and set(operation["responses"]) == {"200"}
        assert {p["name"] for p in operation["parameters"] if p["in"] == "header"} == HEADERS
        assert all(p["description"].strip() for p in operation["parameters"])
        envelope = _schema(document, operation["requestBody"]["content"]["application/json"]["schema"]["$ref"])
        assert set(envelope["required"]) == {"type", "timestamp", "data"}
        assert event_type.value in (
            envelope["properties"]["type"].get("enum") or [envelope["properties"]["type"]["const"]]
        )
        data = _schema(document, envelope["properties"]["data"]["$ref"])
        assert data["title"] == data_model(event_type).__name__
        undescribed = [name for name, field in data["properties"].items() if not field.get("description", "").strip()]
        assert not undescribed, f"{event_type}: {undescribed}"


def test_the_webhook_signature_header_says_how_to_verify_it_during_a_secret_rotation(document):
    operation = document["webhooks"]["visit.planned"]["post"]
    [signature] = [p for p in operation["parameters"] if p["name"] == "webhook-signature"]
    for needed in ("HMAC-SHA256", "{webhook-id}.{webhook-timestamp}.{body}", "v1,", "spaces"):
        assert needed in signature["description"]


def test_the_envelope_the_worker_sends_is_the_one_the_catalogue_documents():
    payload = {"id": "0b5d2a0e-8d0e-4b4e-9a47-3f2d8a1e5c11", "provider_id": None}
    row = OutboxEvent(type="visit.deleted", occurred_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC), payload=payload)
    sent = json.loads(body_for(row))
    assert sent == {"type": "visit.deleted", "timestamp": "2026-11-20T09:30:00Z", "data": payload}
    ENVELOPES[data_model(EventType.VISIT_DELETED)].model_validate(sent)
