"""`python -m bench import [--rows 100000] [--rounds 3] [--million]`: indicator-value imports on PostgreSQL.

In a throwaway PostgreSQL cluster: a municipality with 300 providers and the default catalogue, and a CSV written as
Excel saves it in Denmark (BOM, `;`, decimal comma). Each round imports the file through the importer (a real run:
check, stage by COPY, compare, insert; in a worker process, the way `tilsyn import` runs) into an empty
indicator_value, and loads the same file with `psql \\copy` into a bare table of text columns, the reference measured
in the same run (house style 15). It prints rows per second of both, the median ratio importer/\\copy, the targets of
issue 12 (at least 50,000 rows/s and 20 % of \\copy), and the worker's peak memory (RSS). `--million` then imports a
1,000,000-row file once, to show that memory stays flat: the peak RSS is near the 100,000-row run's.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROVIDERS = 300
KINDS = ("kids_total", "kompetencehjulet", "sprogvurdering", "boernelinealen", "education_level")
TARGET_RATE, TARGET_RATIO = 50_000, 0.20


def prepare(url: str) -> tuple[str, list[str]]:
    """Migrate, and make a municipality with providers and its catalogue; its kommunekode and dagtilbudsnumre."""
    from sqlmodel import Session

    from api.db import build_engine
    from api.demo import valid_cvr
    from api.migrate import upgrade
    from api.services.indicators import catalogue
    from api.tables import Municipality, Provider

    upgrade(url)
    engine = build_engine(url)
    with Session(engine) as session:
        municipality = Municipality(name="Benchby Kommune", kommunekode="996", cvr=valid_cvr(996))
        session.add(municipality)
        session.flush()
        numbers = [str(400001 + i) for i in range(PROVIDERS)]
        for number in numbers:
            session.add(
                Provider(
                    municipality_id=municipality.id,
                    name=f"Børnehuset {number}",
                    kind="municipal_institution",
                    age_groups=["0-2", "3-5"],
                    dagtilbudsnummer=number,
                    street="Benchvej 1",
                    postal_code="7100",
                    city="Benchby",
                )
            )
        session.flush()
        catalogue(session, municipality.id)
        session.commit()
    engine.dispose()
    return "996", numbers


def write_file(path: Path, numbers: list[str], rows: int) -> None:
    """`rows` distinct (provider, indicator, year) rows, Danish Excel style."""
    per_year = len(numbers) * len(KINDS)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write("Dagtilbudsnummer;Indikator;Periode;Værdi;Antal\r\n")
        written = 0
        for year in range(1900, 3000):
            for number in numbers:
                for k, key in enumerate(KINDS):
                    value = f"{(year * 7 + k) % 1000 / 10:.1f}".replace(".", ",")
                    out.write(f"{number};{key};{year};{value};{10 + year % 40}\r\n")
                    written += 1
                    if written == rows:
                        return
            if per_year * (year - 1899) > 1_650_000:
                break
    raise ValueError(f"at most {per_year * 1100} rows")


def worker(url: str, path: str, code: str) -> None:
    """Import `path` once (a real run) and print `seconds rows status`; run in its own process for its RSS."""
    os.environ["TILSYN_DATABASE_URL"] = url
    from sqlmodel import select

    from api.db import open_session
    from api.services import imports as service
    from api.tables import Municipality
    from domain.imports import ImportKind, ImportMode

    with open_session() as session:
        municipality = session.exec(select(Municipality).where(Municipality.kommunekode == code)).one()
        run = service.start_run(
            session,
            municipality.id,
            service.Actor("system", "bench", "bench import"),
            kind=ImportKind.INDICATOR_VALUES,
            filename=Path(path).name,
            size=Path(path).stat().st_size,
            dry_run=False,
            mode=ImportMode.INSERT,
        )
        session.commit()
        run_id = run.id
    started = time.perf_counter()
    run = service.process(run_id, Path(path))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
    print(f"{seconds:.4f} {run.count_created} {run.status} {peak}", flush=True)


def timed_import(url: str, path: Path, code: str) -> tuple[float, int, int]:
    """(seconds, rows created, peak RSS in bytes) of one import in a fresh worker process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[1]), *sys.path])}
    command = [sys.executable, "-m", "bench.imports", "--worker", url, str(path), code]
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)  # noqa: S603 - ourselves
    if done.returncode:
        raise RuntimeError(f"the import worker failed ({done.returncode}): {done.stdout}")
    seconds, created, state, rss = done.stdout.split()
    if state != "succeeded":
        raise RuntimeError(f"the import did not succeed: {done.stdout}")
    return float(seconds), int(created), int(rss)


