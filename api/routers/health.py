"""Liveness and readiness, for load balancers and orchestrators (outside /api/v1, no token)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api import db

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="health-live", include_in_schema=True)
def live() -> dict[str, str]:
    """Answer while the process runs."""
    return {"status": "ok"}


@router.get("/readyz", operation_id="health-ready", responses={503: {"description": "The database is unreachable."}})
def ready() -> JSONResponse:
    """Answer 200 when the database is reachable, 503 when not."""
    try:
        with db.session_factory() as session:  # looked up at call time: tests replace the factory
            session.exec(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "reachable"})
