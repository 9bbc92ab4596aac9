"""Text a database cannot store is refused at the door: in the query string, the path and the headers.

Bodies are checked by the schemas (api/schemas/common.py's InputModel); this pure ASGI middleware checks what
reaches the routes before any schema does. A NUL or another C0 control character (domain/text.py) in a query
parameter (name or value), in the path, or in a header (the credentials of HTTP Basic included, which the token
endpoint decodes) is a 422 problem naming where it is (`query.q`, `header.X-Request-ID`), before any route runs,
so nothing reaches the database: PostgreSQL would fail on it and SQLite would store it.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import problem_response
from domain.errors import ErrorCode
from domain.text import printable, unstorable_problem


def header_name(raw: bytes) -> str:
    """A header's name as the documentation spells it: `x-request-id` -> `X-Request-ID`."""
    parts = raw.decode("latin-1").split("-")
    return "-".join("ID" if part.lower() == "id" else part.capitalize() for part in parts)


def _basic_credentials(value: str) -> str:
    if value[:6].lower() != "basic ":
        return ""
    try:
        return base64.b64decode(value[6:], validate=False).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return ""


def problems(scope: Scope) -> list[dict[str, str | None]]:
    """Every place in the request line and headers that holds unstorable text, with why."""
    found: list[dict[str, str | None]] = []

    def check(location: str, value: str) -> None:
        problem = unstorable_problem(value)
        if problem:
            found.append({"location": location, "pointer": None, "detail": problem})

    check("path", scope.get("path", ""))  # the server has percent-decoded it already
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True) if query else ():
        problem = unstorable_problem(name) or unstorable_problem(value)
        if problem:
            found.append({"location": f"query.{printable(name)}", "pointer": None, "detail": problem})
    for raw_name, raw_value in scope.get("headers", []):
        value = raw_value.decode("latin-1")
        text = raw_name.decode("latin-1") + value
        basic = _basic_credentials(value) if raw_name.lower() == b"authorization" else ""
        if unstorable_problem(text) or unstorable_problem(basic):  # the location is spelled only when needed
            location = f"header.{printable(header_name(raw_name))}"
            check(location, text)
            check(location, basic)
    return found


class InputHygieneMiddleware:
    """Answer 422 problem+json when the query, path or headers hold text that cannot be stored."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        errors = problems(scope)
        if not errors:
            await self.app(scope, receive, send)
            return
        names = ", ".join(dict.fromkeys(str(e["location"]) for e in errors))
        detail = f"The request holds text that cannot be stored: {names}. Nothing was changed."
        response = problem_response(Request(scope), ErrorCode.INVALID_INPUT, detail, errors)
        await response(scope, receive, send)
