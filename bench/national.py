"""`python -m bench national [generate|time] ...`: the national-scale data set on PostgreSQL and its heaviest reads.

`generate` writes a Danish-sized data set straight into the tables with COPY (no ORM, no API): per municipality 49
providers of every kind with their units (a dagpleje with its dagplejere), about 1,000 visits with their
assessments, about 1,160 reports (unit reports, a few corrections) with report content, required actions with
intensified supervision, and about 17,000 audit events. At `--scale 1.0` that is 100 municipalities, 4,900
providers, 100k visits, 116k reports and 1.7M audit events; `--scale 0.1` makes 10 municipalities of the same size.

`time` serves the app in one uvicorn worker on the data set and times the heaviest reads of ONE municipality
(median of `--count` requests each) with 1, 10 and 100 municipalities present (as many as the scale makes), then
reads that worker's RSS after a round of concurrent tracker requests. Each time is printed with its ratio to
`/healthz` measured in the same run, because the machine is shared and an absolute time does not travel.
Without `--url` `time` starts a throwaway cluster (tests/support/postgres.py) and removes it afterwards. To build
once and time many times: `generate --url U --scale S` adds S x 100 municipalities after those already present (so
`--scale 0.01`, then `0.09`, then `0.9` into copies of the database gives the three tiers), and
`time --url U --existing` times the database as it is, with as many municipalities as it holds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import Table, create_engine, text
from sqlmodel import SQLModel

import api.tables  # noqa: F401 - registers every table on the metadata
from api.config import Settings
from api.migrate import upgrade
from api.security import issue_local_token
from domain.access import Role
from domain.providers import ProviderKind, UnitKind
from domain.states import ReportStatus, VisitStatus

ROOT = Path(__file__).resolve().parents[1]
SECRET = "national-bench-secret-key-0123456789abcdef"  # noqa: S105 - a throwaway server's key
TIERS = (1, 10, 100)
# Per municipality: (kind, how many, units each). 49 providers, as the national register has about 4,900.
MIX = (
    (ProviderKind.MUNICIPAL_INSTITUTION, 28, 2),
    (ProviderKind.SELF_GOVERNING_INSTITUTION, 5, 1),
    (ProviderKind.PRIVATE_INSTITUTION, 5, 1),
    (ProviderKind.VILLAGE_SCHEME, 2, 0),
    (ProviderKind.PULJEORDNING, 2, 0),
    (ProviderKind.MUNICIPAL_CHILDMINDING, 1, 40),
    (ProviderKind.PRIVATE_CHILDMINDING, 4, 0),
    (ProviderKind.SPECIAL_DAYCARE, 2, 1),
)
VISITS_PER_PROVIDER = 20
AUDIT_PER_MUNICIPALITY = 17_000
BANDS = (("god", "God kvalitet", "none"), ("tilstraekkelig", "Tilstrækkelig", "none"), ("ringe", "Ringe", "concern"))


def _now() -> datetime:
    return datetime.now(UTC)


class Writer:
    """Rows for one table, written with COPY in one go (JSON columns as text, None as NULL)."""

    def __init__(self, table: Table) -> None:
        self.table, self.rows = table, []
        self.columns = [c.name for c in table.columns]

    def add(self, **values: object) -> dict:
        missing = [c for c in self.columns if c not in values and not self.table.c[c].nullable]
        defaults = {"created_at": _now(), "updated_at": _now(), "version": 1, "at": _now()}
        for c in missing:
            if c in defaults:
                values[c] = defaults[c]
            elif c in ("data_sources", "dialogue_participants", "strengths", "unit_ids", "age_groups", "scopes"):
                values[c] = []
            elif c == "based_on_curriculum":
                values[c] = False
            elif c in ("changes", "content", "parts", "scores"):
                values[c] = {}
            elif (default := self.table.c[c].default) is not None and default.is_scalar:
                values[c] = default.arg  # a column added later with a plain default (municipality's KLE number)
        self.rows.append(values)
        return values

    def copy(self, connection: psycopg.Connection) -> int:
        json_columns = {c.name for c in self.table.columns if c.type.__class__.__name__ == "JSON"}
        names = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor, cursor.copy(f'COPY "{self.table.name}" ({names}) FROM STDIN') as copy:
            for row in self.rows:
                copy.write_row([json.dumps(row.get(c)) if c in json_columns else row.get(c) for c in self.columns])
        count, self.rows = len(self.rows), []
        return count


def _content(band: tuple[str, str, str], provider_name: str, rng: random.Random) -> dict:
    # About the size of a real report's content: areas, themes, recommendations, the leader's comment.
    areas = [{"name": f"Område {i}", "percent": rng.randint(40, 95)} for i in range(6)]
    themes = [
        {"key": f"t{i}", "name": f"Tema {i} om pædagogisk praksis", "percent": rng.randint(30, 100)} for i in range(24)
    ]
    return {
        "provider_name": provider_name,
        "band_label_da": band[1],
        "concern_label_da": {"none": "Ingen bekymring", "concern": "Bekymring"}[band[2]],
        "areas": areas,
        "themes": themes,
        "strengths": ["Gode relationer mellem børn og voksne", "En tydelig dagsrytme"],
        "recommendations": [{"text": "Styrk arbejdet med sprog i hverdagens rutiner " * 3, "owner": "leder"}] * 4,
        "summary": "Tilsynet viser en institution med et godt pædagogisk læringsmiljø. " * 10,
    }


def generate(url: str, municipalities: int, first: int | None = None, seed: int = 11) -> None:
    """Add `municipalities` municipalities (numbered from `first`, or after those present) to the database at `url`."""
    upgrade(url)
    if first is None:
        first = _present(url)
    tables = SQLModel.metadata.tables
    w = {
        name: Writer(tables[name])
        for name in (
            "municipality",
            "user_account",
            "provider",
            "unit",
            "visit",
            "assessment",
            "report",
            "intensified_supervision",
            "follow_up_dialogue",
            "required_action",
            "audit_event",
        )
    }
    rng = random.Random(seed + first)
    today = date.today()
    started = time.monotonic()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        for m in range(first, first + municipalities):
            _municipality(w, m, rng, today)
            for name in w:
                w[name].copy(connection)
            connection.commit()
            if (m - first + 1) % 10 == 0:
                print(f"  {m - first + 1} municipalities in {time.monotonic() - started:.0f} s", file=sys.stderr)
        connection.execute("ANALYZE")
        connection.commit()


def _municipality(w: dict[str, Writer], m: int, rng: random.Random, today: date) -> None:
    mid = uuid.uuid4()
    w["municipality"].add(id=mid, name=f"Benchby {m} Kommune", kommunekode=str(m).zfill(3), cvr=str(30000000 + m))
    users = [
        w["user_account"].add(
            id=uuid.uuid4(),
            municipality_id=mid,
            email=f"u{m}-{i}@bench.example",
            full_name=f"Tilsyn {m}-{i}",
            role=(Role.ADMIN if i == 0 else Role.SUPERVISOR).value,
            is_active=True,
        )["id"]
        for i in range(10)
    ]
    registered = datetime(2016, 1, 4, 9, tzinfo=UTC)
    n = 0
    for kind, count, units_each in MIX:
        for _ in range(count):
            n += 1
            pid = uuid.uuid4()
            name = f"{'Dagplejen' if kind.is_childminding else 'Børnehuset'} {m}-{n:02d}"
            w["provider"].add(
                id=pid,
                municipality_id=mid,
                name=name,
                kind=kind.value,
                age_groups=["0-2", "3-5"],
                dagtilbudsnummer=str(100000 + m * 100 + n),
                street="Benchvej 1",
                postal_code="7100",
                city="Benchby",
                has_parent_board=True,
                status="active",
                created_at=registered,
                updated_at=registered,
                version=1,
            )
            unit_kind = UnitKind.CHILDMINDER if kind.is_childminding else UnitKind.DEPARTMENT
            units = [
                w["unit"].add(
                    id=uuid.uuid4(),
                    provider_id=pid,
                    name=f"Afdeling {u}",
                    kind=unit_kind.value,
                    status="active",
                    created_at=registered,
                    updated_at=registered,
                    version=1,
                )["id"]
                for u in range(units_each)
            ]
            _visits(w, mid, pid, name, kind, units, users, rng, today)
    for i in range(AUDIT_PER_MUNICIPALITY):
        at = datetime.combine(today, datetime.min.time(), UTC) - timedelta(minutes=i * 37)
        w["audit_event"].add(
            id=uuid.uuid4(),
            municipality_id=mid,
            at=at,
            actor_type="user",
            actor_id=str(users[i % 10]),
            actor_name=f"Tilsyn {m}-{i % 10}",
            action=("update", "create", "publish")[i % 3],
            entity_type="visit",
            entity_id=str(uuid.uuid4()),
            changes={"status": ["planned", "completed"]},
            request_id=uuid.uuid4().hex,
        )


def _visits(w, mid, pid, name, kind, units, users, rng, today) -> None:
    first = date(2016, 3, 1)
    step = (today - first).days // VISITS_PER_PROVIDER
    for v in range(VISITS_PER_PROVIDER):
        held = first + timedelta(days=v * step + rng.randint(0, 20))
        if held > today:
            held = today
        last = v == VISITS_PER_PROVIDER - 1
        vid = uuid.uuid4()
        status = VisitStatus.PLANNED if last else VisitStatus.COMPLETED
        w["visit"].add(
            id=vid,
            municipality_id=mid,
            provider_id=pid,
            kind=("announced", "unannounced")[v % 2],
            status=status.value,
            planned_on=held,
            held_on=None if last else held,
            unit_ids=[str(u) for u in units[:2]],
            supervisor_id=rng.choice(users),
            dialogue_held_on=None if last else held,
            data_sources=["observation", "dialogue"],
            based_on_curriculum=True,
            completed_at=None if last else datetime.combine(held, datetime.min.time(), UTC),
        )
        if last:
            continue
        if v < VISITS_PER_PROVIDER - 2:  # the latest visit's follow-up dialogue is still to be held
            w["follow_up_dialogue"].add(
                id=uuid.uuid4(),
                visit_id=vid,
                number=1 + v % 2,
                held_on=held + timedelta(days=21),
                participants=["leder"],
                summary="Opfølgning på tilsynet.",
            )
        band = rng.choice(BANDS)
        # The provider's assessment, then two units' (their own percent, the visit's band), in the rng's order.
        for unit_id, parts in [(None, {"areas": [{"name": "Område", "percent": 70}]}), *((u, {}) for u in units[:2])]:
            w["assessment"].add(
                id=uuid.uuid4(),
                visit_id=vid,
                provider_id=pid,
                unit_id=unit_id,
                assessed_on=held,
                percent=rng.uniform(40, 95),
                coverage=1.0,
                insufficient_observation=False,
                band_key=band[0],
                band_label=band[1],
                concern=band[2],
                parts=parts,
                policy_version_number=0,
            )
        _reports(w, mid, pid, vid, name, kind, units, held, band, rng, today, recent=v >= VISITS_PER_PROVIDER - 3)
        if band[2] != "none" and rng.random() < 0.3:
            iid = uuid.uuid4()
            w["intensified_supervision"].add(
                id=iid,
                municipality_id=mid,
                provider_id=pid,
                state="intensified",
                concern=band[2],
                started_on=held,
                started_by_visit_id=vid,
                ended_on=held + timedelta(days=120),
                cause_unit_ids=[],
            )
            done = held + timedelta(days=20) if held < today - timedelta(days=200) else None
            w["required_action"].add(
                id=uuid.uuid4(),
                provider_id=pid,
                intensified_id=iid,
                visit_id=vid,
                kind="inform_parent_board",
                due_on=held + timedelta(days=30),
                legal_reference="dagtilbudsloven § 5b, stk. 5",
                reason="Orientér forældrebestyrelsen om den skærpede bekymring.",
                done_on=done,
            )


def _reports(w, mid, pid, vid, name, kind, units, held, band, rng, today, recent) -> None:
    scopes: list[tuple[str, uuid.UUID | None]]
    if kind.is_childminding:
        scopes = [("combined", None)]
    elif len(units) > 1:
        scopes = [("unit", u) for u in units[:2]]
    else:
        scopes = [("provider", None)]
    for scope, unit in scopes:
        published = held + timedelta(days=30)
        status = ReportStatus.FINAL if recent and rng.random() < 0.3 else ReportStatus.PUBLISHED
        superseded = status is ReportStatus.PUBLISHED and rng.random() < 0.05
        rid = uuid.uuid4()
        common = dict(
            municipality_id=mid,
            provider_id=pid,
            visit_id=vid,
            unit_id=unit,
            scope=scope,
            content=_content(band, name, rng),
            summary="Samlet vurdering af tilsynet.",
            sent_on=held,
            comment_window_ends=held + timedelta(days=14),
            finalised_on=held + timedelta(days=20),
        )
        published_on = published if status is ReportStatus.PUBLISHED else None
        w["report"].add(
            id=rid,
            status=(ReportStatus.SUPERSEDED if superseded else status).value,
            report_version=1,
            published_on=published_on,
            first_published_on=published_on,
            **common,
        )
        if superseded:
            w["report"].add(
                id=uuid.uuid4(),
                status=ReportStatus.PUBLISHED.value,
                report_version=2,
                replaces_id=rid,
                correction_note="Rettet stavefejl.",
                published_on=published + timedelta(days=10),
                first_published_on=published,
                **common,
            )


# --- timing ------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _cluster(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import start_cluster

    cluster = start_cluster()
    try:
        with create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT").connect() as c:
            c.execute(text("CREATE DATABASE national"))
        yield cluster.url("national")
    finally:
        cluster.stop()


@contextlib.contextmanager
def _server(url: str) -> Iterator[tuple[str, int]]:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TILSYN_DATABASE_URL": url,
        "TILSYN_SECRET_KEY": SECRET,
        "TILSYN_ENVIRONMENT": "development",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--ws",
        "none",  # as `tilsyn serve`: no WebSocket routes, no WebSocket protocol loaded
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own server, fixed arguments
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.05)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _present(url: str) -> int:
    with create_engine(url).connect() as c:
        return c.execute(text("SELECT count(*) FROM municipality")).scalar_one()


def _target(url: str) -> tuple[str, str, str]:
    """The first municipality's admin token, one of its providers, and a supervisor (the audit actor filter)."""
    with create_engine(url).connect() as c:
        mid = c.execute(text("SELECT id FROM municipality WHERE kommunekode = '000'")).scalar_one()
        admin = c.execute(
            text("SELECT id FROM user_account WHERE municipality_id = :m AND role = 'admin'"), {"m": mid}
        ).scalar_one()
        actor = c.execute(
            text("SELECT id FROM user_account WHERE municipality_id = :m AND role = 'supervisor' LIMIT 1"), {"m": mid}
        ).scalar_one()
        provider = c.execute(
            text("SELECT id FROM provider WHERE municipality_id = :m ORDER BY name LIMIT 1"), {"m": mid}
        ).scalar_one()
    settings = Settings(secret_key=SECRET, environment="development", database_url=url)
    token = issue_local_token(settings, str(admin), {"typ": "user"}).access_token
    return token, str(provider), str(actor)


