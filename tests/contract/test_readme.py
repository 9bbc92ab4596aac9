"""The README is a contract with a new user: every section stays, and what it documents exists (and the reverse).

A section once vanished in an unrelated docs commit (make targets, command line, configuration, authentication);
these tests make such a loss fail loudly, and make a new setting, make target or command fail until documented.
"""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from api.cli import app as cli_app
from api.config import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")

REQUIRED_SECTIONS = (
    "Quick start",
    "What it does",
    "Make targets",
    "Command line",
    "Configuration",
    "Authentication",
    "Roles",
    "Conventions for integrators",
    "Running on PostgreSQL",
    "Production",
    "Layout",
    "Licence",
)


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README.md has no section '## {title}'"
    return match.group(1)


def _table_first_column(section: str) -> list[str]:
    return re.findall(r"^\| `([^`]+)` \|", section, re.M)


def test_the_readme_keeps_every_section_a_new_user_relies_on():
    for title in REQUIRED_SECTIONS:
        assert _section(title).strip(), f"README.md's section '{title}' is empty"


def test_the_two_setup_commands_are_in_the_quick_start():
    quick_start = _section("Quick start")
    assert "make run" in quick_start and "make test" in quick_start


def test_every_make_target_is_documented_and_every_documented_target_exists():
    phony = set(re.search(r"^\.PHONY:(.*)$", MAKEFILE, re.M).group(1).split())
    defined = set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE, re.M))
    documented = {row.removeprefix("make ") for row in _table_first_column(_section("Make targets"))}
    assert documented <= defined & phony, f"documented but not in the Makefile: {documented - defined}"
    assert phony <= documented, f"make targets missing from the README: {phony - documented}"
    mentioned = set(re.findall(r"`make ([a-z-]+)", README))
    assert mentioned <= defined, f"the README mentions make targets that do not exist: {mentioned - defined}"


def test_every_cli_command_is_documented_and_every_documented_command_exists():
    commands = set(typer.main.get_command(cli_app).commands)
    documented = {row.split()[1] for row in _table_first_column(_section("Command line")) if row.startswith("tilsyn ")}
    assert documented == commands, (
        f"README vs CLI: only documented {documented - commands}, only in CLI {commands - documented}"
    )


def test_every_setting_is_documented_and_every_documented_setting_exists():
    settings = {f"TILSYN_{name.upper()}" for name in Settings.model_fields}
    documented = set(_table_first_column(_section("Configuration")))
    assert documented == settings, f"only documented {documented - settings}, only in Settings {settings - documented}"
    # Any TILSYN_X in the README is a real setting (or the harness switch); TILSYN_OIDC_*_CLAIM names a family.
    mentioned = set(re.findall(r"TILSYN_[A-Z_]*[A-Z](?![A-Z_*])", README)) - {"TILSYN_TEST_POSTGRES"}
    assert mentioned <= settings, f"the README mentions unknown settings: {mentioned - settings}"
