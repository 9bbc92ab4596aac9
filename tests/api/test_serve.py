"""`tilsyn serve --workers N`: several uvicorn worker processes for production, never fewer than one (issue 11).

uvicorn itself is replaced by a recorder: the tests check what the command asks of it, not that processes fork.
"""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from api.cli import app as cli


@pytest.fixture
def uvicorn_run(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    return calls


def test_serve_starts_the_asked_number_of_workers(uvicorn_run):
    result = CliRunner().invoke(cli, ["serve", "--workers", "3", "--port", "8123"])

    assert result.exit_code == 0, result.output
    assert "3 workers" in result.output
    [call] = uvicorn_run
    # Worker processes each import the app: it must be given as an import string, not an object.
    assert call["app"] == "api.main:create_app" and call["factory"] is True
    assert call["workers"] == 3 and call["port"] == 8123


def test_serve_runs_one_process_by_default(uvicorn_run):
    assert CliRunner().invoke(cli, ["serve"]).exit_code == 0

    assert uvicorn_run[0]["workers"] == 1


def test_the_worker_count_can_come_from_web_concurrency(uvicorn_run, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")

    assert CliRunner().invoke(cli, ["serve"]).exit_code == 0

    assert uvicorn_run[0]["workers"] == 2


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_serve_refuses_fewer_than_one_worker(uvicorn_run, workers: str):
    result = CliRunner().invoke(cli, ["serve", "--workers", workers])

    assert result.exit_code == 2
    assert "--workers" in result.output
    assert not uvicorn_run
