"""The OpenAPI document as integrators and client generators should see it.

FastAPI's defaults are adjusted in one place: every 4xx/5xx is RFC 9457 problem+json (FastAPI would
otherwise advertise its own `HTTPValidationError` for 422), and the client-credentials flow that the token
endpoint also serves is declared, so generated clients know both ways to authenticate.

The headers of the HTTP conventions are declared from what the routes declare, not by hand on each route:
- `If-Match` comes from the route's dependency (api/etag.py); it is marked required where the service answers
  428 without it, and its 412/428 problems are listed;
- `ETag` is declared on every success response that carries an object a client can change with If-Match (the
  same schema as the response of an operation that declares If-Match), and where a route adds it itself;
- `Idempotency-Key` and `Idempotent-Replayed` on every creating POST (api/idempotency.py), `Location` on every 201;
- 503 `busy` with `Retry-After` on every write, which can wait too long for a database lock (api/db.py);
- a file response (`file_response`: PDF, CSV, HTML) is that type only, as bytes (`format: binary`) or as text,
  so a generated client returns the file rather than trying to parse JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.errors import PROBLEM_MEDIA_TYPE
from api.etag import ETAG_HEADER, IF_MATCH, IF_MATCH_REQUIRED
from api.events.catalogue import tidy as tidy_webhooks
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


_LOCATION_HEADER = {
    "description": "The URL of the created object; read it there.",
    "schema": {"type": "string", "format": "uri"},
}
# A new integration client's secret is shown once, in the response; there is no URL to read a client again.
_CREATED_WITHOUT_LOCATION = frozenset({"clients-create"})
_IF_MATCH_PROBLEMS = {
    "412": "The If-Match ETag is stale: someone changed the resource. Re-read and retry.",
    "428": "An If-Match header with the resource's ETag is required.",
}


_WRITES = frozenset({"post", "put", "patch", "delete"})
_BUSY_RESPONSE = {
    "description": "Busy with other changes; nothing was saved. Retry after `Retry-After` seconds (problem `busy`).",
    "headers": {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}},
}


def _declare_busy(operation: dict[str, Any]) -> None:
    """A write can wait too long for a database lock (api/errors.py `busy`): 503 with Retry-After."""
    responses = operation.setdefault("responses", {})
    responses.setdefault("503", {**_BUSY_RESPONSE})
    operation["responses"] = dict(sorted(responses.items()))


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _file_schema(media_type: str) -> dict[str, str]:
    return {"type": "string"} if media_type.startswith("text/") else {"type": "string", "format": "binary"}


def file_response(media_type: str, description: str, *, etag: bool = False) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry of a route whose 200 is a file, not JSON: a PDF as bytes, CSV or HTML as text."""
    response: dict[str, Any] = {
        "description": description,
        "content": {media_type: {"schema": _file_schema(media_type)}},
    }
    if etag:
        response["headers"] = {"ETag": ETAG_HEADER}
    return {200: response}


def etag_response(description: str = "Successful Response") -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry of a route that sets an ETag on a 200 whose schema has no If-Match operation."""
    return {200: {"description": description, "headers": {"ETag": ETAG_HEADER}}}


def _files_only(responses: dict[str, Any]) -> None:
    """A success that declares a file type is that file only, never also JSON."""
    for status, response in responses.items():
        content = response.get("content", {})
        files = [media_type for media_type in content if not _is_json(media_type)]
        if status[0] == "2" and files:
            response["content"] = {media_type: {"schema": _file_schema(media_type)} for media_type in files}


def _declare_if_match(operation: dict[str, Any]) -> bool:
    """Shape the If-Match parameter that api/etag.py's dependency put there; whether the operation has one."""
    declared = False
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "header" and parameter.get("name") == IF_MATCH:
            declared = True
            parameter["required"] = parameter.get("description") == IF_MATCH_REQUIRED
            parameter["schema"] = {"type": "string"}  # not FastAPI's anyOf [string, null]: absent is not null
    if declared:
        responses = operation.setdefault("responses", {})
        for status, description in _IF_MATCH_PROBLEMS.items():
            responses.setdefault(status, {"description": description})
        operation["responses"] = dict(sorted(responses.items()))
    return declared


def _success_refs(operation: dict[str, Any]) -> set[str]:
    refs = set()
    for status, response in operation.get("responses", {}).items():
        for media_type, media in response.get("content", {}).items():
            if status[0] == "2" and _is_json(media_type) and "$ref" in media.get("schema", {}):
                refs.add(media["schema"]["$ref"])
    return refs


def _declare_etag(operation: dict[str, Any], changeable: set[str]) -> None:
    for status, response in operation.get("responses", {}).items():
        if status[0] == "2" and _success_refs({"responses": {status: response}}) & changeable:
            response.setdefault("headers", {}).setdefault("ETag", ETAG_HEADER)


def _declare_location(operation: dict[str, Any]) -> None:
    created = operation.get("responses", {}).get("201")
    if created is not None and operation.get("operationId") not in _CREATED_WITHOUT_LOCATION:
        created.setdefault("headers", {}).setdefault("Location", _LOCATION_HEADER)


def _declare_unreadable_body(operation: dict[str, Any]) -> None:
    """Every operation that reads a body answers 400 (a problem) when the body cannot be parsed at all."""
    media_types = operation.get("requestBody", {}).get("content", {})
    if not media_types:
        return
    if any(_is_json(m) for m in media_types):
        text = (
            "The body is not valid JSON: it cannot be read as UTF-8 text (malformed JSON text is a 422 naming `body`)."
        )
    else:
        text = "The body is not valid form data: it cannot be parsed."
    responses = operation.setdefault("responses", {})
    response = responses.setdefault("400", {"description": text})
    if text not in response["description"]:
        response["description"] = f"{response['description']} Or: {text}"
    operation["responses"] = dict(sorted(responses.items()))


def build_openapi(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        webhooks=app.webhooks.routes,
        tags=app.openapi_tags,
        license_info=app.license_info,
        separate_input_output_schemas=True,
    )
    all_operations = [(m, op) for item in document.get("paths", {}).values() for m, op in item.items()]
    # The objects a client can change with If-Match: whatever such an operation answers with carries an ETag.
    changeable: set[str] = set()
    for _, operation in all_operations:
        if _declare_if_match(operation):
            changeable |= _success_refs(operation)
    for method, operation in all_operations:
        _declare_etag(operation, changeable)
        _declare_location(operation)
        if method == "post" and "201" in operation.get("responses", {}):
            _idempotent_post(operation)
        if method in _WRITES:
            _declare_busy(operation)
        _declare_unreadable_body(operation)
        _files_only(operation.get("responses", {}))
        _problem_only(operation.get("responses", {}))
        # A route's one-line docstring is its summary ("List the providers you can see"); FastAPI would
        # otherwise title-case the function name.
        if operation.get("description"):
            first_sentence = re.split(r"(?<=[.;])\s", operation["description"].strip(), maxsplit=1)[0]
            operation["summary"] = first_sentence.rstrip(".;")
    tidy_webhooks(document)
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
    """Build the document once per process and keep it as JSON text, not as the dict.

    The dict of ~260 operations holds about 12 MiB of a worker's memory for as long as the process lives (issue 11:
    one worker under 150 MB), the text under 1 MB. Each call gets a fresh dict parsed from the text (a few ms),
    which also means no caller can change the document the next one reads.
    """
    text: str | None = None

    def openapi() -> dict[str, Any]:
        nonlocal text
        if text is None:
            text = json.dumps(build_openapi(app))
        return json.loads(text)

    app.openapi = openapi  # type: ignore[method-assign]
