"""Arrange networks of municipalities over HTTP: create, invite, accept, leave. Plain functions."""

from __future__ import annotations

from typing import Any

NETWORKS = "/api/v1/networks"


def create_network(client, admin: dict[str, str], **fields: Any) -> dict:
    response = client.post(NETWORKS, json={"name": "KL-netværk Syd", **fields}, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


def invite(client, admin: dict[str, str], network_id: str, kommunekode: str):  # type: ignore[no-untyped-def]
    return client.post(f"{NETWORKS}/{network_id}/invitations", json={"kommunekode": kommunekode}, headers=admin)


def move(client, admin: dict[str, str], network_id: str, verb: str, **body: Any):  # type: ignore[no-untyped-def]
    """Accept, decline or leave for the admin's municipality, with the membership's current ETag."""
    current = client.get(f"{NETWORKS}/{network_id}/membership", headers=admin)
    etag = current.headers.get("etag", '"0"')
    return client.post(f"{NETWORKS}/{network_id}/membership/{verb}", json=body, headers={**admin, "If-Match": etag})


def join(client, inviter: dict[str, str], network_id: str, kommunekode: str, admin: dict[str, str]) -> None:
    """Invite a municipality and have its admin accept."""
    assert invite(client, inviter, network_id, kommunekode).status_code == 201
    accepted = move(client, admin, network_id, "accept")
    assert accepted.status_code == 200, accepted.text
