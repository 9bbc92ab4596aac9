"""The OpenAPI document as integrators and client generators should see it.

FastAPI's defaults are adjusted in one place: every 4xx/5xx is RFC 9457 problem+json (FastAPI would
otherwise advertise its own `HTTPValidationError` for 422), and the client-credentials flow that the token
endpoint also serves is declared, so generated clients know both ways to authenticate.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.errors import PROBLEM_MEDIA_TYPE
from domain.access import integration_scopes

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _problem_only(responses: dict[str, Any]) -> None:
    for status, response in responses.items():
        if status[0] in "45":
            response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}
            if status == "422" and "Validation Error" in response.get("description", ""):
                response["description"] = "Invalid input; `errors` names each invalid value."


IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Optional key (1-200 printable ASCII characters) that makes a retry safe. The same key with the same body "
        "returns the first response again, marked `Idempotent-Replayed: true`, and creates nothing; the same key "
        "with another body (or path) is 422; while the first request is still in flight a retry is 409. Keys are "
        "per caller; a malformed key is 400. A response that carries a secret (a new integration client's) is never "
        "kept, so such a request runs again."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}
_IDEMPOTENCY_PROBLEMS = {
    "400": "The Idempotency-Key header is malformed.",
    "409": "Conflicts with the current state, or a request with the same Idempotency-Key is still in flight.",
    "422": "Invalid input; `errors` names each invalid value (also: the Idempotency-Key was used for another body).",
}
_REPLAYED_HEADER = {
    "description": "`true` when this is the stored response to an earlier request with the same Idempotency-Key.",
    "schema": {"type": "string", "enum": ["true"]},
}


def _idempotent_post(operation: dict[str, Any]) -> None:
    """Document the Idempotency-Key (api/idempotency.py) on a creating POST."""
    responses = operation.setdefault("responses", {})
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key" for p in parameters):
        parameters.append(dict(IDEMPOTENCY_PARAMETER))
    responses["201"].setdefault("headers", {}).setdefault("Idempotent-Replayed", _REPLAYED_HEADER)
    for status, description in _IDEMPOTENCY_PROBLEMS.items():
        responses.setdefault(status, {"description": description})
        responses[status]["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}
    operation["responses"] = dict(sorted(responses.items()))


def build_openapi(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        license_info=app.license_info,
        separate_input_output_schemas=True,
    )
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if method == "post" and "201" in operation.get("responses", {}):
                _idempotent_post(operation)
            _problem_only(operation.get("responses", {}))
            # A route's one-line docstring is its summary ("List the providers you can see"); FastAPI would
            # otherwise title-case the function name.
            if operation.get("description"):
                first_sentence = re.split(r"(?<=[.;])\s", operation["description"].strip(), maxsplit=1)[0]
                operation["summary"] = first_sentence.rstrip(".;")
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    oauth = document["components"].get("securitySchemes", {}).get("oauth2")
    if oauth is not None:
        token_url = oauth["flows"]["password"]["tokenUrl"]
        oauth["flows"]["clientCredentials"] = {
            "tokenUrl": token_url,
            "scopes": {p.value: p.description for p in sorted(integration_scopes())},
        }
    return document


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
