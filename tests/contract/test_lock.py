"""The lock files agree with pyproject.toml, and make, CI and the Dockerfile install from them (issue 10, point 6).

`make lock` writes requirements.lock (what the service needs) and requirements-dev.lock (that and the tools), pinned
with hashes. A dependency added to or tightened in pyproject.toml without `make lock` would install an unlocked or
different version; these tests fail first.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME = [Requirement(line) for line in PYPROJECT["project"]["dependencies"]]
DEV = [Requirement(line) for line in PYPROJECT["project"]["optional-dependencies"]["dev"]]
BUILD = [Requirement(line) for line in PYPROJECT["build-system"]["requires"]]
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.M)


def pins(lock: str) -> dict[str, Version]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {canonicalize_name(name): Version(version) for name, version in _PIN.findall(text)}


def entries(lock: str) -> list[str]:
    """Each pinned requirement with its continuation lines (hashes), as one string."""
    text = (ROOT / lock).read_text(encoding="utf-8")
    return [entry for entry in re.split(r"\n(?=[A-Za-z0-9])", text) if _PIN.match(entry)]


def unpinned(requirements: list[Requirement], locked: dict[str, Version]) -> list[str]:
    wrong = []
    for requirement in requirements:
        version = locked.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            wrong.append(f"{requirement} (locked: {version})")
    return wrong


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [("requirements.lock", RUNTIME + BUILD), ("requirements-dev.lock", RUNTIME + DEV + BUILD)],
)
def test_every_dependency_in_pyproject_is_locked_at_a_version_it_allows(lock: str, requirements: list[Requirement]):
    wrong = unpinned(requirements, pins(lock))
    assert not wrong, f"{lock} disagrees with pyproject.toml on {wrong}: run `make lock`"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_carries_its_hashes(lock: str):
    found = entries(lock)
    assert len(found) >= len(RUNTIME)
    without = [entry.split()[0] for entry in found if "--hash=sha256:" not in entry]
    assert not without, f"{lock} pins these without a hash, so `pip install --require-hashes` refuses it: {without}"


def test_the_service_runs_the_versions_it_was_tested_with():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    differ = {name: (version, dev.get(name)) for name, version in runtime.items() if dev.get(name) != version}
    assert not differ, f"the runtime lock and the dev lock pin these differently: {differ}; run `make lock`"


def test_make_ci_and_the_dockerfile_install_from_the_lock():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    stamp_rule = re.search(r"^\$\(STAMP\): (.*)$", makefile, re.M)
    assert stamp_rule and "$(DEV_LOCK)" in stamp_rule.group(1), "a changed lock must rebuild the environment"
    assert re.search(r"^DEV_LOCK +:= requirements-dev\.lock$", makefile, re.M)
    assert "pip install --quiet --require-hashes -r $(DEV_LOCK)" in makefile
    assert "pip install --quiet --no-deps --no-build-isolation -e ." in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")  # CI builds the same environment
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in dockerfile
    assert "pip install --no-cache-dir --no-deps --no-build-isolation ." in dockerfile
    assert "COPY requirements.lock" in dockerfile
