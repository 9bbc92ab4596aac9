"""Every error is RFC 9457 problem+json. The one table below maps error codes to status and title."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.errors import DomainError, ErrorCode

log = logging.getLogger("tilsyn.errors")
PROBLEM_MEDIA_TYPE = "application/problem+json"
# A URN, not a URL: stable without owning a domain. Each slug is documented in docs/problems.md.
PROBLEM_BASE = "urn:tilsyn:problem:"
BUSY = "busy"
BUSY_RETRY_AFTER_S = 1


@dataclass(frozen=True)
class ProblemKind:
    status: int
    title: str


# The stable `type` of each problem is PROBLEM_BASE + slug; integrators branch on it. Never rename a slug.
PROBLEMS: dict[str, ProblemKind] = {
    ErrorCode.NOT_FOUND: ProblemKind(404, "Not found"),
    ErrorCode.INVALID_INPUT: ProblemKind(422, "Invalid input"),
    ErrorCode.CONFLICT: ProblemKind(409, "Conflict with the current state"),
    ErrorCode.DUPLICATE: ProblemKind(409, "Already exists"),
    ErrorCode.FORBIDDEN: ProblemKind(403, "Not allowed for your role"),
    ErrorCode.UNAUTHENTICATED: ProblemKind(401, "Authentication required"),
    ErrorCode.PRECONDITION_FAILED: ProblemKind(412, "The resource has changed"),
    ErrorCode.PRECONDITION_REQUIRED: ProblemKind(428, "If-Match header required"),
    "method-not-allowed": ProblemKind(405, "Method not allowed"),
    "bad-request": ProblemKind(400, "Bad request"),
    "invalid-grant": ProblemKind(400, "Invalid credentials or grant"),
    "too-many-attempts": ProblemKind(429, "Too many failed sign-in attempts"),
    ErrorCode.TOO_LARGE: ProblemKind(413, "The upload is too large"),
    "internal-error": ProblemKind(500, "Internal error"),
    BUSY: ProblemKind(503, "Busy; retry shortly"),
}


class ProblemError(BaseModel):
    """One invalid input value."""

    location: str = Field(description="Where the value is, as a dotted path, e.g. `body.p_number` or `query.limit`.")
    pointer: str | None = Field(None, description="JSON Pointer into the request body (RFC 6901), when in the body.")
    detail: str = Field(description="What is wrong with the value, in plain words.")


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = Field(description="Stable URI identifying the kind of problem; branch on this.")
    title: str = Field(description="Short human summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong in this case, in plain words.")
    instance: str | None = Field(None, description="The request path that failed.")
    request_id: str | None = Field(None, description="Quote this id when asking for support.")
    errors: list[ProblemError] = Field(default_factory=list, description="Each invalid input value, where it is.")


def problem_response(
    request: Request,
    slug: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    kind = PROBLEMS[slug]
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": kind.title,
        "status": kind.status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": getattr(request.state, "request_id", None),
        "errors": errors or [],
        **(extra or {}),
    }
    return JSONResponse(body, status_code=kind.status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _pointer(loc: tuple[Any, ...]) -> str | None:
    if not loc or loc[0] != "body":
        return None
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in loc[1:])


def _body_pointer(location: str) -> str | None:
    """`body.policy.bands.2` -> `/policy/bands/2`, the same pointer a schema validation error carries."""
    if not location.startswith("body."):
        return None
    return _pointer(("body", *location.removeprefix("body.").split(".")))


def _message(error: dict[str, Any]) -> str:
    msg = str(error.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")


async def _on_domain_error(request: Request, exc: DomainError) -> JSONResponse:
    errors = [
        {"location": v.location, "pointer": _body_pointer(v.location), "detail": v.message} for v in exc.violations
    ]
    headers = {"WWW-Authenticate": "Bearer"} if exc.code is ErrorCode.UNAUTHENTICATED else None
    return problem_response(request, exc.code, exc.detail, errors, headers)


def _located(error: dict[str, Any]) -> dict[str, Any]:
    loc = tuple(error["loc"])
    if error.get("type") == "json_invalid":  # FastAPI puts the character position where a field name belongs
        return {
            "location": "body",
            "pointer": _pointer(("body",)),
            "detail": f"The body is not valid JSON (at character {loc[-1]}).",
        }
    return {"location": ".".join(str(part) for part in loc), "pointer": _pointer(loc), "detail": _message(error)}


async def _on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [_located(e) for e in exc.errors()]
    names = ", ".join(dict.fromkeys(err["location"] for err in errors))
    return problem_response(request, ErrorCode.INVALID_INPUT, f"The request has invalid values: {names}.", errors)


def _allowed_methods(request: Request) -> list[str]:
    """Every method the path supports (RFC 9110 §15.5.6), read from the OpenAPI document's path templates.

    Starlette names only the methods of the first route that matched the path, which misleads clients.
    """
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\{[^/]+\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods |= {method.upper() for method in operations}
    return sorted(methods)


async def _on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    slug = {404: ErrorCode.NOT_FOUND, 405: "method-not-allowed", 401: ErrorCode.UNAUTHENTICATED}.get(
        exc.status_code, "bad-request"
    )
    detail = exc.detail if isinstance(exc.detail, str) else PROBLEMS[slug].title
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 404 and detail == "Not Found":
        detail = "There is no resource at this path."
    if exc.status_code == 400 and detail == "There was an error parsing the body":  # FastAPI's words
        detail = "The body cannot be parsed: it is not valid JSON (or form data) in UTF-8 text. Nothing was changed."
    if exc.status_code == 405:
        allowed = _allowed_methods(request)
        headers["Allow"] = ", ".join(allowed) or headers.get("Allow", "")
        detail = f"{request.method} is not supported here; use {' or '.join(allowed)}."
    response = problem_response(request, slug, detail, headers=headers or None)
    response.status_code = exc.status_code
    return response


async def _on_stale(request: Request, _exc: StaleDataError) -> JSONResponse:
    # Two updates passed the If-Match check at the same moment; the database let only the first through.
    return problem_response(
        request,
        ErrorCode.PRECONDITION_FAILED,
        "Someone changed the resource while your update was underway; read it again and retry. Nothing was changed.",
    )


async def _on_integrity(request: Request, _exc: IntegrityError) -> JSONResponse:
    # The services check uniqueness first; this catches the race where two requests pass that check at once.
    return problem_response(
        request, ErrorCode.CONFLICT, "The change conflicts with data saved at the same moment; nothing was saved."
    )


# SQLite: SQLITE_BUSY and SQLITE_LOCKED (the low byte of extended codes such as SQLITE_BUSY_SNAPSHOT).
_SQLITE_CONTENTION = {5, 6}
# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available (lock_timeout).
_POSTGRES_CONTENTION = {"40001", "40P01", "55P03"}


def is_contention(exc: BaseException) -> bool:
    """Whether `exc` means the database was busy: a lock not had in time, a deadlock, or no free connection."""
    if isinstance(exc, PoolTimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    original = exc.orig
    sqlite_code = getattr(original, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int):
        return sqlite_code & 0xFF in _SQLITE_CONTENTION
    if getattr(original, "sqlstate", None) in _POSTGRES_CONTENTION:
        return True
    return "database is locked" in str(original)


def problem_for_exception(request: Request, exc: Exception) -> JSONResponse:
    """The problem for an exception no specific handler took: 503 busy for contention, otherwise a 500."""
    if is_contention(exc):
        log.warning("database busy on %s %s: %s", request.method, request.url.path, exc)
        detail = "The service is busy with other changes and could not get to yours in time; nothing was saved."
        return problem_response(request, BUSY, detail, headers={"Retry-After": str(BUSY_RETRY_AFTER_S)})
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(request, "internal-error", "Something went wrong on our side; nothing was saved.")


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    return problem_for_exception(request, exc)


class ProblemOnErrorMiddleware:
    """Any exception that reaches it becomes a problem response, so the connection stays usable.

    Starlette hands an exception no handler took to its outermost middleware, which answers 500 and then re-raises;
    the server closes the connection, and a client's next request on it is reset. This answers instead. It sits
    outside the idempotency middleware, so that middleware's own database work is covered too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if started:  # part of an answer is on its way; nothing better can be sent now
                raise
            await problem_for_exception(Request(scope, receive), exc)(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _on_domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _on_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _on_http_error)  # type: ignore[arg-type]
    app.add_exception_handler(StaleDataError, _on_stale)  # type: ignore[arg-type]
    app.add_exception_handler(IntegrityError, _on_integrity)  # type: ignore[arg-type]
    app.add_exception_handler(OperationalError, _on_unexpected)  # type: ignore[arg-type]
    app.add_exception_handler(PoolTimeoutError, _on_unexpected)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _on_unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route can give."""
    texts = {
        400: "Bad request.",
        401: "No valid token.",
        403: "Your role may not do this.",
        404: "Not found, or not visible to you.",
        409: "Conflicts with the current state.",
        412: "The If-Match ETag is stale: someone changed the resource. Re-read and retry.",
        413: "The upload is larger than the service accepts (TILSYN_IMPORT_MAX_BYTES).",
        422: "Invalid input; `errors` names each invalid value.",
        428: "An If-Match header with the resource's ETag is required.",
        429: "Too many failed sign-in attempts: wait the seconds in `Retry-After`.",
        503: "Busy with other changes; nothing was saved. Retry after `Retry-After` seconds.",
    }
    return {s: {"model": Problem, "description": texts[s], "content": {PROBLEM_MEDIA_TYPE: {}}} for s in statuses}
