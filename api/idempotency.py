"""Idempotency-Key on POST: a retried request gets the first response instead of creating a second record.

An integration that lost the answer to a POST (a timeout, a dropped connection) cannot tell whether the record
was made. With the same `Idempotency-Key` it may simply send the request again: the service answers with the
first response, marked `Idempotent-Replayed: true`, and creates nothing. Keys are per caller (the token's `sub`).

This is a pure ASGI middleware rather than a BaseHTTPMiddleware: it has to read the raw body before the route
does, and hold back the response until it is stored. Its state lives in `IdempotencyRecord`, written through
its own session and committed on its own, apart from the request's transaction: the `in_flight` marker must be
visible to a concurrent retry before the request's own work commits, and a request that fails must not take the
marker's removal down with it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import api.db
from api.config import get_settings
from api.deps import current_settings, jwks_for
from api.errors import problem_response
from api.security import TokenError, decode_token
from api.tables import IdempotencyRecord
from api.tables.base import utcnow
from domain.errors import ErrorCode

log = logging.getLogger("tilsyn.idempotency")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
LOCATION = "header.Idempotency-Key"
_VALID_KEY = re.compile(r"[\x20-\x7e]{1,200}")  # printable ASCII, as header values are in practice
_KEPT_HEADERS = ("location", "etag", "content-type")  # what a replay must repeat; the rest is per response
IN_FLIGHT, COMPLETED = "in_flight", "completed"
# No request runs this long; an in-flight marker older than this was left by a process that died, and
# keeping it would answer every retry with 409 forever.
ABANDONED_AFTER = timedelta(minutes=5)
# As with the common practice (Stripe, the IETF idempotency-key draft): a key is remembered for a day.
KEY_LIFETIME = timedelta(hours=24)


def expired(record: IdempotencyRecord, now: datetime) -> bool:
    """Whether a stored key no longer binds: abandoned while in flight, or past its lifetime."""
    if record.state == IN_FLIGHT:
        return record.created_at < now - ABANDONED_AFTER
    return (record.completed_at or record.created_at) < now - KEY_LIFETIME


def purge_expired(session: Session, now: datetime) -> int:
    """Delete every expired key; returns how many. Run by `tilsyn purge-idempotency-keys`."""
    rows = [r for r in session.exec(select(IdempotencyRecord)) if expired(r, now)]
    for row in rows:
        session.delete(row)
    return len(rows)


# A response holding a credential (a new client's secret, shown once) is never written to this table: the service
# keeps only hashes of secrets. Such a POST is simply run again on a retry, as without a key.
_CREDENTIAL_FIELD = re.compile(r"(secret|password|token)$", re.IGNORECASE)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _render(body: Any) -> bytes:
    # Byte for byte what FastAPI's JSONResponse sends, so a replay equals the first answer.
    return json.dumps(body, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")


def _fingerprint(scope: Scope, body: bytes) -> str:
    """What must match for a key to be replayed: the method, the path (with its query) and the raw body."""
    digest = hashlib.sha256()
    for part in (scope["method"].encode(), scope.get("raw_path") or scope["path"].encode(), scope["query_string"]):
        digest.update(part + b"\n")
    digest.update(body)
    return digest.hexdigest()


def _subject(scope: Scope) -> str | None:
    """The verified caller's `sub`, or None without a valid bearer token (the route then answers 401)."""
    authorization = _header(scope, b"authorization") or ""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    app = scope.get("app")
    overrides = getattr(app, "dependency_overrides", {})
    settings = overrides.get(current_settings, get_settings)()  # the settings the routes see, in tests too
    try:
        _origin, claims = decode_token(token.strip(), settings, jwks_for(settings))
    except TokenError:
        return None
    subject = claims.get("sub")
    return str(subject)[:200] if subject else None


def _session() -> Session:
    # Every use here reads the key's row and then writes it: a write transaction from the start (on SQLite,
    # BEGIN IMMEDIATE), so a concurrent request waits for the lock instead of failing to upgrade it.
    return api.db.write_session()


def _claim(subject: str, key: str, scope: Scope, fingerprint: str) -> IdempotencyRecord | None:
    """The existing record for (subject, key), or None after inserting and committing an `in_flight` one.

    Raises IntegrityError when a concurrent request inserted the same key first.
    """
    with _session() as session:
        found = session.exec(
            select(IdempotencyRecord).where(IdempotencyRecord.subject == subject, IdempotencyRecord.key == key)
        ).first()
        if found is not None and not expired(found, utcnow()):
            return found
        if found is not None:  # a dead process's marker, or a key past its lifetime: start afresh
            session.delete(found)
            session.flush()
        session.add(
            IdempotencyRecord(
                subject=subject,
                key=key,
                method=scope["method"][:10],
                path=scope["path"][:500],
                body_hash=fingerprint,
                state=IN_FLIGHT,
            )
        )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            raise
        return None


