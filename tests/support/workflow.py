"""The visit workflow over HTTP, as a supervisor drives it: plan, observe, hold the dialogue, complete.

Reusable by any test that needs a completed visit (and the assessment and escalation it gives) made the way the
running service makes it. Dates are strings, as a client sends them.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from sqlmodel import Session

from api.services.instruments import ensure_demo_instrument
from domain.access import Role
from domain.instruments import Instrument

VISITS = "/api/v1/visits"
HELD_ON = "2026-11-20"


def demo_instrument_id(db: Session, municipality_id: uuid.UUID) -> str:
    """The id of the municipality's demo instrument (18 items scored 1-5), stored if it was not there."""
    row = ensure_demo_instrument(db, municipality_id)
    db.commit()
    return str(row.id)


def score_for_percent(
    instrument: Instrument | Mapping[str, Any], percent: float, coverage_threshold: float = 0.8
) -> dict[str, int | None]:
    """Scores that give exactly `percent` in total, over as many items as possible (never below the threshold).

    Items left out are `None` (not observed). `instrument` is a domain Instrument or the definition as the API
    shows it. Raises ValueError when no number of items makes the percent exact, so a test never asserts a band
    for a score it did not get.
    """
    if not isinstance(instrument, Instrument):
        instrument = Instrument.from_dict(instrument)
    items = list(instrument.items())
    fewest = max(1, math.ceil(Fraction(str(coverage_threshold)) * len(items)))
    for count in range(len(items), fewest - 1, -1):
        chosen = items[:count]
        target = Fraction(str(percent)) * sum(i.scale.max - i.scale.min for i in chosen) / 100
        if target.denominator != 1:
            continue
        left, scores = int(target), {}
        for item in chosen:
            step = min(left, item.scale.max - item.scale.min)
            scores[item.key] = item.scale.min + step
            left -= step
        return {**scores, **{i.key: None for i in items[count:]}}
    raise ValueError(f"No scores give exactly {percent} % on `{instrument.key}`; choose another percent.")


def plan_visit(
    client, headers: dict[str, str], *, provider_id: Any, supervisor_id: Any, expect: int = 201, **fields: Any
) -> dict[str, Any]:
    """Plan a visit (announced unless `kind` says otherwise) and return the created visit."""
    body = {
        "provider_id": str(provider_id),
        "kind": "announced",
        "planned_on": HELD_ON,
        "supervisor_id": str(supervisor_id),
        **{k: [str(u) for u in v] if k == "unit_ids" else v for k, v in fields.items()},
    }
    response = client.post(VISITS, json=body, headers=headers)
    assert response.status_code == expect, response.text
    return response.json()


def plan_world_visit(client, db: Session, world: Any, *, provider: Any = None, **fields: Any) -> dict[str, Any]:
    """`plan_visit` by the test world's supervisor, of its provider (or `provider`), with the demo instrument."""
    return plan_visit(
        client,
        world.headers(Role.SUPERVISOR),
        provider_id=(provider or world.provider).id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        instrument_id=demo_instrument_id(db, world.municipality.id),
        **fields,
    )


def observe(
    client,
    headers: dict[str, str],
    visit_id: str,
    scores: Mapping[str, int | None] | None = None,
    *,
    unit_id: Any = None,
    notes: str | None = None,
    expect: int = 201,
):
    """Record an observation; returns the response."""
    body: dict[str, Any] = {"scores": dict(scores or {}), "notes": notes}
    if unit_id is not None:
        body["unit_id"] = str(unit_id)
    response = client.post(f"{VISITS}/{visit_id}/observations", json=body, headers=headers)
    assert response.status_code == expect, response.text
    return response


def etag(client, headers: dict[str, str], visit_id: str) -> str:
    response = client.get(f"{VISITS}/{visit_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.headers["etag"]


def hold_dialogue(client, headers: dict[str, str], visit_id: str, held_on: str = HELD_ON) -> dict[str, Any]:
    """Record the dialogue with leader and staff during the visit; returns the visit."""
    body = {
        "held_on": held_on,
        "participants": ["Dagtilbudsleder", "Pædagog fra vuggestuen"],
        "summary": "Vi talte om læringsmiljøet i garderoben og om overgangene mellem aktiviteter.",
    }
    response = client.put(
        f"{VISITS}/{visit_id}/dialogue", json=body, headers={**headers, "If-Match": etag(client, headers, visit_id)}
    )
    assert response.status_code == 200, response.text
    return response.json()


def complete(client, headers: dict[str, str], visit_id: str, held_on: str = HELD_ON, **fields: Any):
    """POST /complete with the visit's current ETag (unless `If-Match` is in headers); returns the response."""
    if_match = headers.get("If-Match") or etag(client, headers, visit_id)
    return client.post(
        f"{VISITS}/{visit_id}/complete",
        json={"held_on": held_on, **fields},
        headers={**headers, "If-Match": if_match},
    )


def complete_visit(
    client,
    headers: dict[str, str],
    *,
    provider_id: Any,
    supervisor_id: Any,
    instrument: Mapping[str, Any] | Instrument | None = None,
    instrument_id: str | None = None,
    percent: float | None = None,
    held_on: str = HELD_ON,
    kind: str = "announced",
    **completion: Any,
):
    """Plan, observe (scored to `percent` when given), hold the dialogue and complete one visit.

    `instrument` defaults to the definition read from the API when only `instrument_id` is given.
    Returns the response to the completion, whatever its status.
    """
    visit = plan_visit(
        client,
        headers,
        provider_id=provider_id,
        supervisor_id=supervisor_id,
        kind=kind,
        planned_on=held_on,
        instrument_id=instrument_id,
    )
    if percent is not None:
        if instrument is None:
            instrument = client.get(f"/api/v1/instruments/{instrument_id}", headers=headers).json()
        observe(client, headers, visit["id"], score_for_percent(instrument, percent))
    else:
        observe(client, headers, visit["id"], notes="Børnene legede i små grupper; de voksne var til stede.")
    hold_dialogue(client, headers, visit["id"], held_on)
    return complete(client, headers, visit["id"], held_on, **completion)
