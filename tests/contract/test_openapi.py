"""The OpenAPI document is the contract with integrators: committed, current, named, described and secured.

No database: the document is built from the app alone. Each check reports every offender at once.
"""

from __future__ import annotations

import difflib
import inspect
import json
import pkgutil
import re
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute

import api.routers
from api.config import Settings
from api.main import API_PREFIX, create_app

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "openapi" / "openapi.json"
PROBLEM_JSON = "application/problem+json"
OPERATION_ID = re.compile(r"^[a-z]+(-[a-z]+)+$")
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
UNSECURED = {
    ("post", f"{API_PREFIX}/auth/token"),  # where the token is obtained
    ("get", f"{API_PREFIX}/calendar-feeds/{{token}}.ics"),  # calendar programs send no token: the URL is the secret
}
PUBLIC_PREFIX = f"{API_PREFIX}/public/"  # what the law says must be public (§5 stk. 2-3): no token by design


def render(document: dict[str, Any]) -> str:
    """The text `tilsyn openapi` (api/cli.py) writes."""
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(Settings(secret_key="x" * 40)).openapi()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def where(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def test_the_committed_document_is_current(document):
    assert COMMITTED.exists(), f"{COMMITTED.relative_to(ROOT)} is missing: run `make openapi` and commit it"
    committed = COMMITTED.read_text(encoding="utf-8")
    fresh = render(document)
    if committed != fresh:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    fresh.splitlines(keepends=True),
                    "openapi/openapi.json (committed)",
                    "create_app().openapi()",
                )
            )[:80]
        )
        pytest.fail(f"openapi/openapi.json is out of date with the code: run `make openapi` and commit it.\n{diff}")


def test_operation_ids_are_unique_kebab_case(document):
    ids = [operation.get("operationId") for _, _, operation in operations(document)]
    malformed = [
        f"{where(method, path)}: {operation.get('operationId')!r}"
        for method, path, operation in operations(document)
        if not OPERATION_ID.fullmatch(operation.get("operationId") or "")
    ]
    assert not malformed, f"operationIds must look like `providers-list`: {malformed}"
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate operationIds: {duplicates}"


def _route_docstrings() -> dict[str, str]:
    """operationId -> the route function's docstring, from every router module under api/routers."""
    docstrings: dict[str, str] = {}
    for module_info in pkgutil.iter_modules(api.routers.__path__, "api.routers."):
        module = import_module(module_info.name)
        for router in vars(module).values():
            if isinstance(router, APIRouter):
                for route in router.routes:
                    if isinstance(route, APIRoute) and route.operation_id:
                        docstrings[route.operation_id] = inspect.getdoc(route.endpoint) or ""
    return docstrings


def test_every_operation_has_a_summary_from_its_docstring(document):
    docstrings = _route_docstrings()
    offenders = []
    for method, path, operation in operations(document):
        summary = (operation.get("summary") or "").strip()
        docstring = docstrings.get(operation.get("operationId"), "")
        if not docstring:
            offenders.append(f"{where(method, path)}: the route function has no docstring")
        elif not summary or not docstring.startswith(summary.rstrip(".")):
            offenders.append(f"{where(method, path)}: summary {summary!r} is not from the docstring {docstring!r}")
    assert not offenders, "every operation's summary is its docstring's first sentence:\n" + "\n".join(offenders)


def test_every_operation_has_a_declared_and_described_tag(document):
    untagged = [where(method, path) for method, path, operation in operations(document) if not operation.get("tags")]
    assert not untagged, f"operations without a tag: {untagged}"
    declared = {tag["name"]: tag.get("description", "") for tag in document.get("tags", [])}
    used = {tag for _, _, operation in operations(document) for tag in operation.get("tags", [])}
    undeclared = sorted(used - declared.keys())
    assert not undeclared, f"tags used but not declared in the top-level `tags`: {undeclared}"
    undescribed = sorted(tag for tag in used if not declared[tag].strip())
    assert not undescribed, f"declared tags without a description: {undescribed}"


def _referenced(schemas: dict[str, Any], ref: str) -> dict[str, Any]:
    return schemas.get(ref.removeprefix("#/components/schemas/"), {})


