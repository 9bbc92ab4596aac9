"""Helpers for the end-to-end supervision story: a movable calendar, If-Match round trips, problem details
and the audit trail read page by page, all over HTTP as a client of the service would do it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlmodel import Session

import api.clock
from api.tables import Municipality, UserAccount
from domain.access import Role
from tests.support import factories
from tests.support.payloads import PROBLEM

API = "/api/v1"
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


class Calendar:
    """Moves the service's idea of today (api.clock.today); the `app` fixture resets it after the test."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.today: date | None = None

    def to(self, day: date) -> date:
        self.today = day
        self.app.dependency_overrides[api.clock.today] = lambda: day
        return day


def person(db: Session, municipality: Municipality, role: Role, full_name: str) -> UserAccount:
    """A user with a name of their own, so a refusal that names them can be told apart from one naming another."""
    return factories.user(db, municipality, role, full_name=full_name)


def current_etag(client: Any, headers: Mapping[str, str], url: str) -> str:
    """The ETag a GET of `url` answers with: what the next change sends back in If-Match."""
    response = client.get(url, headers=dict(headers))
    assert response.status_code == 200, response.text
    return response.headers["etag"]


def send_matching(
    client: Any,
    method: str,
    headers: Mapping[str, str],
    url: str,
    body: Any = None,
    *,
    read_url: str | None = None,
    read_headers: Mapping[str, str] | None = None,
) -> Any:
    """Send a change with the If-Match of the record's current ETag, read from `read_url` (default `url`)."""
    tag = current_etag(client, read_headers or headers, read_url or url)
    return client.request(method, url, json=body, headers={**headers, "If-Match": tag})


def problem(response: Any, status: int) -> dict[str, Any]:
    """The problem+json body of a refused request, after checking its status and media type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    return response.json()


def error_locations(response: Any, status: int) -> set[str]:
    """Where a refused request's errors point (e.g. `body.supervisor_id`, `action_plan`)."""
    return {e["location"] for e in problem(response, status)["errors"]}


def declare(
    client: Any, headers: Mapping[str, str], *, user_id: Any, provider_id: Any, relation: str, reason: str, on: date
) -> dict[str, Any]:
    """Record a person's tie to a provider (leader, staff or conflict) and return the declaration."""
    response = client.post(
        f"{API}/users/{user_id}/impartiality-declarations",
        json={"provider_id": str(provider_id), "relation": relation, "reason": reason, "declared_on": on.isoformat()},
        headers=dict(headers),
    )
    assert response.status_code == 201, response.text
    return response.json()


def audit_trail(client: Any, headers: Mapping[str, str], page_size: int) -> tuple[list[dict[str, Any]], int]:
    """Every audit event the caller may read, newest first, by following the `Link: rel="next"` header.

    Returns the events and how many pages it took. Each page's `next_cursor` must agree with its Link header.
    """
    events: list[dict[str, Any]] = []
    url: str | None = f"{API}/audit-events?limit={page_size}"
    pages = 0
    while url is not None:
        response = client.get(url, headers=dict(headers))
        assert response.status_code == 200, response.text
        pages += 1
        body = response.json()
        assert len(body["items"]) <= page_size
        events += body["items"]
        found = _NEXT.search(response.headers.get("link", ""))
        assert (found is None) == (body["next_cursor"] is None), response.headers.get("link")
        url = found.group(1) if found else None
        assert pages < 100, "the trail does not end"
    return events, pages
