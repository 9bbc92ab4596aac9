"""The contract says what the service does: If-Match, ETag, Idempotency-Key, Location and file responses.

A generated client sends only the headers the document declares and reads a body as the document says, so a
header the service demands but the document leaves out, or a PDF declared as JSON, is a client that cannot work.
No database: the document and the routes are read from the app alone.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Iterator
from importlib import import_module
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import api.routers
from api.config import Settings
from api.errors import install_error_handlers
from api.etag import IF_MATCH_REQUIRED, NEEDS_IF_MATCH, require_if_match
from api.main import create_app
from api.openapi import build_openapi
from tests.contract.test_openapi import operations, where

IF_MATCH = "If-Match"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(Settings(secret_key="x" * 40)).openapi()


def router_routes() -> Iterator[APIRoute]:
    for module_info in pkgutil.iter_modules(api.routers.__path__, "api.routers."):
        for router in vars(import_module(module_info.name)).values():
            if isinstance(router, APIRouter):
                yield from (route for route in router.routes if isinstance(route, APIRoute))


def by_operation_id(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {operation["operationId"]: (method, path, operation) for method, path, operation in operations(document)}


def if_match_parameter(operation: dict[str, Any]) -> dict[str, Any] | None:
    found = [p for p in operation.get("parameters", []) if p.get("in") == "header" and p.get("name") == IF_MATCH]
    return found[0] if found else None


def checks_if_match(route: APIRoute) -> bool:
    """Whether the route's own code calls api/etag.py's check (the name is in its compiled code)."""
    return "require_if_match" in route.endpoint.__code__.co_names


def undeclared_if_match_checks(routes: list[APIRoute], document: dict[str, Any]) -> list[str]:
    operations_by_id = by_operation_id(document)
    return [
        route.operation_id or route.name
        for route in routes
        if checks_if_match(route) and if_match_parameter(operations_by_id[route.operation_id][2]) is None
    ]


def test_every_route_that_checks_if_match_declares_it(document):
    routes = list(router_routes())
    assert sum(checks_if_match(route) for route in routes) >= 25, "the routes that check If-Match were not found"
    undeclared = undeclared_if_match_checks(routes, document)
    assert not undeclared, (
        "these routes answer 428/412 on If-Match but the contract does not declare the header; add "
        f"`dependencies=[NEEDS_IF_MATCH]` (api/etag.py): {undeclared}"
    )


def test_the_leader_comment_takes_if_match_like_every_other_change(document):
    _, _, operation = by_operation_id(document)["reports-comment"]
    parameter = if_match_parameter(operation)
    assert parameter is not None and parameter["required"] is True
    assert {"412", "428"} <= operation["responses"].keys()


def test_if_match_is_a_described_string_required_where_the_service_answers_428(document):
    offenders = []
    for method, path, operation in operations(document):
        parameter = if_match_parameter(operation)
        declares_428 = "428" in operation.get("responses", {})
        if parameter is None:
            if declares_428:
                offenders.append(f"{where(method, path)}: lists a 428 but declares no If-Match header")
            continue
        if parameter["schema"] != {"type": "string"}:
            offenders.append(f"{where(method, path)}: If-Match schema {parameter['schema']}")
        if parameter["required"] and parameter.get("description") != IF_MATCH_REQUIRED:
            offenders.append(f"{where(method, path)}: If-Match description {parameter.get('description')!r}")
        if not {"412", "428"} <= operation.get("responses", {}).keys():
            offenders.append(f"{where(method, path)}: declares If-Match without its 412 and 428 problems")
    assert not offenders, "\n".join(offenders)
    required = [
        op["operationId"] for _, _, op in operations(document) if (if_match_parameter(op) or {}).get("required")
    ]
    assert len(required) >= 25
    # Only replacing an existing follow-up dialogue needs it; recording the first does not.
    declared = [op["operationId"] for _, _, op in operations(document) if if_match_parameter(op)]
    assert sorted(set(declared) - set(required)) == ["follow-up-dialogues-record"]


def _success_schema_refs(operation: dict[str, Any]) -> set[str]:
    return {
        media.get("schema", {}).get("$ref")
        for status, response in operation.get("responses", {}).items()
        if status.startswith("2")
        for media in response.get("content", {}).values()
    } - {None}


def test_every_read_of_an_object_changed_with_if_match_declares_its_etag(document):
    changeable = set().union(*(_success_schema_refs(op) for _, _, op in operations(document) if if_match_parameter(op)))
    offenders = [
        f"{where(method, path)} {status}"
        for method, path, operation in operations(document)
        for status, response in operation["responses"].items()
        if status.startswith("2")
        and _success_schema_refs({"responses": {status: response}}) & changeable
        and "ETag" not in response.get("headers", {})
    ]
    assert not offenders, "responses that carry an object changed with If-Match but declare no ETag:\n" + "\n".join(
        offenders
    )
    reads = [
        op["operationId"]
        for m, _, op in operations(document)
        if m == "get" and "ETag" in op["responses"]["200"].get("headers", {})
    ]
    assert {"visits-read", "reports-read", "providers-read", "public-reports-read", "public-reports-pdf"} <= set(reads)


def test_every_creating_post_declares_idempotency_key_replay_and_location(document):
    offenders = []
    for method, path, operation in operations(document):
        created = operation["responses"].get("201")
        if method != "post" or created is None:
            continue
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        if "Idempotency-Key" not in headers:
            offenders.append(f"{where(method, path)}: no Idempotency-Key parameter")
        if "Idempotent-Replayed" not in created.get("headers", {}):
            offenders.append(f"{where(method, path)}: no Idempotent-Replayed response header")
        if "Location" not in created.get("headers", {}) and operation["operationId"] != "clients-create":
            offenders.append(f"{where(method, path)}: no Location response header")
    assert not offenders, "\n".join(offenders)


FILE_TYPES = {"application/pdf", "text/html", "text/csv", "text/calendar"}


def test_pdf_csv_and_html_responses_are_declared_as_files_not_json(document):
    files: dict[str, str] = {}
    offenders = []
    for method, path, operation in operations(document):
        success = operation["responses"].get("200", {}).get("content", {})
        declared = success.keys() & FILE_TYPES
        if not declared:
            continue
        media_type = declared.pop()
        files[operation["operationId"]] = media_type
        expected = {"type": "string"} if media_type.startswith("text/") else {"type": "string", "format": "binary"}
        if set(success) != {media_type} or success[media_type].get("schema") != expected:
            offenders.append(f"{where(method, path)}: 200 is {success}, expected only {media_type} {expected}")
    assert not offenders, "\n".join(offenders)
    assert files == {
        "reports-pdf": "application/pdf",
        "reports-html": "text/html",
        "public-reports-pdf": "application/pdf",
        "public-reports-html": "text/html",
        "publication-tracker-csv": "text/csv",
        "compliance-csv": "text/csv",
        "council-summaries-pdf": "application/pdf",
        "council-summaries-html": "text/html",
        "calendar-feeds-read": "text/calendar",
    }


def test_every_route_that_answers_a_file_declares_its_media_type(document):
    operations_by_id = by_operation_id(document)
    offenders = []
    for route in router_routes():
        response_class = getattr(route.response_class, "value", route.response_class)
        if response_class is JSONResponse or not route.include_in_schema:
            continue
        _, _, operation = operations_by_id[route.operation_id]
        content = operation["responses"].get(str(route.status_code or 200), {}).get("content", {})
        if not content.keys() & FILE_TYPES:
            offenders.append(f"{route.operation_id}: answers with {response_class.__name__} but declares {content}")
    assert not offenders, "\n".join(offenders)


def _toy_app() -> FastAPI:
    """Two routes that check If-Match on a version-1 object: one declares it, one forgot."""
    app = FastAPI()
    install_error_handlers(app)

    @app.put("/declared", operation_id="toy-declared", dependencies=[NEEDS_IF_MATCH])
    def declared(request: Request) -> dict[str, str]:
        """Change the toy."""
        require_if_match(request, 1)
        return {}

    @app.put("/forgotten", operation_id="toy-forgotten")
    def forgotten(request: Request) -> dict[str, str]:
        """Change the toy without saying so."""
        require_if_match(request, 1)
        return {}

    return app


def test_a_route_that_checks_if_match_without_declaring_it_is_caught():
    app = _toy_app()
    document = build_openapi(app)
    routes = [route for route in app.routes if isinstance(route, APIRoute)]
    assert undeclared_if_match_checks(routes, document) == ["toy-forgotten"]
    declared = if_match_parameter(document["paths"]["/declared"]["put"])
    assert declared is not None and declared["required"] is True
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.put("/declared").status_code == 428
        assert client.put("/declared", headers={IF_MATCH: '"2"'}).status_code == 412
        assert client.put("/declared", headers={IF_MATCH: '"1"'}).status_code == 200
        # The check refuses to run where the contract does not mention it: the route's first test fails.
        assert client.put("/forgotten", headers={IF_MATCH: '"1"'}).status_code == 500
