"""Request bodies and constants that several API test modules share."""

from __future__ import annotations

from typing import Any

PROBLEM = "application/problem+json"


def new_provider(**overrides: Any) -> dict[str, Any]:
    """A valid body for POST /api/v1/providers; override any field."""
    return {
        "name": "Børnehuset Æblegården",
        "kind": "municipal_institution",
        "age_groups": ["0-2", "3-5"],
        "dagtilbudsnummer": "654321",
        "street": "Æblevej 2",
        "postal_code": "7100",
        "city": "Testby",
        **overrides,
    }
