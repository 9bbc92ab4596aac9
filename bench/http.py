"""The service's plain reads against a bare FastAPI app, side by side: `python -m bench http` (or `make bench`).

Three servers run under the same uvicorn settings, each pinned to core 0 with taskset: the bare app of
`bench/bare_app.py` (a dict, no database), the same bare app reading the same rows from the database through
SQLModel (no token, no guards: what reading a database costs at all), and the service, on a file SQLite database
with the demo data plus enough providers for a page of 100 (and, when PostgreSQL's binaries are here, on a
throwaway PostgreSQL cluster too). wrk loads them from core 1 (a Python load loop stands in when wrk is missing,
and the bench says how to get wrk). Rounds alternate, bare, bare+db, service, a few seconds each, and the bench
prints the median ratios service/bare (the target) and service/bare+db of requests per second for each read.
Ratios, not absolute rates: a shared, noisy machine moves both sides alike.
Everything stays on the loopback interface; the servers and the database are removed afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.server import running_server

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-only-secret-0123456789-abcdefghijklmnop"  # noqa: S105 - a throwaway database's token key
EXTRA_PROVIDERS = 120  # the demo has a dozen per municipality; a page of 100 needs more
CONNECTIONS = 10
WRK_HINT = "wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu, as root) for a compiled load generator"
TARGETS = {"provider": 0.60, "providers page of 100": 0.30}


@dataclass(frozen=True)
class Read:
    name: str
    path: str


@dataclass
class Tally:
    bare: list[float] = field(default_factory=list)
    bare_db: list[float] = field(default_factory=list)  # bare FastAPI reading the same rows (bare_app's 2nd app)
    service: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def ratios(self) -> list[float]:
        return [s / b for s, b in zip(self.service, self.bare, strict=True) if b]

    @property
    def ratios_to_bare_db(self) -> list[float]:
        return [s / b for s, b in zip(self.service, self.bare_db, strict=True) if b]


def _pin(core: int) -> list[str]:
    """`taskset -c core` where the machine has two cores or more and taskset; otherwise nothing."""
    if (os.cpu_count() or 1) < 2 or not shutil.which("taskset"):
        return []
    return ["taskset", "-c", str(core)]


def serving(app: str, env: dict[str, str], log: Path) -> contextlib.AbstractContextManager[str]:
    """uvicorn serving the factory `app` on 127.0.0.1, pinned to core 0, with the settings both sides share."""
    return running_server(env, log, app=app, prefix=_pin(0))


_WRK_RATE = re.compile(r"Requests/sec:\s*([\d.]+)")
_WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s*(\d+)|Socket errors:.*?timeout (\d+)")


def load_with_wrk(url: str, token: str, seconds: float) -> tuple[float, int]:
    command = [*_pin(1), "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--latency"]
    command += ["-H", f"Authorization: Bearer {token}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout  # noqa: S603
    rate = _WRK_RATE.search(output)
    if rate is None:
        raise RuntimeError(f"wrk printed no rate:\n{output}")
    errors = sum(int(n) for match in _WRK_ERRORS.finditer(output) for n in match.groups() if n)
    return float(rate.group(1)), errors


def load_with_python(url: str, token: str, seconds: float) -> tuple[float, int]:
    """A stand-in for wrk: keep-alive connections in threads. Slower than wrk, so ratios read lower."""
    host_port, path = url.removeprefix("http://").split("/", 1)
    host, port = host_port.split(":")
    counts, errors, stop = [0] * CONNECTIONS, [0] * CONNECTIONS, time.monotonic() + seconds

    def loop(slot: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        while time.monotonic() < stop:
            connection.request("GET", "/" + path, headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            counts[slot] += 1
            errors[slot] += response.status >= 300

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(CONNECTIONS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started), sum(errors)


def prepare(url: str) -> tuple[str, str]:
    """Migrate `url`, load the demo data and extra providers; a supervisor's token and a provider's id."""
    os.environ.update({"TILSYN_DATABASE_URL": url, "TILSYN_SECRET_KEY": SECRET})
    from sqlmodel import Session, select

    from api.config import Settings
    from api.db import build_engine
    from api.demo import DEMO_KOMMUNEKODE, _acting_as_loader, load_demo_data
    from api.migrate import upgrade
    from api.security import issue_local_token
    from api.tables import Municipality, Provider, UserAccount

    settings = Settings(database_url=url, secret_key=SECRET)
    upgrade(url)
    engine = build_engine(url, settings)
    with Session(engine, expire_on_commit=False) as session:
        load_demo_data(session)
        fjordby = session.exec(select(Municipality).where(Municipality.kommunekode == DEMO_KOMMUNEKODE)).one()
        _acting_as_loader(session, fjordby)
        for i in range(EXTRA_PROVIDERS):
            session.add(
                Provider(
                    municipality_id=fjordby.id,
                    name=f"Bench børnehus {i:03d}",
                    kind="municipal_institution",
                    age_groups=["3-5"],
                    dagtilbudsnummer=str(900000 + i),
                    street=f"Benchvej {i}",
                    postal_code="7100",
                    city="Fjordby",
                )
            )
        session.commit()
        user = session.exec(select(UserAccount).where(UserAccount.email == "supervisor@fjordby.example")).one()
        provider = session.exec(select(Provider).where(Provider.municipality_id == fjordby.id)).first()
        claims = {"typ": "user", "mun": str(user.municipality_id), "role": user.role}
        token = issue_local_token(settings, str(user.id), claims).access_token
        provider_id = str(provider.id)
    engine.dispose()
    return token, provider_id


def measure(database: str, url: str, workdir: Path, rounds: int, seconds: float, load) -> dict[str, Tally]:  # type: ignore[no-untyped-def]
    token, provider_id = prepare(url)
    reads = [
        Read("provider", f"/api/v1/providers/{provider_id}"),
        Read("providers page of 100", "/api/v1/providers?limit=100"),
        Read("me", "/api/v1/me"),
    ]
    env = {"TILSYN_DATABASE_URL": url, "TILSYN_SECRET_KEY": SECRET, "TILSYN_ENVIRONMENT": "development"}
    tallies = {read.name: Tally() for read in reads}
    with (
        serving("bench.bare_app:create_app", env, workdir / "bare.log") as bare,
        serving("bench.bare_app:create_app_with_database", env, workdir / f"bare-db-{database}.log") as bare_db,
        serving("api.main:create_app", env, workdir / f"service-{database}.log") as service,
    ):
        for read in reads:  # one short warm-up each: imports, caches and pools filled before counting
            for server in (bare, bare_db, service):
                load(server + read.path, token, 1)
        for number in range(1, rounds + 1):
            for read in reads:
                tally = tallies[read.name]
                for server, rates in ((bare, tally.bare), (bare_db, tally.bare_db), (service, tally.service)):
                    rate, errors = load(server + read.path, token, seconds)
                    rates.append(rate)
                    tally.errors += errors
            print(f"  {database}: round {number} of {rounds} done", file=sys.stderr)
    return tallies


def report(database: str, tallies: dict[str, Tally]) -> None:
    print(f"\n{database}: requests per second, median over alternating rounds (bare FastAPI vs tilsyn)")
    print("  bare: a dict, no database; bare+db: the same rows read through SQLModel, no auth; ratio: service/bare")
    print(f"  {'read':<24}{'bare':>9}{'bare+db':>9}{'service':>9}{'ratio':>8}{'vs +db':>8}  ratios per round    target")
    for name, tally in tallies.items():
        ratios = tally.ratios
        target = TARGETS.get(name)
        verdict = (
            "" if target is None else f">= {target:.0%}: {'met' if statistics.median(ratios) >= target else 'NOT met'}"
        )
        print(
            f"  {name:<24}{statistics.median(tally.bare):>9.0f}{statistics.median(tally.bare_db):>9.0f}"
            f"{statistics.median(tally.service):>9.0f}{statistics.median(ratios):>8.1%}"
            f"{statistics.median(tally.ratios_to_bare_db):>8.1%}  {' '.join(f'{r:.0%}' for r in ratios):<18}  {verdict}"
        )
        if tally.errors:
            print(f"  !! {tally.errors} responses were errors (non-2xx or timeouts) for {name}")


@contextlib.contextmanager
def postgres_database() -> Iterator[str | None]:
    """A throwaway PostgreSQL database, or None when the server binaries are not installed."""
    from tests.support import postgres

    if not (postgres.find_binary("initdb") and postgres.find_binary("pg_ctl")):
        yield None
        return
    import psycopg

    cluster = postgres.start_cluster()
    try:
        with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute("CREATE DATABASE bench")
        yield cluster.url("bench")
    finally:
        cluster.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench http", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per read (default 5)")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds of load per side per round (default 3)")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql", "both"),
        default="both",
        help="which database to serve from (default both; PostgreSQL only where its binaries are installed)",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1 or not 0.5 <= args.seconds <= 60:
        parser.error("--rounds must be at least 1 and --seconds between 0.5 and 60")
    if shutil.which("wrk"):
        load, generator = load_with_wrk, f"wrk, 1 thread, {CONNECTIONS} connections"
    else:
        print(WRK_HINT, file=sys.stderr)
        load, generator = load_with_python, f"a Python loop, {CONNECTIONS} connections (install wrk for truer ratios)"
    pinned = "server on core 0, load on core 1" if _pin(0) else "not pinned (one core or no taskset)"
    print(f"http: bare FastAPI vs tilsyn, {args.rounds} rounds x {args.seconds:g} s; load: {generator}; {pinned}")
    with tempfile.TemporaryDirectory(prefix="tilsyn-bench-") as directory:
        workdir = Path(directory)
        if args.database in ("sqlite", "both"):
            url = f"sqlite:///{workdir / 'bench.sqlite3'}"
            report("SQLite", measure("sqlite", url, workdir, args.rounds, args.seconds, load))
        if args.database in ("postgresql", "both"):
            with postgres_database() as url:
                if url is None:
                    print(
                        "\nPostgreSQL: skipped, its server binaries are not installed (apt-get install postgresql-15)"
                    )
                else:
                    report("PostgreSQL", measure("postgresql", url, workdir, args.rounds, args.seconds, load))
    return 0
