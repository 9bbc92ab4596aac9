"""`python -m bench webhooks [--events 10000] [--workers 2] [--concurrency 8] [--batch-size 50]`: webhook delivery.

In a throwaway PostgreSQL cluster: one subscription to a receiver on 127.0.0.1 (a Python HTTP server in this
process) and `--events` events over a thousand aggregates, written through the outbox. Then `--workers`
`tilsyn worker` processes deliver them all, and it prints events per second from the first request to the last,
with the reference measured in the same run (house style 15): the same number of processes POSTing the same
bodies to the same receiver with httpx, with no database at all. It checks what the issue asks: every event
arrived, none twice, each aggregate in order, every delivery recorded once.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AGGREGATES = 1000


def prepare(url: str, events: int, receiver_url: str) -> list[dict]:
    """Migrate, make a municipality and a subscription, publish the events; the outbox rows written."""
    from sqlmodel import Session

    from api.db import build_engine
    from api.migrate import upgrade
    from tests.support import factories
    from tests.support.webhooks import Clock, event, publish, subscribe

    upgrade(url)
    engine = build_engine(url)
    rows: list[dict] = []
    with Session(engine, expire_on_commit=False) as db:
        municipality = factories.municipality(db)
        subscription = subscribe(db, municipality.id, receiver_url)
        for start in range(0, events, 1000):
            batch = [
                event(municipality.id, f"v{n % AGGREGATES}", Clock().now)
                for n in range(start, min(events, start + 1000))
            ]
            rows += publish(db.connection(), subscription.id, batch)
            db.commit()
    engine.dispose()
    return rows


def post_only(url: str, count: int, concurrency: int) -> None:
    """The reference: POST `count` signed bodies like the worker's, from `concurrency` threads, no database."""
    import uuid
    from concurrent.futures import ThreadPoolExecutor

    from api.clock import now
    from api.webhooks.delivery import new_client
    from api.webhooks.signing import new_secret, webhook_headers

    secret = new_secret()
    body = '{"type":"visit.changed","timestamp":"2026-11-29T12:00:00Z","data":{"id":"v1","links":{"self":"/v1"}}}'
    with new_client(concurrency) as client, ThreadPoolExecutor(concurrency) as pool:

        def send(_: int) -> int:
            headers = webhook_headers([secret], f"reference-{uuid.uuid4()}", now(), body)
            return client.post(url, content=body.encode(), headers=headers).status_code

        assert set(pool.map(send, range(count))) == {200}


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench webhooks", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000, help="events to deliver (default 10,000)")
    parser.add_argument("--workers", type=int, default=2, help="tilsyn worker processes (default 2)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight per worker (default 8)")
    parser.add_argument("--batch-size", type=int, default=50, help="deliveries claimed per pass (default 50)")
    parser.add_argument("--post-only", nargs=3, metavar=("URL", "COUNT", "CONCURRENCY"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.post_only:
        post_only(args.post_only[0], int(args.post_only[1]), int(args.post_only[2]))
        return 0
    from bench.http import postgres_database
    from tests.support.webhooks import WAIT_S, Receiver

    arrivals: list[float] = []
    lock = threading.Lock()

    def answer(_request) -> int:  # type: ignore[no-untyped-def]
        with lock:
            arrivals.append(time.perf_counter())
        return 200

    receiver = Receiver(answer=answer).up()
    try:
        with postgres_database() as url, tempfile.TemporaryDirectory(prefix="tilsyn-bench-webhooks-") as directory:
            if url is None:
                print(
                    "PostgreSQL's server programs (initdb, pg_ctl) are not installed; nothing to time", file=sys.stderr
                )
                return 2
            rows = prepare(url, args.events, receiver.url)
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "TILSYN_DATABASE_URL": url,
                "TILSYN_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
            }
            log = Path(directory) / "workers.log"
            per_worker = args.events // args.workers

            # The reference first: the same processes and threads, POSTing only.
            reference = [
                _spawn(
                    [
                        sys.executable,
                        "-m",
                        "bench",
                        "webhooks",
                        "--post-only",
                        receiver.url,
                        str(per_worker),
                        str(args.concurrency),
                    ],
                    env,
                    log,
                )
                for _ in range(args.workers)
            ]
            assert [p.wait() for p in reference] == [0] * args.workers, log.read_text()
            reference_rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
            arrivals.clear()
            receiver.requests.clear()

            options = ["--concurrency", str(args.concurrency), "--batch-size", str(args.batch_size)]
            started = time.perf_counter()
            workers = [
                _spawn([sys.executable, "-m", "api.cli", "worker", *options], env, log) for _ in range(args.workers)
            ]
            ids = {str(row["id"]) for row in rows}
            receiver.wait_until(lambda requests: len(requests) >= len(ids), timeout=max(WAIT_S, args.events / 20))
            finished = time.perf_counter()
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            assert [w.wait(timeout=WAIT_S) for w in workers] == [0] * args.workers, "a worker did not stop cleanly"
            rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
            check(url, rows, receiver.requests)
            print(
                f"webhooks: {args.events:,} events over {AGGREGATES} aggregates, {args.workers} worker processes "
                f"x {args.concurrency} requests at once, batches of {args.batch_size}, PostgreSQL"
            )
            print(f"  tilsyn worker  {rate:>8,.0f} events/s  (first to last request; {finished - started:.1f} s "
                  f"with process start)")  # fmt: skip
            print(f"  POST only      {reference_rate:>8,.0f} requests/s  (same processes and threads, no database)")
            print(f"  ratio worker/POST only {rate / reference_rate:.0%}")
            print("  every event delivered exactly once, in order per aggregate, each recorded once")
    finally:
        receiver.down()
    return 0


def check(url: str, rows: list[dict], requests: list) -> None:  # type: ignore[type-arg]
    """None lost, none twice, in order per aggregate, one recorded attempt per delivery."""
    from sqlalchemy import create_engine, func, select

    from api.tables import WebhookAttempt, WebhookDelivery

    sent = Counter(r.webhook_id for r in requests)
    assert set(sent) == {str(row["id"]) for row in rows}, "an event was lost"
    assert set(sent.values()) == {1}, f"{sum(n > 1 for n in sent.values())} events were sent twice"
    position = {str(row["id"]): row["position"] for row in rows}
    order: dict[str, list[int]] = defaultdict(list)
    for request in requests:
        order[request.envelope["data"]["id"]].append(position[request.webhook_id])
    assert all(p == sorted(p) for p in order.values()), "an aggregate's events went out of order"
    engine = create_engine(url)
    with engine.connect() as connection:
        delivered = connection.execute(
            select(func.count()).where(WebhookDelivery.status == "delivered", WebhookDelivery.attempt_count == 1)
        ).scalar_one()
        attempts = connection.execute(select(func.count()).select_from(WebhookAttempt)).scalar_one()
    engine.dispose()
    assert delivered == attempts == len(rows), (delivered, attempts, len(rows))
