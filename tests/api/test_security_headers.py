"""Security headers (Done when 4 of issue 10): what a browser or proxy is told about each response.

Tokens are never stored (RFC 6749 §5.1); no response is sniffed or leaks its address as a referrer; every HTML page
carries a Content-Security-Policy; the API docs may not be framed yet still run in a browser, while the public report
page stays embeddable (tests/api/test_public_reports.py).
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from api.config import Settings
from api.headers import SecurityHeadersMiddleware
from api.main import create_app
from domain.access import Role
from tests.api.conftest import World
from tests.api.test_auth import PASSWORD, password_user, sign_in
from tests.api.test_public_reports import run_chromium
from tests.api.test_reports import final_report
from tests.support import reports as r

TOKEN = "/api/v1/auth/token"
DOCS_PAGES = ("/docs", "/redoc", "/docs/oauth2-redirect")


def assert_every_response_headers(response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff", response.headers
    assert response.headers["referrer-policy"] == "no-referrer", response.headers


def assert_not_stored(response) -> None:
    assert response.headers["cache-control"] == "no-store", response.headers
    assert response.headers["pragma"] == "no-cache", response.headers


# --- the token endpoint ------------------------------------------------------------------------------------------


def test_a_token_is_never_kept_in_a_browser_or_proxy_cache(client, db: Session, world: World):
    user = password_user(db, world)
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 200, response.text
    assert "access_token" in response.json()
    assert_not_stored(response)
    assert_every_response_headers(response)


@pytest.mark.parametrize(
    "form",
    [
        {"grant_type": "password", "username": "nobody@example.org", "password": "wrong-password"},
        {"grant_type": "implicit"},
        {},
    ],
    ids=["wrong-password", "unsupported-grant", "no-form"],
)
def test_a_refused_token_request_is_not_stored_either(client, world: World, form: dict[str, str]):
    response = client.post(TOKEN, data=form)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert_not_stored(response)
    assert_every_response_headers(response)


# --- every response ----------------------------------------------------------------------------------------------


def test_every_kind_of_answer_forbids_sniffing_and_sends_no_referrer(client, world: World):
    answers = {
        "read": client.get("/api/v1/me", headers=world.headers(Role.ADMIN)),
        "unauthenticated": client.get("/api/v1/me"),
        "unknown address": client.get("/api/v1/no-such-resource"),
        "invalid query": client.get("/api/v1/providers", params={"limit": "many"}, headers=world.headers(Role.ADMIN)),
        "wrong method": client.delete("/healthz"),
        "health": client.get("/healthz"),
        "openapi": client.get("/openapi.json"),
        "docs script": client.get("/static-offline-docs/swagger-ui-bundle.js"),
    }
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == {
        "read": 200,
        "unauthenticated": 401,
        "unknown address": 404,
        "invalid query": 422,
        "wrong method": 405,
        "health": 200,
        "openapi": 200,
        "docs script": 200,
    }
    for answer in answers.values():
        assert_every_response_headers(answer)
    assert "cache-control" not in answers["read"].headers  # no-store is for the token endpoint, not every read


def test_an_unexpected_error_is_a_problem_with_the_same_headers(settings: Settings):
    app = create_app(settings)  # its own app: the route that fails must not reach the shared one

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("an unforeseen fault")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert_every_response_headers(response)


def page_app():
    async def chosen(_request):
        headers = {"Referrer-Policy": "same-origin", "Content-Security-Policy": "default-src 'self'"}
        return HTMLResponse("<p>framed where it likes</p>", headers=headers)

    async def silent(_request):
        return HTMLResponse("<p>says nothing about itself</p>")

    routes = [Route("/chosen", chosen), Route("/silent", silent)]
    return SecurityHeadersMiddleware(Starlette(routes=routes), token_paths=[], docs_paths=[])


def test_a_header_the_route_chose_is_kept_and_its_own_policy_decides_its_framing():
    response = TestClient(page_app()).get("/chosen")
    assert response.headers.get_list("referrer-policy") == ["same-origin"]
    assert response.headers.get_list("content-security-policy") == ["default-src 'self'"]
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


def test_an_html_page_without_a_policy_of_its_own_may_load_nothing_and_not_be_framed():
    response = TestClient(page_app()).get("/silent")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"


# --- HTML pages --------------------------------------------------------------------------------------------------


@pytest.fixture
def fixed_today(app):
    r.set_today(app, r.SENT_ON)


def test_the_signed_in_report_page_loads_nothing_and_may_not_be_framed(client, db: Session, world: World, fixed_today):
    report = final_report(client, db, world)
    response = client.get(r.report_url(report["id"], "/html"), headers=world.headers(Role.PARENT_BOARD))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src" not in policy  # the page runs no script at all
    assert response.headers["x-frame-options"] == "DENY"
    assert_every_response_headers(response)


@pytest.mark.parametrize("page", DOCS_PAGES)
def test_the_api_docs_may_not_be_framed_and_run_only_their_own_scripts(client, page: str):
    response = client.get(page)
    assert response.status_code == 200, response.text
    assert response.headers["x-frame-options"] == "DENY"
    policy = dict(d.strip().split(" ", 1) for d in response.headers["content-security-policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'"
    assert policy["default-src"] == "'none'"
    # Scripts: this service's own files, and each inline script of the page by its hash; nothing else.
    inline = re.findall(r"<script>(.*?)</script>", response.text, re.S)
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in inline}
    assert set(policy["script-src"].split()) == {"'self'", *hashes}
    assert "unsafe" not in policy["script-src"]
    assert_every_response_headers(response)


# --- in a browser ------------------------------------------------------------------------------------------------


@pytest.fixture
def served(settings: Settings) -> Iterator[str]:
    """The app on a free loopback port, for a browser; the docs need no database."""
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize(
    ("page", "rendered"),
    [("/docs", 'class="opblock-summary-path"'), ("/redoc", 'operation-type post"')],
)
def test_the_api_docs_render_in_a_browser_under_their_policy(served: str, tmp_path: Path, page: str, rendered: str):
    # The time budget lets the scripts run before the DOM is dumped; the log holds the console's CSP reports.
    shown = run_chromium(tmp_path / "profile", "--virtual-time-budget=8000", "--enable-logging=stderr", "--v=0",
                         "--dump-dom", served + page)  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count(rendered) > 10, f"{page} did not render its operations: its scripts did not run"
    assert "/api/v1/auth/token" in shown.stdout
    # Only addresses outside this service may be refused (ReDoc's remote logo); never its own files or inline code.
    refused = re.findall(r'"([^"]*?) violates the following Content Security Policy', shown.stderr)
    for what in refused:
        blocked = re.fullmatch(r"Loading the \w+ '(https?://[^']+)'", what)
        assert blocked and not blocked.group(1).startswith(served), f"{page}: the policy refused {what}"
