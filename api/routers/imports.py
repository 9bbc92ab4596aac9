"""Imports: upload a file of providers, KIDS history or indicator values; poll the run; page its errors."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Query, Request, Response, UploadFile, status
from fastapi import Path as PathParam
from sqlmodel import Session

from api.deps import SessionDep, SettingsDep, require
from api.errors import problem_response, problem_responses
from api.pagination import DEFAULT_LIMIT, link_next
from api.principal import Principal
from api.schemas.common import Limit
from api.schemas.imports import ERRORS_INLINE, ImportErrorPage, ImportPage, ImportRead, ImportRowErrorRead
from api.services import imports as service
from api.tables import ImportRun
from domain.access import Permission
from domain.errors import DomainError, ErrorCode
from domain.imports import ImportKind, ImportMode
from domain.text import unstorable_problem

router = APIRouter(tags=["imports"])
ReadImports = Annotated[Principal, Depends(require(Permission.IMPORTS_READ))]
WriteImports = Annotated[Principal, Depends(require(Permission.IMPORTS_WRITE))]
ImportId = Annotated[uuid.UUID, PathParam(description="The import run's id.")]
Cursor = Annotated[str | None, Query(max_length=500, description="Opaque cursor from the previous page.")]
UPLOAD_PATH = "/api/v1/imports"
# What importing a kind writes needs the permission to write it, besides imports:write.
KIND_PERMISSION = {
    ImportKind.PROVIDERS: Permission.PROVIDERS_WRITE,
    ImportKind.INDICATOR_VALUES: Permission.INDICATOR_VALUES_WRITE,
}
TOO_LARGE = ErrorCode.TOO_LARGE


def _too_large_detail(limit: int) -> str:
    return f"The file is larger than the {limit:,} bytes an import accepts (TILSYN_IMPORT_MAX_BYTES). Nothing was read."


class UploadLimit:
    """Refuse an upload larger than TILSYN_IMPORT_MAX_BYTES with 413 before it is spooled to disk: by its
    Content-Length at once, or, sent without one, as soon as its bytes pass the limit."""

    def __init__(self, app, limit_of) -> None:  # type: ignore[no-untyped-def]
        self.app, self.limit_of = app, limit_of

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != UPLOAD_PATH:
            await self.app(scope, receive, send)
            return
        from starlette.requests import Request as StarletteRequest

        limit = self.limit_of(scope)
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            response = problem_response(StarletteRequest(scope), TOO_LARGE, _too_large_detail(limit))
            await response(scope, receive, send)
            return
        seen, over = [0], [False]

        async def counted():  # type: ignore[no-untyped-def]
            message = await receive()
            seen[0] += len(message.get("body", b""))
            if seen[0] > limit:
                over[0] = True
                return {"type": "http.disconnect"}
            return message

        async def answer(message) -> None:  # type: ignore[no-untyped-def]
            if not over[0]:
                await send(message)
            elif message["type"] == "http.response.start":
                response = problem_response(StarletteRequest(scope), TOO_LARGE, _too_large_detail(limit))
                await response(scope, receive, send)

        await self.app(scope, counted, answer)


def _read(session: Session, run: ImportRun) -> ImportRead:
    page = service.list_errors(session, run, None, ERRORS_INLINE)
    return ImportRead.of(run, page.items, page.next_cursor is not None)


def _save(upload: UploadFile) -> tuple[Path, int]:
    handle, name = tempfile.mkstemp(prefix="tilsyn-import-", suffix=Path(upload.filename or "").suffix[:10])
    with os.fdopen(handle, "wb") as target:
        shutil.copyfileobj(upload.file, target, 1024 * 1024)
        size = target.tell()
    return Path(name), size


def _process_and_remove(run_id: uuid.UUID, path: Path) -> None:
    try:
        service.process(run_id, path)
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


@router.post(
    "/imports",
    operation_id="imports-create",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ImportRead,
    responses=problem_responses(400, 401, 403, 413, 422),
)
def create_import(
    request: Request,
    response: Response,
    background: BackgroundTasks,
    session: SessionDep,
    principal: WriteImports,
    settings: SettingsDep,
    file: Annotated[
        UploadFile,
        File(
            description="The file: CSV (`;` or `,`, as Excel saves it), XLSX or JSON; at most the server's "
            "`TILSYN_IMPORT_MAX_BYTES` (200 MB unless set), a larger file is a 413 problem."
        ),
    ],
    kind: Annotated[ImportKind, Form(description="What the file holds.")],
    dry_run: Annotated[bool, Form(description="Only check the file; write nothing.")] = False,
    mode: Annotated[
        ImportMode, Form(description="`replace`: a row whose key is stored with another value overwrites it.")
    ] = ImportMode.INSERT,
) -> ImportRead:
    """Upload a file to import; processed in the background. Poll the run at its Location until it has finished."""
    needs = KIND_PERMISSION.get(kind)
    if needs is not None and not principal.can(needs):
        raise DomainError(
            ErrorCode.FORBIDDEN,
            f"Your role ({principal.role.value}) cannot import {kind.value}: it needs `{needs.value}`.",
        )
    filename = Path(file.filename or "").name[:255]
    filename = filename if filename and not unstorable_problem(filename) else "upload"
    path, size = _save(file)
    if size > settings.import_max_bytes:
        path.unlink()
        raise DomainError(ErrorCode.TOO_LARGE, _too_large_detail(settings.import_max_bytes))
    actor = service.Actor(
        principal.kind.value,
        principal.subject,
        principal.name,
        principal.on_behalf_of,
        getattr(request.state, "request_id", None),
    )
    run = service.start_run(
        session, principal.municipality_id, actor, kind=kind, filename=filename, size=size, dry_run=dry_run, mode=mode
    )
    background.add_task(_process_and_remove, run.id, path)
    response.headers["Location"] = str(request.url_for("imports-read", import_id=run.id))
    return ImportRead.of(run)


@router.get("/imports", operation_id="imports-list", response_model=ImportPage, responses=problem_responses(401, 403))
def list_imports(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: ReadImports,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ImportPage:
    """List your municipality's import runs, newest first."""
    page = service.list_runs(session, principal.municipality_id, cursor, limit)
    link_next(request, response, page.next_cursor)
    return ImportPage(items=[ImportRead.of(run) for run in page.items], next_cursor=page.next_cursor)


@router.get(
    "/imports/{import_id}",
    operation_id="imports-read",
    name="imports-read",
    response_model=ImportRead,
    responses=problem_responses(401, 403, 404),
)
def read_import(import_id: ImportId, session: SessionDep, principal: ReadImports) -> ImportRead:
    """Read an import run: status, progress, counts and its first errors."""
    return _read(session, service.get_run(session, principal.municipality_id, import_id))


@router.get(
    "/imports/{import_id}/errors",
    operation_id="imports-errors",
    response_model=ImportErrorPage,
    responses=problem_responses(401, 403, 404),
)
def list_import_errors(
    request: Request,
    response: Response,
    import_id: ImportId,
    session: SessionDep,
    principal: ReadImports,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ImportErrorPage:
    """Page through an import run's errors by line."""
    run = service.get_run(session, principal.municipality_id, import_id)
    page = service.list_errors(session, run, cursor, limit)
    link_next(request, response, page.next_cursor)
    return ImportErrorPage(
        items=[ImportRowErrorRead.model_validate(e) for e in page.items], next_cursor=page.next_cursor
    )
