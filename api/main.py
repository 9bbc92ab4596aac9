"""The application factory: routers under /api/v1, problem+json errors, request ids, CORS."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import api.audit  # noqa: F401 - registers the audit listener before any session flushes
from api import headers
from api.config import Settings, get_settings
from api.deps import current_settings
from api.errors import ProblemOnErrorMiddleware, install_error_handlers
from api.events import listener as _outbox  # noqa: F401 - registers the outbox listener beside the audit's
from api.events.catalogue import WEBHOOKS_TAG, install_webhooks
from api.idempotency import IdempotencyMiddleware
from api.input_hygiene import InputHygieneMiddleware
from api.memory import limit_threads, release_declared_state, tune_malloc
from api.openapi import install_openapi
from api.routers import (
    action_plans,
    audit,
    auth,
    calendar,
    calibration,
    changes,
    compliance,
    concern_notices,
    conversations,
    council_summaries,
    follow_up,
    health,
    imports,
    indicators,
    instruments,
    intensified,
    me,
    municipality,
    network_benchmarks,
    network_meetings,
    networks,
    overview,
    own_observations,
    policy,
    policy_drafts,
    providers,
    public,
    publication,
    reports,
    self_assessments,
    shared_practice,
    trends,
    users,
    visits,
    webhooks,
)

API_PREFIX = "/api/v1"
DOCS_URL, REDOC_URL = "/docs", "/redoc"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

DESCRIPTION = """
**tilsyn** runs the pedagogical supervision (pædagogisk tilsyn) that Danish municipalities owe their daycare
under dagtilbudsloven §5 ff.: providers and units, visits, assessments, escalation, action plans and reports.

* Authenticate at `/api/v1/auth/token` (password flow for people, client credentials for integrations),
  then send `Authorization: Bearer <token>`. The **Authorize** button below does this for you.
* Errors are RFC 9457 `application/problem+json`; branch on `type`.
* Reads return an `ETag`; updates must send it back in `If-Match` (428 without, 412 when stale).
* Lists are keyset-paginated: follow `next_cursor` or the `Link: rel="next"` header.
"""

TAGS = [
    {"name": "auth", "description": "Tokens for people (password) and integrations (client credentials)."},
    {"name": "me", "description": "Who you are signed in as."},
    {
        "name": "calendar",
        "description": "Your personal calendar feed (iCalendar): a secret URL with your visits and deadlines.",
    },
    {"name": "municipality", "description": "Your municipality (kommune), the tenant that owns all data."},
    {"name": "providers", "description": "Providers (dagtilbud) and their units (afdelinger, dagplejere)."},
    {"name": "instruments", "description": "Observation instruments (KIDS, ECERS-3, local ones) as versioned data."},
    {"name": "visits", "description": "Visits: plan, observe, hold the dialogue, complete; assessment and escalation."},
    {"name": "follow-up", "description": "After a visit: follow-up dialogue, parent board informed, recommendations."},
    {"name": "concern notices", "description": "Concern notices (bekymringshenvendelser) and their triage."},
    {
        "name": "continuous supervision",
        "description": "Conversations of the continuous supervision (løbende tilsyn) and the follow-ups agreed.",
    },
    {"name": "intensified supervision", "description": "Intensified supervision (skærpet tilsyn) and its end."},
    {
        "name": "action plans",
        "description": "Action plans (handleplaner) on serious concern, with parent-board comments.",
    },
    {
        "name": "own observations",
        "description": "The provider's own observations, shown beside the supervisor's and never counted.",
    },
    {"name": "overview", "description": "What is due, the evidence a visit builds on and a provider's timeline."},
    {
        "name": "reports",
        "description": "Written reports (the report duty of dagtilbudsloven §5): draft, comment, final, published.",
    },
    {
        "name": "publication",
        "description": "The publication tracker: which reports the report duty or the policy asks for, due or overdue.",
    },
    {
        "name": "indicators",
        "description": "The indicator catalogue and indicator values: aggregates per provider or unit and period.",
    },
    {"name": "compliance", "description": "Compliance with the legal minimums, per provider and cycle and in all."},
    {"name": "calibration", "description": "How each supervisor's scores compare with the others': admin only."},
    {"name": "trends", "description": "Trends across supervisions, and context beside the score; no person named."},
    {
        "name": "council summaries",
        "description": "The council's summary of the supervision for its discussion every other year: PDF, HTML, JSON.",
    },
    {
        "name": "networks",
        "description": "Networks of municipalities (KL's partnership): members, participants, meetings, material.",
    },
    {"name": "network benchmarks", "description": "Anonymised benchmarks across a network of municipalities."},
    {
        "name": "self-assessment",
        "description": "A network member's self-assessment of its supervision practice, before and after.",
    },
    {"name": "users", "description": "People who sign in, with their role and, for some roles, their provider."},
    {"name": "integration clients", "description": "Case systems and scripts with scoped client credentials."},
    {"name": "audit", "description": "Who changed what, when and on whose behalf."},
    {
        "name": "webhooks",
        "description": "Webhook subscriptions (Standard Webhooks): signed events to your endpoint, the delivery log.",
    },
    {"name": "changes", "description": "The change feed: what changed, in order, for systems that poll."},
    {"name": "imports", "description": "Imports of the provider register, KIDS history and indicator values."},
    {"name": "policy", "description": "The municipality's supervision policy (tilsynskoncept), versioned."},
    {
        "name": "shared practice",
        "description": "Policies and local instruments members share with their network: compare, adopt as a draft.",
    },
    {"name": "public", "description": "What anyone may read without a token, as the law requires."},
    {"name": "health", "description": "Liveness and readiness for operators."},
]


class RequestIdMiddleware:
    """Give each request an id (the caller's `X-Request-ID` if well formed, else a new one) and echo it back.

    The id is on `request.state.request_id` for problems and the audit trail, and in the response's `X-Request-ID`.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        echoed = (b"x-request-id", request_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", ()) if h[0].lower() != b"x-request-id"]
                headers.append(echoed)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)


