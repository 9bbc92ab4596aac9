"""The `tilsyn` command line: serve, migrate, demo data, imports, the OpenAPI document, and tenant bootstrap."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.config import Environment, get_settings

app = typer.Typer(help="tilsyn: pedagogical supervision of daycare for Danish municipalities.", no_args_is_help=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            envvar="WEB_CONCURRENCY",
            help="Worker processes (uvicorn's), each with its own database pool; about one per core.",
        ),
    ] = 1,
) -> None:
    """Serve the API with uvicorn, in one process or several worker processes sharing the port."""
    import uvicorn

    from api import demo

    settings = get_settings()
    processes = f", {workers} workers" if workers > 1 else ""
    typer.echo(f"tilsyn on http://{host}:{port}{processes}  (API docs: http://{host}:{port}/docs)")
    if settings.environment is Environment.DEVELOPMENT:
        typer.echo("Demo logins (password grant at /api/v1/auth/token, or Authorize in /docs):")
        for login in demo.DEMO_LOGINS:
            typer.echo(f"  {login.role.value:<13} {login.email:<32} {login.password}")
        typer.echo(f"  {'integration':<13} client_id={demo.DEMO_CLIENT_ID}  client_secret={demo.DEMO_CLIENT_SECRET}")
        typer.echo(f"  other municipality's admin: {demo.NEIGHBOUR_ADMIN.email} {demo.NEIGHBOUR_ADMIN.password}")
        typer.echo(
            f"  third municipality's admin:  {demo.SUNDBY_ADMIN[0]} {demo.SUNDBY_ADMIN[1]}  (all three: one network)"
        )
    # Several workers need the app as an import string (each process builds its own), as one does.
    # ws="none": the API has no WebSocket routes, so no worker loads a WebSocket protocol (about 1 MiB each).
    uvicorn.run(
        "api.main:create_app", factory=True, host=host, port=port, proxy_headers=True, workers=workers, ws="none"
    )


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="Deliver what is due now, then exit.")] = False,
    batch_size: Annotated[int, typer.Option(min=1, max=1000, help="Deliveries claimed per pass.")] = 50,
    concurrency: Annotated[int, typer.Option(min=1, max=100, help="Requests in flight at once.")] = 8,
    poll_seconds: Annotated[float, typer.Option(min=0.05, help="Wait this long when nothing is due.")] = 1.0,
) -> None:
    """Deliver webhooks; several may run at once on PostgreSQL. SIGTERM or Ctrl-C: finish what is in flight, exit."""
    import logging
    import signal

    from api.db import open_session
    from api.webhooks.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    deliverer = Worker(open_session, get_settings(), batch_size=batch_size, concurrency=concurrency)

    def stop(signum: int, _frame: object) -> None:
        logging.getLogger("tilsyn.webhooks").info(
            "%s: finishing the deliveries in flight, claiming nothing new", signal.Signals(signum).name
        )
        deliverer.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    typer.echo(f"webhook worker {deliverer.name}: batches of {batch_size}, {concurrency} at once", err=True)
    try:
        deliverer.run(poll_seconds, once=once)
    finally:
        deliverer.close()
    typer.echo("webhook worker stopped", err=True)


@app.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Upgrade the database schema (Alembic)."""
    from api.migrate import upgrade

    upgrade(revision=revision)
    typer.echo(f"database migrated to {revision}")


@app.command("demo-data")
def demo_data() -> None:
    """Load the fictional demo municipalities (development only; does nothing the second time)."""
    from api.db import open_session
    from api.demo import load_demo_data

    if get_settings().environment is not Environment.DEVELOPMENT:
        typer.echo("refused: demo data is for development only (TILSYN_ENVIRONMENT=production)", err=True)
        raise typer.Exit(2)
    with open_session() as session:
        loaded = load_demo_data(session)
        session.commit()
    typer.echo("demo data loaded" if loaded else "demo data already present; nothing added")


@app.command()
def openapi(output: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None) -> None:
    """Print or write the OpenAPI document."""
    from api.main import create_app

    text = json.dumps(create_app().openapi(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}")


@app.command("purge-idempotency-keys")
def purge_idempotency_keys() -> None:
    """Delete Idempotency-Keys past their lifetime (24 hours) or abandoned in flight; run it daily."""
    from api.db import open_session
    from api.idempotency import purge_expired
    from api.tables.base import utcnow

    with open_session() as session:
        removed = purge_expired(session, utcnow())
        session.commit()
    typer.echo(f"removed {removed} expired idempotency keys")


@app.command("create-municipality")
def create_municipality(
    name: Annotated[str, typer.Option(help="e.g. 'Kolding Kommune'.")],
    kommunekode: Annotated[str, typer.Option(help="3-digit kommunekode.")],
    cvr: Annotated[str, typer.Option(help="The municipality's CVR number.")],
) -> None:
    """Create a tenant (operators only; not available over the API)."""
    from api.db import open_session
    from api.tables import Municipality
    from domain.identifiers import cvr_problem, kommunekode_problem

    problem = kommunekode_problem(kommunekode) or cvr_problem(cvr)
    if problem:
        raise typer.BadParameter(problem)
    with open_session() as session:
        municipality = Municipality(name=name, kommunekode=kommunekode, cvr=cvr)
        session.add(municipality)
        session.commit()
        typer.echo(str(municipality.id))


@app.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="Sign-in e-mail address.")],
    name: Annotated[str, typer.Option(help="The person's name.")],
    kommunekode: Annotated[str, typer.Option(help="The municipality's kommunekode.")],
    role: Annotated[str, typer.Option(help="Role, e.g. admin.")] = "admin",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
) -> None:
    """Create a user, typically a municipality's first admin (others are created over the API)."""
    from pydantic import ValidationError
    from sqlmodel import select

    from api.db import open_session
    from api.schemas.identity import UserCreate
    from api.services.identity import create_user as create
    from api.tables import Municipality
    from domain.errors import DomainError

    with open_session() as session:
        municipality = session.exec(select(Municipality).where(Municipality.kommunekode == kommunekode)).first()
        if municipality is None:
            raise typer.BadParameter(f"no municipality with kommunekode {kommunekode}")
        try:
            data = UserCreate(email=email, full_name=name, role=role, password=password)
            user = create(session, municipality.id, data)
        except (ValidationError, DomainError) as exc:
            raise typer.BadParameter(str(exc)) from exc
        session.commit()
        typer.echo(str(user.id))


@app.command("import")
def import_file(
    kind: Annotated[str, typer.Argument(help="providers, kids-history or indicator-values.")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV, XLSX or JSON.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row and write nothing.")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite stored values that differ.")] = False,
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="The municipality's kommunekode (needed when several).")
    ] = None,
) -> None:
    """Import a file: all of it or nothing; the same file twice changes nothing. Exit code 1 lists the errors."""
    from api.imports.console import run_import
    from domain.imports import ImportKind

    try:
        chosen = ImportKind(kind)
    except ValueError:
        raise typer.BadParameter(f"one of {', '.join(k.value for k in ImportKind)}", param_hint="KIND") from None
    raise typer.Exit(run_import(chosen, file, dry_run=dry_run, replace=replace, kommunekode=municipality))


if __name__ == "__main__":
    app()
