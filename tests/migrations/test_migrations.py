"""The migrations build exactly the schema the models describe, undo cleanly, and stay one straight line.

Each database test gets its own empty database (`new_database_url`) and runs on SQLite and on PostgreSQL.
The checks of the scripts themselves (names, downgrades, heads) need no database and run once.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from pprint import pformat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

import api.tables  # noqa: F401 - registers every table on the metadata
from api.config import Settings
from api.db import build_engine
from api.migrate import SCRIPT_LOCATION, alembic_config, downgrade, upgrade

VERSIONS = Path(SCRIPT_LOCATION) / "versions"
# The dated file_template of alembic.ini: 2026-11-22_foundation.py
MIGRATION_FILE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}_[a-z0-9_]+\.py$")
BOOKKEEPING = {"alembic_version"}


@pytest.fixture
def database_url(database_kind: str, new_database_url) -> str:
    """A fresh, empty database of the current kind (requesting database_kind parametrises the test)."""
    return new_database_url()


@contextmanager
def connected(url: str, settings: Settings) -> Iterator[Engine]:
    engine = build_engine(url, settings)
    try:
        yield engine
    finally:
        engine.dispose()  # PostgreSQL: leave no idle connection on a database behind


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())  # a new Inspector each time: no cached reflection


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def test_the_migrations_build_exactly_the_schema_of_the_models(database_url: str, settings: Settings):
    upgrade(database_url)
    with connected(database_url, settings) as engine, engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], (
        "The models and the migrations disagree; generate a migration (alembic revision --autogenerate) "
        f"and review it. Differences:\n{pformat(diff)}"
    )


def test_upgrade_downgrade_upgrade_round_trip(database_url: str, settings: Settings):
    head = scripts().get_current_head()
    with connected(database_url, settings) as engine:
        upgrade(database_url)
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_heads() == (head,)
        migrated = table_names(engine)
        assert migrated - BOOKKEEPING, "upgrade to head created no tables"

        downgrade(database_url, "base")
        left = table_names(engine) - BOOKKEEPING
        assert not left, f"downgrade to base left tables behind: {sorted(left)}"
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_heads() == ()

        upgrade(database_url)
        assert table_names(engine) == migrated, (
            f"the second upgrade built a different set of tables: "
            f"missing {sorted(migrated - table_names(engine))}, extra {sorted(table_names(engine) - migrated)}"
        )


def test_migration_files_are_named_by_date_and_slug():
    names = sorted(p.name for p in VERSIONS.glob("*.py") if p.name != "__init__.py")
    assert names, f"no migrations found in {VERSIONS}"
    misnamed = [name for name in names if not MIGRATION_FILE_NAME.fullmatch(name)]
    assert not misnamed, f"migration files must be named YYYY-MM-DD_slug.py (lower-case slug): {misnamed}"
    # The scripts Alembic actually loads are the same files (none hidden in another folder or name).
    loaded = sorted(Path(script.path).name for script in scripts().walk_revisions())
    assert loaded == names


def _does_nothing(function: ast.FunctionDef) -> bool:
    body = [
        statement
        for statement in function.body
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))  # docstring, `...`
    ]
    return all(isinstance(statement, ast.Pass) for statement in body)


def test_every_migration_can_be_undone():
    empty = []
    for script in scripts().walk_revisions():
        tree = ast.parse(Path(script.path).read_text(encoding="utf-8"), filename=script.path)
        functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
        downgrade_function = functions.get("downgrade")
        if downgrade_function is None or _does_nothing(downgrade_function):
            empty.append(f"{script.revision} ({Path(script.path).name})")
    assert not empty, f"these migrations have no working downgrade(): {empty}"


def test_there_is_a_single_head():
    heads = scripts().get_heads()
    assert len(heads) == 1, f"several heads {heads}: merge them (alembic merge heads) before going on"