def _operation_id(route: APIRoute) -> str:
    # Every route names its operationId explicitly; this fallback only keeps ids readable if one forgets.
    return route.operation_id or route.name.replace("_", "-")


def _import_limit(scope: Scope, settings: Settings) -> int:
    """The upload limit of the settings the routes see (tests override them per app)."""
    app = scope.get("app")
    override = getattr(app, "dependency_overrides", {}).get(current_settings)
    return (override() if override else settings).import_max_bytes


def _lifespan(settings: Settings):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        limit_threads(settings.threadpool_size)  # not AnyIO's 40: a burst on many threads holds memory
        tune_malloc()  # 2 arenas, fixed thresholds: less freed memory kept after a burst (api/memory.py)
        # On the embedded default (SQLite) the server delivers webhooks itself, so `make run` needs no worker.
        # Imported only then: the worker's httpx (with its CLI's rich and pygments) is 9 MiB a server need not hold.
        embedded = None
        if settings.webhook_worker_embedded:
            from api.webhooks.worker import start_embedded

            embedded = start_embedded(settings)
        try:
            yield
        finally:
            if embedded is not None:
                await run_in_threadpool(embedded.stop)  # finishes the deliveries in flight

    return lifespan


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # FastAPIOffline: /docs and /redoc load their scripts from this service, not from a CDN.
    app = FastAPIOffline(
        docs_url=DOCS_URL,
        redoc_url=REDOC_URL,
        title="tilsyn",
        version="1.0.0",
        summary="Pedagogical supervision of daycare for Danish municipalities.",
        description=DESCRIPTION,
        openapi_tags=[*TAGS, WEBHOOKS_TAG],
        generate_unique_id_function=_operation_id,
        swagger_ui_parameters={"persistAuthorization": True},
        license_info={"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        lifespan=_lifespan(settings),
    )
    install_error_handlers(app)
    install_webhooks(app)  # the event catalogue, in the document's `webhooks`
    install_openapi(app)
    # nosniff, Referrer-Policy, no-store on tokens, CSP on HTML: around everything, so 500s carry them too.
    headers.install(app, token_path=f"{API_PREFIX}/auth/token", docs_paths=(DOCS_URL, REDOC_URL))
    # Added before the request-id middleware, so it runs inside it: its problems and replays carry the request id.
    app.add_middleware(IdempotencyMiddleware)
    # Around it: any error that escaped (its own database work included) becomes a problem, never a reset connection.
    app.add_middleware(ProblemOnErrorMiddleware)
    app.add_middleware(InputHygieneMiddleware)  # outside both: text that cannot be stored never reaches a key or a row
    # An import larger than TILSYN_IMPORT_MAX_BYTES is refused with 413 before its body is spooled to disk.
    app.add_middleware(imports.UploadLimit, limit_of=lambda scope: _import_limit(scope, settings))

    # Pure ASGI, not @app.middleware: no BaseHTTPMiddleware task group and response re-wrapping on every request.
    app.add_middleware(RequestIdMiddleware)

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "Idempotency-Key",
                "X-Request-ID",
            ],
            expose_headers=["ETag", "Link", "Location", "X-Request-ID", "Idempotent-Replayed"],
        )

    resources = (auth, me, municipality, policy, providers, instruments, visits, follow_up, concern_notices)
    resources += (conversations,)
    resources += (intensified, action_plans, overview, reports, publication, compliance, users, audit, public)
    resources += (indicators,)
    resources += (imports,)
    resources += (own_observations,)
    resources += (calibration,)
    resources += (trends,)
    resources += (council_summaries,)
    resources += (networks, network_meetings)
    resources += (network_benchmarks,)
    resources += (self_assessments,)
    resources += (policy_drafts, shared_practice)
    resources += (webhooks,)
    resources += (changes,)
    resources += (calendar,)
    # Each resource's router straight onto the app, not through a shared /api/v1 router: FastAPI matches nested
    # routers level by level, and the extra level cost about a sixth of a plain read's time.
    for module in resources:
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(users.clients_router, prefix=API_PREFIX)
    app.include_router(health.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(DOCS_URL)

    release_declared_state(app)  # the app serves its own copy of each route's state: drop the module's (~6 MiB)
    return app
