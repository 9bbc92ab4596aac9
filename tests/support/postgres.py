"""A throwaway PostgreSQL cluster for the test session: initdb, start on a free loopback port, remove.

PostgreSQL refuses to run as root, so when the tests run as root the server runs as the `postgres` user.
Missing binaries fail the run with instructions; only TILSYN_TEST_POSTGRES=skip skips PostgreSQL on purpose.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SEARCH_DIRS = [Path(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]
INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in /usr/lib/postgresql/*/bin. "
    "Install them (Debian/Ubuntu: `apt-get install postgresql-15`), or set TILSYN_TEST_POSTGRES=skip "
    "to run the suite on SQLite only."
)


def skip_requested() -> bool:
    return os.environ.get("TILSYN_TEST_POSTGRES", "").lower() == "skip"


def find_binary(name: str) -> str | None:
    for directory in SEARCH_DIRS:
        candidate = directory / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    directory: Path
    port: int
    run_as: str | None
    pg_ctl: str

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            _run([self.pg_ctl, "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop"], self.run_as)
        shutil.rmtree(self.directory, ignore_errors=True)


def _run(command: list[str], run_as: str | None) -> None:
    if run_as:
        # runuser lives in /usr/sbin, which a minimal PATH (cron, some CI runners) leaves out.
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        command = [runuser, "-u", run_as, "--", *command]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


def start_cluster() -> Cluster:
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if not (initdb and pg_ctl):
        raise RuntimeError(INSTALL_HINT)
    run_as = "postgres" if os.geteuid() == 0 else None
    directory = Path(tempfile.mkdtemp(prefix="tilsyn-pg-"))
    if run_as:
        user = pwd.getpwnam(run_as)
        os.chown(directory, user.pw_uid, user.pw_gid)
    data, port = directory / "data", _free_port()
    try:
        _run([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], run_as)
        options = (
            f"-h 127.0.0.1 -p {port} -k {directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        _run([pg_ctl, "-D", str(data), "-o", options, "-l", str(directory / "log"), "-w", "start"], run_as)
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(directory, ignore_errors=True)
        raise RuntimeError(f"Could not start PostgreSQL: {exc.stderr or exc.stdout}") from exc
    return Cluster(directory, port, run_as, pg_ctl)