READS = (
    ("/healthz (reference)", "/healthz"),
    ("/due", "/api/v1/due"),
    ("/publication-tracker", "/api/v1/publication-tracker"),
    ("/compliance", "/api/v1/compliance"),
    ("/calibration", "/api/v1/calibration"),
    ("/trends", "/api/v1/trends"),
    ("/trends/context", "/api/v1/trends/context"),
    ("provider trends", "/api/v1/providers/{provider}/trends"),
    ("council summary (JSON)", "/api/v1/council-summaries/{summary}"),
    ("council summary (PDF)", "/api/v1/council-summaries/{summary}/pdf"),
    ("provider list", "/api/v1/providers?limit=50"),
    ("audit list, actor filter", "/api/v1/audit-events?actor_id={actor}&limit=50"),
    ("provider timeline", "/api/v1/providers/{provider}/timeline"),
)


def _time_reads(base: str, token: str, provider: str, actor: str, count: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token}"}
    result = {}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        # A draft summary of the default period: its JSON and PDF are computed from the data on every read.
        created = client.post("/api/v1/council-summaries", json={})
        created.raise_for_status()
        summary = created.json()["id"]
        for name, path in READS:
            path = path.format(provider=provider, actor=actor, summary=summary)
            client.get(path).raise_for_status()  # warm: the first request pays for imports and plans
            times = []
            for _ in range(count):
                t = time.perf_counter()
                client.get(path).raise_for_status()
                times.append((time.perf_counter() - t) * 1000)
            result[name] = statistics.median(times)
    return result


