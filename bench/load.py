"""`python -m bench load`: the bounded load test of issue 11: N workers x M clients on PostgreSQL, 0 errors.

What it does, all on loopback: starts a throwaway PostgreSQL cluster (tests/support/postgres.py), migrates it
and loads the demo data; starts `tilsyn serve --workers N`; signs in once per role (the sign-in limit allows 10
failures a minute per account, and a token lasts an hour, longer than the run); then M client threads send a mix
of reads and writes until the time is up or the request budget is spent, whichever comes first:

    provider read 30 %, provider list 20 %, /due 15 %, /publication-tracker 15 %, concern notice list 10 %,
    creating a concern notice 10 %

An error is any answer other than the one expected (200, or 201 for a creation) and any failed connection. It
prints requests, errors, requests per second, and p50/p95/p99 latency overall and per kind of request. The
clients are Python threads (httpx): their own overhead is in the latencies, so read them as an upper bound. This
is not part of the test suite; run it by hand (the default is the issue's 2 workers x 50 clients x 5 minutes).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from api.demo import DEMO_LOGINS
from domain.access import Role
from tests.support.postgres import start_cluster

ROOT = Path(__file__).resolve().parents[1]
API = "/api/v1"
DATABASE = "tilsyn_load"
MIX = (
    ("provider read", 30),
    ("provider list", 20),
    ("due", 15),
    ("publication tracker", 15),
    ("concern notice list", 10),
    ("concern notice create", 10),
)


@dataclass
class Tally:
    """What the clients saw; appended to under a lock."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0

    def take(self, budget: int) -> bool:
        """Claim one request of the budget; False once it is spent."""
        with self.lock:
            if self.sent >= budget:
                return False
            self.sent += 1
            return True

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if error is not None:
                self.errors[kind] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{kind}: {error}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cli(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "-m", "api.cli", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603 - our own CLI


def _create_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {DATABASE}")


def _wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped with exit code {server.returncode}")
        with suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("the server did not answer /healthz in time")


def _token(client: httpx.Client, role: Role) -> dict[str, str]:
    login = next(login for login in DEMO_LOGINS if login.role is role)
    data = {"grant_type": "password", "username": login.email, "password": login.password}
    response = client.post(f"{API}/auth/token", data=data)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


Request = Callable[[httpx.Client, random.Random], httpx.Response]


def _requests(admin: dict[str, str], supervisor: dict[str, str], provider_ids: list[str]) -> dict[str, Request]:
    def notice(rng: random.Random) -> dict[str, str]:
        return {
            "provider_id": rng.choice(provider_ids),
            "received_on": "2026-01-15",
            "source": "parent",
            "summary": "Belastningsprøve: børnene er ofte alene på legepladsen om eftermiddagen.",
        }

    return {
        "provider read": lambda c, rng: c.get(f"{API}/providers/{rng.choice(provider_ids)}", headers=admin),
        "provider list": lambda c, rng: c.get(f"{API}/providers", params={"limit": 100}, headers=supervisor),
        "due": lambda c, rng: c.get(f"{API}/due", headers=supervisor),
        "publication tracker": lambda c, rng: c.get(f"{API}/publication-tracker", headers=admin),
        "concern notice list": lambda c, rng: c.get(f"{API}/concern-notices", headers=supervisor),
        "concern notice create": lambda c, rng: c.post(f"{API}/concern-notices", json=notice(rng), headers=supervisor),
    }


def _client(base: str, requests: dict[str, Request], tally: Tally, deadline: float, budget: int, seed: int) -> None:
    rng = random.Random(seed)
    kinds, weights = [kind for kind, _ in MIX], [weight for _, weight in MIX]
    with httpx.Client(base_url=base, timeout=60) as client:
        while time.monotonic() < deadline and tally.take(budget):
            kind = rng.choices(kinds, weights)[0]
            expected = 201 if kind.endswith("create") else 200
            start = time.perf_counter()
            try:
                response = requests[kind](client, rng)
                error = None if response.status_code == expected else f"{response.status_code} {response.text[:200]}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            tally.record(kind, time.perf_counter() - start, error)


def _percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "-"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return "  ".join(f"{1000 * cuts[p - 1]:7.1f}" for p in (50, 95, 99))


def run(workers: int, clients: int, seconds: float, budget: int) -> int:
    cluster = start_cluster()
    server = None
    try:
        _create_database(cluster.admin_url)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TILSYN_DATABASE_URL": cluster.url(DATABASE),
            "TILSYN_ENVIRONMENT": "development",
        }
        _cli(env, "migrate")
        _cli(env, "demo-data")
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        server = subprocess.Popen(  # noqa: S603 - our own CLI
            [*command, "--workers", str(workers)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the workers are stopped with it
        )
        _wait_until_up(base, server)
        with httpx.Client(base_url=base, timeout=30) as client:
            admin, supervisor = _token(client, Role.ADMIN), _token(client, Role.SUPERVISOR)
            page = client.get(f"{API}/providers", params={"limit": 100}, headers=admin)
            page.raise_for_status()
            provider_ids = [item["id"] for item in page.json()["items"] if item.get("status", "active") == "active"]
        requests = _requests(admin, supervisor, provider_ids)
        tally = Tally()
        print(f"load: {workers} workers x {clients} clients for {seconds:g} s (at most {budget} requests)")
        print(f"  on PostgreSQL at 127.0.0.1:{cluster.port}, server at {base}, {len(provider_ids)} providers")
        started = time.monotonic()
        deadline = started + seconds
        threads = [
            threading.Thread(target=_client, args=(base, requests, tally, deadline, budget, n), daemon=True)
            for n in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        return _report(tally, elapsed)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        cluster.stop()


def _report(tally: Tally, elapsed: float) -> int:
    every = [seconds for values in tally.latencies.values() for seconds in values]
    errors = sum(tally.errors.values())
    print(f"requests: {len(every)} in {elapsed:.0f} s ({len(every) / elapsed:.1f} per second); errors: {errors}")
    print(f"{'latency ms':26}{'p50':>7}  {'p95':>7}  {'p99':>7}  {'requests':>9}  errors")
    for kind, _ in MIX:
        values = tally.latencies.get(kind, [])
        print(f"{kind:26}{_percentiles(values)}  {len(values):>9}  {tally.errors[kind]}")
    print(f"{'all':26}{_percentiles(every)}  {len(every):>9}  {errors}")
    for example in tally.examples:
        print(f"  error: {example}")
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--seconds", type=float, default=300, help="how long to run (default 300)")
    parser.add_argument("--max-requests", type=int, default=500_000, help="stop after this many (default 500000)")
    args = parser.parse_args(argv)
    if min(args.workers, args.clients, args.max_requests) < 1 or args.seconds <= 0:
        parser.error("--workers, --clients, --max-requests and --seconds must be positive")
    return run(args.workers, args.clients, args.seconds, args.max_requests)
