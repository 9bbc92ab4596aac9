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
        for operation in operations.values():
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
