"""The report workflow over HTTP, as a supervisor, a leader and a case system drive it.

Completed visits are made through the visit endpoints (tests/support/workflow.py); each step here returns the
response, whatever its status, so tests can assert refusals too. Dates are strings, as a client sends them.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

import api.clock
from domain.access import Role
from domain.instruments import DEMO_INSTRUMENT
from tests.support import workflow

V1 = "/api/v1"
HELD_ON = workflow.HELD_ON  # 2026-11-20
SENT_ON = date(2026, 11, 25)  # the policy's leader_comment_days (14) later the window closes: 2026-12-09
WINDOW_ENDS = date(2026, 12, 9)


def set_today(app: Any, day: date) -> date:
    """Move the service's today; the `app` fixture resets it after the test."""
    app.dependency_overrides[api.clock.today] = lambda: day
    return day


def report_url(report_id: str, tail: str = "") -> str:
    return f"{V1}/reports/{report_id}{tail}"


def completed_visit(
    client: Any, db: Session, world: Any, *, provider: Any = None, percent: float = 75, **fields: Any
) -> dict[str, Any]:
    """A visit to `provider` (default the world's) completed over HTTP with a score of `percent`; the visit."""
    provider = provider or world.provider
    response = workflow.complete_visit(
        client,
        world.headers(Role.SUPERVISOR),
        provider_id=provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        instrument_id=workflow.demo_instrument_id(db, world.municipality.id),
        percent=percent,
        **fields,
    )
    assert response.status_code == 200, response.text
    return response.json()


def recommend(client: Any, headers: Mapping[str, str], visit_id: str, text: str, due_on: str) -> dict[str, Any]:
    body = {"text": text, "owner": "Dagtilbudsleder", "due_on": due_on}
    response = client.post(f"{V1}/visits/{visit_id}/recommendations", json=body, headers=dict(headers))
    assert response.status_code == 201, response.text
    return response.json()


def follow_up(client: Any, headers: Mapping[str, str], visit_id: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "held_on": "2026-11-24",
        "participants": ["Dagtilbudsleder", "Pædagogisk konsulent"],
        "summary": "Vi gennemgik vurderingen og aftalte en sprogindsats i vuggestuen.",
        "agreed_follow_up": "Sprogindsats fra januar.",
        **overrides,
    }
    response = client.put(f"{V1}/visits/{visit_id}/follow-up-dialogue", json=body, headers=dict(headers))
    assert response.status_code == 201, response.text
    return response.json()


def create(client: Any, headers: Mapping[str, str], visit_id: str, **body: Any):
    return client.post(f"{V1}/visits/{visit_id}/reports", json=body, headers=dict(headers))


def draft(client: Any, headers: Mapping[str, str], visit_id: str, **body: Any) -> dict[str, Any]:
    response = create(client, headers, visit_id, **body)
    assert response.status_code == 201, response.text
    return response.json()


def etag(client: Any, headers: Mapping[str, str], report_id: str) -> str:
    response = client.get(report_url(report_id), headers=dict(headers))
    assert response.status_code == 200, response.text
    return response.headers["etag"]


def act(
    client: Any,
    method: str,
    headers: Mapping[str, str],
    report_id: str,
    tail: str = "",
    body: Any = None,
    *,
    if_match: str | None = None,
    read_headers: Mapping[str, str] | None = None,
):
    """A change with If-Match: the given tag, or the report's current one as `read_headers` (or `headers`) read it."""
    tag = if_match or etag(client, read_headers or headers, report_id)
    return client.request(method, report_url(report_id, tail), json=body, headers={**headers, "If-Match": tag})


def send(client: Any, headers: Mapping[str, str], report_id: str, **kw: Any):
    return act(client, "POST", headers, report_id, "/send", **kw)


def comment(client: Any, headers: Mapping[str, str], report_id: str, text: str, *, if_match: str | None = None):
    """The leader's comment with If-Match: the given tag, or the report's current one (`*` if the caller cannot read
    it, so the refusal under test is the one the service gives)."""
    if if_match is None:
        read = client.get(report_url(report_id), headers=dict(headers))
        if_match = read.headers["etag"] if read.status_code == 200 else "*"
    body = {"comment": text}
    return client.put(report_url(report_id, "/leader-comment"), json=body, headers={**headers, "If-Match": if_match})


def finalise(client: Any, headers: Mapping[str, str], report_id: str, **kw: Any):
    return act(client, "POST", headers, report_id, "/finalise", **kw)


def publish(client: Any, headers: Mapping[str, str], report_id: str, body: Any = None, **kw: Any):
    return act(client, "POST", headers, report_id, "/publish", body or {}, **kw)


def published_report(client: Any, app: Any, world: Any, visit_id: str, **body: Any) -> dict[str, Any]:
    """A report on `visit_id` taken through draft -> sent -> leader comment -> final -> published."""
    supervisor, leader = world.headers(Role.SUPERVISOR), world.headers(Role.LEADER)
    set_today(app, SENT_ON)
    report = draft(client, supervisor, visit_id, **body)
    for response in (
        send(client, supervisor, report["id"]),
        comment(client, leader, report["id"], "Vi er glade for dialogen og arbejder videre med sproget."),
        finalise(client, supervisor, report["id"]),
        publish(client, leader, report["id"], {"url": "https://boernehuset.example/tilsyn"}),
    ):
        assert response.status_code == 200, response.text
    return response.json()


def pdf_text(pdf: bytes, tmp_path: Any) -> str:
    """The text pdftotext extracts from `pdf`; fails (never skips) with an install hint when it is missing."""
    binary = shutil.which("pdftotext")
    if binary is None:
        pytest.fail("pdftotext is missing: install poppler-utils (apt-get install poppler-utils) to run this test.")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    done = subprocess.run([binary, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


def completed_visit_with_units(
    client: Any,
    db: Session,
    world: Any,
    provider: Any,
    percents: list[tuple[Any, float]],
    *,
    co_observer_id: Any = None,
    held_on: str = HELD_ON,
) -> dict[str, Any]:
    """A visit to the units in `percents` ((unit, percent) pairs), each observed on its own, completed over HTTP."""
    headers = world.headers(Role.SUPERVISOR)
    instrument_id = workflow.demo_instrument_id(db, world.municipality.id)
    visit = workflow.plan_visit(
        client,
        headers,
        provider_id=provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        planned_on=held_on,
        unit_ids=[unit.id for unit, _ in percents],
        instrument_id=instrument_id,
        co_observer_id=str(co_observer_id) if co_observer_id else None,
    )
    for unit, percent in percents:
        workflow.observe(
            client, headers, visit["id"], workflow.score_for_percent(DEMO_INSTRUMENT, percent), unit_id=unit.id
        )
    workflow.hold_dialogue(client, headers, visit["id"], held_on)
    response = workflow.complete(client, headers, visit["id"], held_on)
    assert response.status_code == 200, response.text
    return response.json()
