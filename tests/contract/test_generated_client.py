"""The committed contract generates a working Python client with openapi-python-client, the integrators' generator.

The generator is a dev dependency (pyproject.toml), so `make test` installs it and this test always runs. It
generates from openapi/openapi.json with the config shipped beside it, as the README tells integrators to, then
imports the generated package and reads the signatures: what an integrator's code would call.
"""

from __future__ import annotations

import importlib
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "openapi" / "openapi.json"
CONFIG = ROOT / "openapi" / "openapi-python-client.yaml"
PACKAGE = "tilsyn_client"
BIN = Path(sys.executable).parent


def _generator() -> str:
    found = shutil.which("openapi-python-client", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    assert found, "openapi-python-client is a dev dependency: `make test` (pip install -e '.[dev]') installs it"
    return found


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    output = tmp_path_factory.mktemp("client") / "tilsyn-client"
    # The generator formats its output with ruff (a dev dependency too), found on PATH beside this Python.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [_generator(), "generate", "--path", str(DOCUMENT), "--config", str(CONFIG)]
    command += ["--output-path", str(output), "--overwrite"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
    return result, output


@pytest.fixture(scope="module")
def client_package(generated, monkeypatch_module) -> Any:
    _, output = generated
    monkeypatch_module.syspath_prepend(str(output))
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]
    return importlib.import_module(PACKAGE)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _sync(module: str) -> inspect.Signature:
    return inspect.signature(importlib.import_module(f"{PACKAGE}.api.{module}").sync)


def test_the_contract_generates_a_client_without_warnings(generated):
    result, output = generated
    text = result.stdout + result.stderr
    assert result.returncode == 0, text
    noisy = [
        line
        for line in text.splitlines()
        if "warning" in line.lower() or "unable to parse" in line.lower() or "not in path" in line.lower()
    ]
    assert not noisy, f"the generator warned; the contract is incomplete for clients:\n{text}"
    assert (output / PACKAGE / "api" / "reports" / "reports_pdf.py").exists()


def test_the_generated_client_sends_if_match_where_the_service_needs_it(client_package):
    for module in ("reports.reports_comment", "reports.reports_update", "visits.visits_update"):
        parameter = _sync(module).parameters.get("if_match")
        assert parameter is not None, f"{module}.sync takes no if_match"
        assert parameter.default is inspect.Parameter.empty, f"{module}.sync's if_match is optional"
    # Only replacing a follow-up dialogue needs it: an optional argument there.
    replace = _sync("follow_up.follow_up_dialogues_record").parameters["if_match"]
    assert replace.default is not inspect.Parameter.empty
    assert "if_match" not in _sync("reports.reports_read").parameters


def test_the_generated_pdf_functions_return_the_bytes(client_package):
    from tilsyn_client.types import File

    for module in ("reports.reports_pdf", "public.public_reports_pdf"):
        source = inspect.getsource(importlib.import_module(f"{PACKAGE}.api.{module}")._parse_response)
        assert "File(payload=BytesIO(response.content))" in source, source
        assert "File" in str(_sync(module).return_annotation)
    assert File.__name__ == "File"
    csv = inspect.getsource(importlib.import_module(f"{PACKAGE}.api.publication.publication_tracker_csv"))
    assert "response.text" in csv