def _tracker_round(base: str, token: str, seconds: float, concurrency: int = 10) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + seconds

    def loop() -> int:
        done = 0
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            while time.monotonic() < deadline:
                client.get("/api/v1/publication-tracker").raise_for_status()
                done += 1
        return done

    with ThreadPoolExecutor(concurrency) as pool:
        return sum(pool.map(lambda _: loop(), range(concurrency)))


def time_existing(url: str, count: int, seconds: float) -> None:
    """Time the reads on the database at `url` as it is: one tier, the municipalities it holds."""
    tier = _present(url)
    token, provider, actor = _target(url)
    with _server(url) as (base, pid):
        table = {tier: _time_reads(base, token, provider, actor, count)}
        rss = {"before": _rss_mib(pid)}
        rss["requests"] = _tracker_round(base, token, seconds)
        rss["after"] = _rss_mib(pid)
    _print(table, rss, count, seconds)


def time_reads(url: str | None, scale: float, count: int, seconds: float) -> None:
    total = max(1, round(100 * scale))
    tiers = sorted({t for t in TIERS if t <= total} | {total})
    table: dict[int, dict[str, float]] = {}
    rss = {}
    with _cluster(url) as database:
        present = 0
        for tier in tiers:
            started = time.monotonic()
            generate(database, tier - present, first=present)
            print(f"generated {tier - present} municipalities in {time.monotonic() - started:.0f} s", file=sys.stderr)
            present = tier
            token, provider, actor = _target(database)
            with _server(database) as (base, pid):
                table[tier] = _time_reads(base, token, provider, actor, count)
                if tier == tiers[-1]:
                    rss["before"] = _rss_mib(pid)
                    requests = _tracker_round(base, token, seconds)
                    rss["after"], rss["requests"] = _rss_mib(pid), requests
    _print(table, rss, count, seconds)


