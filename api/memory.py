"""What one worker keeps in memory (issue 11, < 150 MB per worker): state built at import that no request uses,
the threads that serve the synchronous routes, and what malloc keeps of what they freed.

FastAPI builds a route's request handling (dependency tree, body and response fields with their pydantic
validators and serializers) when the route is declared on its module's router, and again, for the prefixed path,
the first time a router included in the app is matched. The app only ever serves the second: a request reaches a
module route through the included router, which hands it its own state, and the OpenAPI document is generated
from the included routes too. The first copy (about 6 MiB for the ~180 routes) is what `release_declared_state`
drops, keeping what the included copy is built from (path, endpoint, declared dependencies, response model,
responses, operation id), so building another app from the same routers (as every test does) works as before.
"""

from __future__ import annotations

import contextlib
import ctypes
import os

import anyio.to_thread
from fastapi import FastAPI
from fastapi import routing as fastapi_routing
from fastapi.routing import APIRoute
from starlette.types import Receive, Scope, Send

# FastAPI versions that build an included route's state from the declared route (0.16x's _IncludedRouter).
_INCLUDED_ROUTER = getattr(fastapi_routing, "_IncludedRouter", None)


async def _served_through_the_app(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("a module route is served through the app that includes its router, not on its own")


def _release(route: APIRoute) -> None:
    route.dependant = None  # type: ignore[assignment]
    route.body_field = route.response_field = route.stream_item_field = None
    route.response_fields = {}
    route.app = _served_through_the_app


def release_declared_state(app: FastAPI) -> int:
    """Drop the request handling FastAPI built for each route of an included router; the count of routes released.

    Only where the FastAPI in use serves included routes from state of their own; otherwise nothing changes.
    """
    if _INCLUDED_ROUTER is None:
        return 0
    released = 0
    for included in app.router.routes:
        if isinstance(included, _INCLUDED_ROUTER):
            for route in included.original_router.routes:
                if isinstance(route, APIRoute) and route.app is not _served_through_the_app:
                    _release(route)
                    released += 1
    return released


def limit_threads(size: int) -> None:
    """Run the running event loop's synchronous routes (and commits) on at most `size` threads; call it at startup.

    AnyIO's default is 40. Python runs one thread at a time, so past a few threads more concurrency adds no
    throughput on one process, but each busy thread keeps its own malloc arena and leaves the heap fragmented
    after a burst: with 25 concurrent requests a worker grew by 18 MiB with 40 threads and by 9 MiB with 8.
    Requests beyond `size` wait in the event loop, which costs nothing.
    """
    anyio.to_thread.current_default_thread_limiter().total_tokens = size


# glibc's mallopt parameters (malloc.h) and the values set unless the operator set the MALLOC_*_ variables.
_MALLOPT = {"MALLOC_TRIM_THRESHOLD_": (-1, 128 * 1024), "MALLOC_MMAP_THRESHOLD_": (-3, 128 * 1024)}
_MALLOPT["MALLOC_ARENA_MAX"] = (-8, 2)


def tune_malloc() -> int:
    """On glibc, keep less freed memory: 2 malloc arenas, not 8 per core, and fixed trim and mmap thresholds.

    glibc gives each thread that allocates an arena of its own and keeps what is freed in it; and after a large
    block is freed it raises its mmap and trim thresholds (up to 32 and 64 MiB), so later large blocks come from
    the heap and stay there. Set at startup, before the threadpool's threads exist, the two saved 2-3 MiB of a
    worker after a burst of requests (the bench's tracker round). A MALLOC_* variable set in the environment wins.
    Returns how many settings were applied (0 where the C library has no mallopt).
    """
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    applied = 0
    for variable, (parameter, value) in _MALLOPT.items():
        if mallopt is not None and variable not in os.environ:
            with contextlib.suppress(OSError):
                applied += mallopt(parameter, value) == 1
    return applied
