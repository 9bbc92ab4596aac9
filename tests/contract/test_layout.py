"""The shape the design card fixes: the top-level layout, one home for jose, and modules that stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "domain")
MAX_LINES = 400
TOKEN_MODULE = "api/security.py"  # the only place tokens are encoded and decoded, with pinned algorithms


def sources() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name imported by the file (relative imports stay inside the package)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("directory", ["api", "api/routers", "domain", "migrations", "tests", "openapi"])
def test_the_design_cards_directories_exist(directory: str):
    assert (ROOT / directory).is_dir(), f"{directory}/ is part of the design card's layout"


@pytest.mark.parametrize("file", ["Dockerfile", "pyproject.toml"])
def test_the_design_cards_files_exist(file: str):
    assert (ROOT / file).is_file(), f"{file} is part of the design card's layout"


def test_only_the_security_module_imports_jose():
    importers = sorted(
        relative(path)
        for path in sources()
        if any(name == "jose" or name.startswith("jose.") for name in imported_modules(path))
    )
    others = [name for name in importers if name != TOKEN_MODULE]
    assert not others, f"only {TOKEN_MODULE} may import jose (pinned algorithms live there); also: {others}"


def test_no_module_is_over_the_line_limit():
    long = {
        relative(path): lines
        for path in sources()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines; split them by responsibility: {long}"
