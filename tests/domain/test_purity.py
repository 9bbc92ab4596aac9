"""domain/ is the standard library only: no web framework, ORM, validation library or token library."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import domain

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Path(domain.__file__).resolve().parent
ALLOWED = set(sys.stdlib_module_names) | {"domain"}

# Run in a fresh interpreter so nothing the test session imported can hide a dependency. The set of modules
# present before importing domain is subtracted: site's .pth hooks (setuptools' _distutils_hack, the editable
# install's finder) load third-party modules at start-up that domain has nothing to do with.
IMPORT_EVERY_DOMAIN_MODULE = """
import importlib, json, pkgutil, sys
before = set(sys.modules)
import domain
for module in pkgutil.walk_packages(domain.__path__, "domain."):
    importlib.import_module(module.name)
loaded = {name.split(".")[0] for name in set(sys.modules) - before}
print(json.dumps(sorted(loaded - set(sys.stdlib_module_names) - {"domain"})))
"""


def test_importing_every_domain_module_loads_only_the_standard_library():
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_DOMAIN_MODULE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, f"importing domain failed:\n{result.stderr}"
    third_party = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert third_party == set(), f"domain/ pulls in modules outside the standard library: {sorted(third_party)}"


def test_every_import_in_domain_is_the_standard_library_or_domain():
    offenders = []
    for path in sorted(DOMAIN.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue  # not an import, or a relative import (inside domain/ by construction)
            offenders += [
                f"{path.relative_to(ROOT).as_posix()}:{node.lineno} imports {name}"
                for name in names
                if name.split(".")[0] not in ALLOWED
            ]
    assert not offenders, "domain/ may import only the standard library and itself:\n" + "\n".join(offenders)
