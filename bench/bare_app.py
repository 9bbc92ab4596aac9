"""The yardstick for `python -m bench http`: a bare FastAPI app serving provider-sized objects from a dict.

No database, no authentication, no middleware: what FastAPI and uvicorn cost on their own for the same shapes of
answer as the service's `GET /providers/{id}`, a page of 100 providers and `GET /me`. The bench serves it under the
same uvicorn settings as the service, on the same paths, so only the service's own work differs.
"""

from __future__ import annotations

import uuid

from fastapi import FastAPI

PAGE_SIZE = 100
_MUNICIPALITY_ID = str(uuid.UUID(int=1))


def _provider(i: int) -> dict:
    return {
        "id": str(uuid.UUID(int=1000 + i)),
        "municipality_id": _MUNICIPALITY_ID,
        "name": f"Børnehuset nr. {i}",
        "kind": "municipal_institution",
        "age_groups": ["0-2", "3-5"],
        "dagtilbudsnummer": str(100000 + i),
        "cvr": None,
        "p_number": str(1_000_000_000 + i),
        "street": f"Skolevej {i + 3}",
        "postal_code": "7100",
        "city": "Fjordby",
        "website_url": None,
        "has_parent_board": True,
        "cycle_start": "2025-01-01",
        "status": "active",
        "closed_on": None,
        "closing_reason": None,
        "created_at": "2026-01-01T08:00:00Z",
        "updated_at": "2026-01-01T08:00:00Z",
        "version": 1,
    }


PROVIDERS = {p["id"]: p for p in (_provider(i) for i in range(PAGE_SIZE + 1))}
ME = {
    "subject": str(uuid.UUID(int=7)),
    "kind": "user",
    "name": "Demo tilsynsførende",
    "role": "supervisor",
    "municipality": {"id": _MUNICIPALITY_ID, "name": "Fjordby Kommune", "kommunekode": "999", "cvr": "30000008"},
    "provider_id": None,
    "permissions": [f"permission:{i}" for i in range(30)],
}


def create_app() -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/providers/{provider_id}")
    def read_provider(provider_id: str) -> dict:
        return PROVIDERS.get(provider_id) or next(iter(PROVIDERS.values()))

    @app.get("/api/v1/providers")
    def list_providers(limit: int = 50) -> dict:
        return {"items": list(PROVIDERS.values())[:limit], "next_cursor": "abc"}

    @app.get("/api/v1/me")
    def read_me() -> dict:
        return ME

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    return app


def create_app_with_database() -> FastAPI:
    """The second yardstick: bare FastAPI that reads the same rows from the service's database, the idiomatic way.

    Sync endpoints (so FastAPI runs them in its threadpool), one SQLModel session per request on the service's own
    engine settings, the row by primary key and the page by name, validated into the service's read models. No
    token, no caller lookup, no guards, no middleware, no audit: the distance from here to the service is what its
    security and conventions cost; the distance from `create_app` to here is what reading a database costs at all.
    """
    from sqlalchemy import select as select_rows
    from sqlmodel import Session

    from api.config import get_settings
    from api.db import build_engine
    from api.schemas.identity import MunicipalityRead
    from api.schemas.provider import ProviderPage, ProviderRead
    from api.tables import Municipality, Provider

    settings = get_settings()
    engine = build_engine(settings.database_url, settings)
    app = FastAPI()

    # Models given to the decorators: this module's annotations are strings, and these imports are local.
    @app.get("/api/v1/providers/{provider_id}", response_model=ProviderRead)
    def read_provider(provider_id: uuid.UUID):  # type: ignore[no-untyped-def]
        with Session(engine) as session:
            return ProviderRead.model_validate(session.get(Provider, provider_id))

    @app.get("/api/v1/providers", response_model=ProviderPage)
    def list_providers(limit: int = 50):  # type: ignore[no-untyped-def]
        with Session(engine) as session:
            statement = select_rows(Provider.__table__).order_by(Provider.name, Provider.id).limit(limit)
            rows = session.execute(statement).all()
            items = [ProviderRead.model_validate(row._asdict()) for row in rows]
        return ProviderPage(items=items, next_cursor=None)

    @app.get("/api/v1/me")
    def read_me() -> dict:
        with Session(engine) as session:
            municipality = session.exec(select_rows(Municipality).limit(1)).scalars().first()
            return {**ME, "municipality": MunicipalityRead.model_validate(municipality).model_dump(mode="json")}

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    return app