def psql_run(psql: str, dsn: str, command: str) -> None:
    subprocess.run([psql, dsn, "-qc", command], check=True)  # noqa: S603 - our own psql, our own command


def timed_copy(psql: str, dsn: str, path: Path) -> float:
    psql_run(psql, dsn, "TRUNCATE bare")
    started = time.perf_counter()
    psql_run(psql, dsn, f"\\copy bare FROM '{path}' WITH (FORMAT csv, DELIMITER ';', HEADER true, ENCODING 'UTF8')")
    return time.perf_counter() - started


def empty_values(psql: str, dsn: str) -> None:
    psql_run(psql, dsn, "TRUNCATE indicator_value")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench import", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the timed file (default 100,000)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of import and \\copy (default 3)")
    parser.add_argument("--million", action="store_true", help="then import a 1,000,000-row file for its memory")
    parser.add_argument("--worker", nargs=3, metavar=("URL", "FILE", "KODE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(*args.worker)
        return 0
    from bench.http import postgres_database
    from tests.support.postgres import find_binary

    psql = find_binary("psql") or shutil.which("psql")
    if not psql:
        print("psql is needed for the reference (apt-get install postgresql-client)", file=sys.stderr)
        return 2
    with postgres_database() as url, tempfile.TemporaryDirectory(prefix="tilsyn-bench-import-") as directory:
        if url is None:
            print("PostgreSQL's server programs (initdb, pg_ctl) are not installed; nothing to time", file=sys.stderr)
            return 2
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        code, numbers = prepare(url)
        psql_run(psql, dsn, "CREATE TABLE bare (a text, b text, c text, d text, e text)")
        path = Path(directory) / "values.csv"
        write_file(path, numbers, args.rows)
        print(f"import: {args.rows:,} indicator rows ({path.stat().st_size / 1e6:.1f} MB, Excel CSV) on PostgreSQL")
        imports, copies, peaks = [], [], []
        for _ in range(args.rounds):
            empty_values(psql, dsn)
            seconds, created, rss = timed_import(url, path, code)
            assert created == args.rows, created
            imports.append(seconds)
            peaks.append(rss)
            copies.append(timed_copy(psql, dsn, path))
        ratios = [c / i for c, i in zip(copies, imports, strict=True)]
        rate, copy_rate = args.rows / statistics.median(imports), args.rows / statistics.median(copies)
        print(f"  importer    {rate:>10,.0f} rows/s  (median of {', '.join(f'{s:.2f}' for s in imports)} s)")
        print(f"  psql \\copy  {copy_rate:>10,.0f} rows/s  (median of {', '.join(f'{s:.2f}' for s in copies)} s)")
        each = ", ".join(f"{r:.1%}" for r in ratios)
        print(f"  ratio importer/\\copy {statistics.median(ratios):.1%} (rounds: {each})")
        met = "met" if rate >= TARGET_RATE else "NOT met"
        print(f"  target >= {TARGET_RATE:,} rows/s: {met}; >= {TARGET_RATIO:.0%} of \\copy: "
              f"{'met' if statistics.median(ratios) >= TARGET_RATIO else 'NOT met'}")  # fmt: skip
        print(f"  peak RSS of the import worker: {max(peaks) / 1e6:.0f} MB")
        if args.million:
            big = Path(directory) / "values-1m.csv"
            write_file(big, numbers, 1_000_000)
            empty_values(psql, dsn)
            seconds, created, rss = timed_import(url, big, code)
            print(
                f"  1,000,000 rows ({big.stat().st_size / 1e6:.0f} MB): {seconds:.1f} s, "
                f"{created / seconds:,.0f} rows/s, "
                f"peak RSS {rss / 1e6:.0f} MB (vs {max(peaks) / 1e6:.0f} MB for {args.rows:,})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