def _complete(subject: str, key: str, status: int, body: Any, headers: dict[str, str]) -> None:
    with _session() as session:
        record = session.exec(
            select(IdempotencyRecord).where(IdempotencyRecord.subject == subject, IdempotencyRecord.key == key)
        ).one()
        record.state = COMPLETED
        record.response_status = status
        record.response_body = body
        record.response_headers = headers
        record.completed_at = utcnow()
        session.add(record)
        session.commit()


def _release(subject: str, key: str) -> None:
    """Forget the key, so a retry runs the request again (after a server error, nothing was saved)."""
    with _session() as session:
        record = session.exec(
            select(IdempotencyRecord).where(IdempotencyRecord.subject == subject, IdempotencyRecord.key == key)
        ).first()
        if record is not None:
            session.delete(record)
            session.commit()


class IdempotencyMiddleware:
    """Replays the stored response of a POST whose `Idempotency-Key` this caller has used before."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        key = _header(scope, HEADER.lower().encode())
        if key is None:
            await self.app(scope, receive, send)
            return
        if not _VALID_KEY.fullmatch(key):
            detail = f"The {HEADER} header must be 1 to 200 printable ASCII characters."
            await _problem(scope, receive, send, "bad-request", detail)
            return
        subject = await run_in_threadpool(_subject, scope)
        if subject is None:
            await self.app(scope, receive, send)
            return
        body, receive = await _buffer_request(receive)
        fingerprint = _fingerprint(scope, body)
        try:
            record = await run_in_threadpool(_claim, subject, key, scope, fingerprint)
        except IntegrityError:
            await _in_flight(scope, receive, send)
            return
        if record is None:
            await self._run_and_store(scope, receive, send, subject, key)
        elif record.state != COMPLETED:
            await _in_flight(scope, receive, send)
        elif record.body_hash != fingerprint:
            detail = (
                f"This {HEADER} was already used for a different request (another body, path or method); "
                "use a new key for a new request."
            )
            await _problem(scope, receive, send, ErrorCode.INVALID_INPUT, detail)
        else:
            await _replay(record, send)

    async def _run_and_store(self, scope: Scope, receive: Receive, send: Send, subject: str, key: str) -> None:
        start: Message = {}
        chunks: list[bytes] = []

        async def hold(message: Message) -> None:
            # Nothing reaches the client until the response is stored: a retry must never see a half-finished key.
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(scope, receive, hold)
        except BaseException:
            # The request's own error is what the client must hear about; a failure to forget the key is only
            # logged (the marker then counts as abandoned after ABANDONED_AFTER).
            try:
                await run_in_threadpool(_release, subject, key)
            except Exception:
                log.exception("could not forget an idempotency key after a failed request")
            raise
        status, raw = int(start.get("status", 500)), b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", [])]
        try:
            await run_in_threadpool(_store_or_release, subject, key, status, raw, headers)
        except Exception:
            # The client still gets its answer. The key is forgotten if possible, so a retry is not refused as
            # in flight forever; it then runs again, as it would without a key.
            log.exception("could not store the response for an idempotency key")
            with suppress(Exception):
                await run_in_threadpool(_release, subject, key)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": raw})


async def _in_flight(scope: Scope, receive: Receive, send: Send) -> None:
    detail = "A request with this key is still being processed; retry later."
    response = problem_response(Request(scope, receive), ErrorCode.CONFLICT, detail, headers={"Retry-After": "1"})
    await response(scope, receive, send)


async def _problem(scope: Scope, receive: Receive, send: Send, slug: str, detail: str) -> None:
    """A problem about the key itself, naming the header as the invalid input."""
    errors = [{"location": LOCATION, "pointer": None, "detail": detail}]
    await problem_response(Request(scope, receive), slug, detail, errors)(scope, receive, send)


async def _buffer_request(receive: Receive) -> tuple[bytes, Receive]:
    """Read the whole body, and a `receive` that hands it to the route as if it came from the client."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away; the route will see an empty body and the request ends there
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body, delivered = b"".join(chunks), False

    async def replay_receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay_receive


def _store_or_release(subject: str, key: str, status: int, raw: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    if status >= 500:
        _release(subject, key)
        return
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        # Only JSON can be stored; a response that is not JSON cannot be replayed, so the key is not kept.
        _release(subject, key)
        return
    no_store = any(k.lower() == b"cache-control" and b"no-store" in v.lower() for k, v in headers)
    if no_store or (isinstance(body, dict) and any(_CREDENTIAL_FIELD.search(str(name)) for name in body)):
        _release(subject, key)
        return
    kept = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in headers if k.lower().decode() in _KEPT_HEADERS}
    _complete(subject, key, status, body, kept)


async def _replay(record: IdempotencyRecord, send: Send) -> None:
    raw = _render(record.response_body) if record.response_body is not None else b""
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (record.response_headers or {}).items()]
    headers += [(b"content-length", str(len(raw)).encode()), (REPLAYED_HEADER.lower().encode(), b"true")]
    await send({"type": "http.response.start", "status": record.response_status or 200, "headers": headers})
    await send({"type": "http.response.body", "body": raw})