def _print(table: dict[int, dict[str, float]], rss: dict, count: int, seconds: float) -> None:
    tiers = list(table)
    print(f"\nmedian of {count} requests for one municipality, ms (x /healthz), by municipalities present")
    print(f"{'read':<28}" + "".join(f"{t:>18}" for t in tiers))
    for name, _ in READS:
        cells = []
        for t in tiers:
            ms, reference = table[t][name], table[t][READS[0][0]]
            cells.append(f"{ms:>9.1f} ({ms / reference:>5.0f}x)")
        print(f"{name:<28}" + "".join(f"{c:>18}" for c in cells))
    print(
        f"\none worker's RSS: {rss['before']:.0f} MiB before, {rss['after']:.0f} MiB after {seconds:.0f} s of 10 "
        f"concurrent tracker requests ({rss['requests']} requests)"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench national", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("generate", "time"))
    parser.add_argument("--url", help="a PostgreSQL database (postgresql+psycopg://...); default: a throwaway cluster")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100 municipalities; 0.1 = 10")
    parser.add_argument("--count", type=int, default=9, help="requests per read; the median is shown")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of the concurrent tracker round")
    parser.add_argument("--existing", action="store_true", help="time: the database at --url as it is, no generating")
    args = parser.parse_args(argv)
    if args.command == "generate":
        if not args.url:
            parser.error("generate needs --url (time starts its own cluster)")
        generate(args.url, max(1, round(100 * args.scale)))
    elif args.existing:
        if not args.url:
            parser.error("--existing needs --url")
        time_existing(args.url, args.count, args.seconds)
    else:
        time_reads(args.url, args.scale, args.count, args.seconds)
    return 0