def test_every_schema_property_is_described(document):
    schemas = document.get("components", {}).get("schemas", {})
    offenders = []
    for name, schema in schemas.items():
        for prop, definition in schema.get("properties", {}).items():
            if (definition.get("description") or "").strip():
                continue
            if (
                set(definition) == {"$ref"}
                and (_referenced(schemas, definition["$ref"]).get("description") or "").strip()
            ):
                continue  # described by the schema it points to
            offenders.append(f"{name}.{prop}")
    assert not offenders, f"schema properties without a description ({len(offenders)}): {offenders}"


def test_every_path_and_query_parameter_is_described(document):
    offenders = []
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            for parameter in [*shared, *operation.get("parameters", [])]:
                if parameter.get("in") in {"path", "query"} and not (parameter.get("description") or "").strip():
                    offenders.append(f"{where(method, path)}: {parameter['in']} parameter {parameter['name']!r}")
    assert not offenders, "parameters without a description:\n" + "\n".join(offenders)


def test_every_4xx_response_is_problem_json(document):
    offenders = []
    for method, path, operation in operations(document):
        for status, response in operation.get("responses", {}).items():
            if not status.startswith("4"):
                continue
            content = response.get("content", {})
            if set(content) != {PROBLEM_JSON} or "schema" not in content[PROBLEM_JSON]:
                offenders.append(f"{where(method, path)} {status}: {sorted(content)}")
    assert not offenders, (
        f"every 4xx must be documented as {PROBLEM_JSON} only, with its schema (the API never sends "
        "anything else for an error):\n" + "\n".join(offenders)
    )


def test_every_api_operation_except_the_token_endpoint_requires_the_oauth2_scheme(document):
    schemes = document.get("components", {}).get("securitySchemes", {})
    oauth2 = {name for name, scheme in schemes.items() if scheme.get("type") == "oauth2"}
    assert oauth2, "no OAuth2 security scheme is declared in components.securitySchemes"
    offenders = [
        where(method, path)
        for method, path, operation in operations(document)
        if path.startswith(f"{API_PREFIX}/")
        and (method, path) not in UNSECURED
        and not path.startswith(PUBLIC_PREFIX)
        and not any(requirement.keys() & oauth2 for requirement in operation.get("security", []))
    ]
    assert not offenders, f"operations under {API_PREFIX} without the OAuth2 security requirement: {offenders}"


# --- what a request may send -------------------------------------------------------------------------------------

# A string with one of these is bounded by it (a date, a uuid, an e-mail address, one of a list of values).
_BOUNDED_BY = ("format", "enum", "pattern", "const", "maxLength")


def _request_strings(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every string schema a request body can hold, named by where it is, following `$ref`s once each."""
    schemas = document["components"]["schemas"]
    seen: set[str] = set()

    def walk(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from walk(item, f"{where}[{i}]")
        elif isinstance(node, dict):
            if node.get("type") == "string":
                yield where, node
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/") and ref not in seen:
                seen.add(ref)
                name = ref.rsplit("/", 1)[-1]
                yield from walk(schemas[name], name)
            for key, value in node.items():
                if key not in ("$ref", "examples", "example", "default"):
                    yield from walk(value, f"{where}.{key}")

    for method, path, operation in operations(document):
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            yield from walk(media.get("schema", {}), f"{where(method, path)} {media_type}")


def _bounded(schema: dict[str, Any]) -> bool:
    if set(_BOUNDED_BY) & set(schema):
        return True
    # A file upload is bounded in bytes by the server (a 413 problem beyond it), which maxLength, counting characters,
    # cannot say: its description must.
    return "contentMediaType" in schema and "413" in schema.get("description", "")


def test_every_free_text_a_request_can_send_has_a_documented_maximum_length():
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    unbounded = sorted({where for where, schema in _request_strings(document) if not _bounded(schema)})
    assert not unbounded, f"string properties of request bodies without maxLength (or format/enum/pattern): {unbounded}"


def test_every_operation_that_reads_a_body_documents_the_400_for_a_body_it_cannot_parse(document):
    undocumented = [
        where(method, path)
        for method, path, operation in operations(document)
        if "requestBody" in operation
        and PROBLEM_JSON not in operation.get("responses", {}).get("400", {}).get("content", {})
    ]
    assert not undocumented, f"operations that read a body without a 400 problem response: {undocumented}"
