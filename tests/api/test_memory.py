"""One worker's memory (issue 11): what no request uses is not kept, and a burst of requests holds few threads."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import anyio.to_thread
from fastapi import APIRouter
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from jose import jwt

import api.routers
from api.config import Settings
from api.deps import current_settings
from api.main import create_app
from api.memory import tune_malloc
from api.security import decode_token, issue_local_token
from domain.access import Role
from tests.api.conftest import World

ROOT = Path(__file__).resolve().parents[2]


def module_routes() -> list[APIRoute]:
    routes = []
    for module_info in pkgutil.iter_modules(api.routers.__path__, "api.routers."):
        for router in vars(import_module(module_info.name)).values():
            if isinstance(router, APIRouter):
                routes.extend(route for route in router.routes if isinstance(route, APIRoute))
    return routes


def test_a_module_route_keeps_no_request_handling_of_its_own_once_an_app_includes_it(shared_app):
    routes = module_routes()
    assert len(routes) > 100
    kept = [route.operation_id for route in routes if route.dependant is not None or route.response_field is not None]
    assert kept == []


def test_another_app_built_from_the_same_routers_serves_and_documents_every_route_as_the_first(
    client, app, world: World, settings: Settings
):
    again = create_app(settings)
    again.dependency_overrides[current_settings] = lambda: settings
    assert again.openapi() == app.openapi()
    path = f"/api/v1/providers/{world.provider.id}"
    first = client.get(path, headers=world.headers(Role.ADMIN))
    with TestClient(again, raise_server_exceptions=False) as other:
        second = other.get(path, headers=world.headers(Role.ADMIN))
        invalid = other.get("/api/v1/providers/not-a-uuid", headers=world.headers(Role.ADMIN))
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["location"] == "path.provider_id"


WORKER = """
import asyncio
import sys
from api.config import Settings
from api.main import create_app
from api.memory import tune_malloc
from api.security import decode_token, issue_local_token

settings = Settings(secret_key="k" * 40, database_url="postgresql+psycopg://tilsyn@127.0.0.1:1/tilsyn")
app = create_app(settings)


async def serve_and_stop() -> None:
    async with app.router.lifespan_context(app):
        pass


asyncio.run(serve_and_stop())
token = issue_local_token(settings, "someone", {"typ": "user"}).access_token
assert decode_token(token, settings)[0] == "local"
print(sorted({name.split(".")[0] for name in sys.modules} & {"jose", "cryptography", "httpx", "rich", "icalendar"}))
"""


def test_a_postgresql_worker_without_oidc_loads_no_jose_cryptography_httpx_or_icalendar():
    # jose and cryptography only verify OIDC tokens, httpx only delivers webhooks (the embedded worker is SQLite's),
    # icalendar only writes calendar feeds: 20 MiB of a worker that none of its other requests need.
    done = subprocess.run(
        [sys.executable, "-c", WORKER],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TILSYN_ENVIRONMENT": "development"},
        check=True,
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_a_sqlite_server_loads_no_postgresql_driver():
    # The importer's direct path is psycopg's COPY writer; imported at the top it put 8 MiB of PostgreSQL's driver
    # into every SQLite server (the embedded default) that never imports a file.
    script = WORKER.replace("postgresql+psycopg://tilsyn@127.0.0.1:1/tilsyn", "sqlite://")
    script = script.replace('{"jose", "cryptography", "httpx", "rich", "icalendar"}', '{"psycopg", "psycopg_binary"}')
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TILSYN_ENVIRONMENT": "development",
            "TILSYN_WEBHOOK_WORKER": "off",
        },
        check=True,
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_a_local_token_is_the_hs256_jwt_jose_makes_and_verifies(settings: Settings):
    issued = issue_local_token(settings, "someone", {"typ": "user"}).access_token
    claims = jwt.decode(
        issued,
        settings.secret_key,
        algorithms=["HS256"],
        audience=settings.token_audience,
        issuer=settings.token_issuer,
    )
    assert claims["sub"] == "someone"
    assert issued == jwt.encode(claims, settings.secret_key, algorithm="HS256")
    assert decode_token(issued, settings) == ("local", claims)


async def _threads_for_sync_routes() -> float:
    return anyio.to_thread.current_default_thread_limiter().total_tokens


def test_the_synchronous_routes_run_on_as_many_threads_as_the_setting_allows(settings: Settings):
    app = create_app(settings.model_copy(update={"threadpool_size": 3}))
    with TestClient(app) as client:
        assert client.portal.call(_threads_for_sync_routes) == 3
        assert client.get("/healthz").status_code == 200
    assert Settings(secret_key="k" * 40).threadpool_size == 8


def test_malloc_keeps_two_arenas_and_fixed_thresholds_unless_the_operator_chose(monkeypatch):
    assert tune_malloc() == 3  # glibc, as in the Dockerfile's Debian image
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert tune_malloc() == 2


def test_the_openapi_document_is_kept_as_text_so_no_caller_can_change_what_the_next_one_reads(client: TestClient):
    app = client.app
    first = app.openapi()
    first["info"]["title"] = "changed by a caller"
    first["paths"].clear()

    served = client.get("/openapi.json").json()

    assert served["info"]["title"] != "changed by a caller" and served["paths"]
    assert app.openapi() == served and app.openapi_schema is None  # the dict itself is not kept (about 12 MiB)
