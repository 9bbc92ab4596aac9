"""The provider's own observations over HTTP, as a leader or staff member records them."""

from __future__ import annotations

from typing import Any

from domain.instruments import DEMO_INSTRUMENT

ITEMS = [item.key for item in DEMO_INSTRUMENT.items()]


def own_url(provider_id: Any) -> str:
    return f"/api/v1/providers/{provider_id}/own-observations"


def every_item(value: int | None) -> dict[str, int | None]:
    """The demo instrument's 18 items all scored `value` (1-5: 1 is 0 %, 4 is 75 %, 5 is 100 %)."""
    return dict.fromkeys(ITEMS, value)


def record_own(
    client, headers: dict[str, str], provider_id: Any, *, expect: int = 201, **fields: Any
) -> dict[str, Any]:
    """POST an own observation (all items scored 2 unless `scores` says otherwise); returns the response body."""
    body = {"observed_on": "2026-11-15", "scores": every_item(2), **fields}
    response = client.post(own_url(provider_id), json=body, headers=headers)
    assert response.status_code == expect, response.text
    return response.json()
