"""Security headers on every response, as a pure ASGI middleware that touches only `http.response.start`.

- Every response, problems and 404s included: `X-Content-Type-Options: nosniff` (a browser must not guess that a
  JSON or text body is HTML) and `Referrer-Policy: no-referrer` (addresses carry report and visit ids, which another
  site has no business learning from a link).
- The token endpoint: `Cache-Control: no-store` and `Pragma: no-cache` on every answer, as RFC 6749 §5.1 asks, so
  no browser or proxy keeps a token (nor a refusal that says which client tried).
- The API documentation (`/docs`, its OAuth2 redirect page and `/redoc`): a Content-Security-Policy that lets the
  scripts and styles this service serves itself run and nothing else (each inline script is allowed by its SHA-256
  hash, computed from the page as served), and may not be framed (`frame-ancestors 'none'`, `X-Frame-Options: DENY`),
  so no other site can dress up the Authorize dialog.
- Any other HTML page that set no policy of its own gets the strictest one: it may load nothing and not be framed.
  A page that set its own policy keeps it, and its framing with it (no `X-Frame-Options` is added).

A header that a route set itself is never overwritten: the public report page chooses its own policy, which lets
any site embed it. HSTS is left to the TLS proxy in front of the service (see the README's Production section):
only the proxy knows whether the address the client used is HTTPS.

`install(app)` wraps the whole application, Starlette's ServerErrorMiddleware included, so an unexpected error's
500 problem carries the headers as well.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

EVERY_RESPONSE = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"))
NOT_STORED = ((b"cache-control", b"no-store"), (b"pragma", b"no-cache"))
# An HTML page that said nothing about itself may load nothing and may not be framed.
STRICT_HTML = (
    (b"content-security-policy", b"default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
)
# Swagger UI and ReDoc: their bundles, styles and favicon come from this service ('self'); both inject styles at
# run time ('unsafe-inline' for styles only), show inline SVG (data:), fetch the OpenAPI document and, in Swagger's
# "Try it out", the API itself ('self'); ReDoc runs its search in a worker made from a blob.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def docs_policy(page: bytes) -> bytes:
    """The documentation page's policy: 'self' plus the hash of each inline script that `page` holds."""
    digests = (base64.b64encode(hashlib.sha256(script).digest()).decode() for script in _INLINE_SCRIPT.findall(page))
    return DOCS_POLICY.format(hashes="".join(f" 'sha256-{digest}'" for digest in digests)).encode()


def _with_defaults(headers: list[tuple[bytes, bytes]], defaults: Iterable[tuple[bytes, bytes]]) -> None:
    present = {name.lower() for name, _ in headers}
    headers.extend((name, value) for name, value in defaults if name not in present)


def _has(headers: list[tuple[bytes, bytes]], wanted: bytes) -> bool:
    return any(name.lower() == wanted for name, _ in headers)


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(name.lower() == b"content-type" and value.lower().startswith(b"text/html") for name, value in headers)


class SecurityHeadersMiddleware:
    """Add the headers above to each response without overwriting any that the route set."""

    def __init__(self, app: ASGIApp, *, token_paths: Iterable[str], docs_paths: Iterable[str]) -> None:
        self.app = app
        self.token_paths = frozenset(token_paths)
        self.docs_paths = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = _route_path(scope)
        if path in self.docs_paths:
            await self._documentation(scope, receive, send)
            return
        extra = NOT_STORED if path in self.token_paths else ()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                _with_defaults(headers, (*EVERY_RESPONSE, *extra))
                if _is_html(headers) and not _has(headers, b"content-security-policy"):
                    headers.extend(STRICT_HTML)  # a page with its own policy decides its framing too
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _documentation(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The pages are a few kilobytes: hold the body back to hash its inline scripts, then send it whole.
        start: Message | None = None
        body = bytearray()

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            headers = list(start.get("headers", []))
            html = _is_html(headers)
            defaults = [*EVERY_RESPONSE]
            if html:
                defaults += [(b"content-security-policy", docs_policy(bytes(body))), (b"x-frame-options", b"DENY")]
            _with_defaults(headers, defaults)
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": bytes(body)})

        await self.app(scope, receive, hold)


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def install(app: FastAPI, *, token_path: str, docs_paths: Iterable[str]) -> None:
    """Wrap the whole app, error middleware included, so that every response gets the headers."""
    build = app.build_middleware_stack
    docs = [*docs_paths, app.swagger_ui_oauth2_redirect_url or ""]

    def build_with_headers() -> ASGIApp:
        return SecurityHeadersMiddleware(build(), token_paths=[token_path], docs_paths=docs)

    # Starlette builds its stack on the first request, ServerErrorMiddleware outermost; this puts ours around it.
    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
