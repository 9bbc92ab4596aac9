"""A real tilsyn server in a subprocess (uvicorn on a free loopback port), for tests that need real concurrency.

TestClient runs one request at a time; contention between requests only shows with a real server, its
threadpool and its connection pool. The server reads its settings from the environment, as in production.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0  # importing the app and building its routes takes a second or two; a loaded machine more


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(
    env: dict[str, str], log: Path, *, app: str = "api.main:create_app", prefix: Sequence[str] = ()
) -> Iterator[str]:
    """Serve the factory `app` with `env` (TILSYN_* settings) on 127.0.0.1; yields the base URL, stops it after.

    `prefix` goes before the command, e.g. `taskset -c 0` for the benchmark, which also serves its bare yardstick
    app (`bench.bare_app:create_app`) this way, so both sides run under exactly the same uvicorn settings.
    """
    port = _free_port()
    command = [*prefix, sys.executable, "-m", "uvicorn", app, "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_live(process, base_url, log)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_live(process: subprocess.Popen, base_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base_url}/healthz", timeout=1.0).status_code == 200:
                return
        time.sleep(0.05)  # polling for start-up, not timing the test
    raise RuntimeError(f"the server did not start within {START_TIMEOUT_S} s:\n{log.read_text(errors='replace')}")
