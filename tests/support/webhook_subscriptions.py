"""Webhook subscriptions in tests: a client with scopes, a fake DNS, and settings that allow the loopback host."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.deps import current_settings
from api.tables import IntegrationClient
from tests.support import factories

SUBSCRIPTIONS = "/api/v1/webhook-subscriptions"
PUBLIC_HOST = "esdh.example.dk"  # resolves (in the fake DNS below) to a public address
PUBLIC_URL = f"https://{PUBLIC_HOST}/tilsyn/events"
# Names and what the fake DNS answers for them; any other name does not resolve.
FAKE_DNS = {
    PUBLIC_HOST: ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "rebind.example.dk": ["127.0.0.1"],
    "split.example.dk": ["93.184.216.35", "10.20.30.40"],
}


def fake_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answer name look-ups from FAKE_DNS; any other name does not resolve. Tests never depend on real DNS."""

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list:
        if host not in FAKE_DNS:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in FAKE_DNS[host]
        ]

    monkeypatch.setattr("api.webhooks.addresses.getaddrinfo", getaddrinfo)


def allow_hosts(app: Any, settings: Settings, *hosts: str) -> Settings:
    """Serve with TILSYN_WEBHOOK_ALLOWED_HOSTS naming these hosts."""
    allowed = settings.model_copy(update={"webhook_allowed_hosts": list(hosts)})
    app.dependency_overrides[current_settings] = lambda: allowed
    return allowed


def client_headers(settings: Settings, client: IntegrationClient) -> dict[str, str]:
    return factories.client_headers(settings, client)


def subscribe(http: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = http.post(SUBSCRIPTIONS, json={"url": PUBLIC_URL, **body}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()
