"""A real import on PostgreSQL first COPYs its rows straight into indicator_value (api/imports/direct.py), and falls
back to the staged path when the file is not all new and all good. These prove that the shortcut changes no outcome
(issue 12, Done when 1 and 3); on SQLite the same files take the staged path and must end the same way."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from api.imports.binary import SIGNATURE, TRAILER, numeric
from api.tables import IndicatorValue
from tests.api.test_imports import upload
from tests.support.imports import VALUE_HEADER, catalogue, excel_csv


@pytest.fixture
def indicators(db: Session, world):  # type: ignore[no-untyped-def]
    return catalogue(db, world.municipality)


def stored(db: Session) -> int:
    return db.exec(select(func.count()).select_from(IndicatorValue)).one()


def test_a_bad_row_made_of_cells_that_good_rows_had_is_still_refused_and_nothing_is_written(
    client, world, indicators, db
):
    number = world.provider.dagtilbudsnummer
    good = [
        (number, "", "kids_total", "2025", "72,5", 20),
        (number, "", "laeringsledelse_parents", "2025-R1", "4,5", 20),
        (number, "", "kids_total", "2024", "4,5", 20),
    ]
    bad = [
        (number, "", "laeringsledelse_parents", "2024-R1", "72,5", 20),  # line 5: 72,5 is a kids_total value
        (number, "", "kids_total", "2025-R1", "4,5", 20),  # line 6: 2025-R1 is a survey round, not a year
    ]
    run = upload(client, world, excel_csv(VALUE_HEADER, good + bad))
    assert run["status"] == "failed"
    assert [(e["line"], e["column"]) for e in run["errors"]] == [(5, "Værdi"), (6, "Periode")]
    assert stored(db) == 0


def test_a_file_whose_last_key_is_stored_creates_only_the_others(client, world, indicators, db):
    number = world.provider.dagtilbudsnummer
    rows = [(number, "", "kids_total", str(1900 + i), "50,5", 20) for i in range(30)]
    assert upload(client, world, excel_csv(VALUE_HEADER, rows[-1:]))["counts"]["created"] == 1
    run = upload(client, world, excel_csv(VALUE_HEADER, rows))  # new keys first: the direct COPY fails at the end
    assert run["counts"] == {"rows": 30, "created": 29, "updated": 0, "unchanged": 1, "errors": 0}
    assert stored(db) == 30


VALUES = [0.0, -0.0, 72.5, -12.5, 0.0001, 1e-05, 99.99995, 0.12345, 100.0, 1234567890.1234, 1e9, 10000.0, 0.5]


def test_a_number_reaches_postgresql_in_binary_as_it_does_in_text(db):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("binary COPY is PostgreSQL's")
    connection = db.connection()
    connection.execute(text("CREATE TEMP TABLE numbers (n numeric(14, 4)) ON COMMIT DROP"))
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy("COPY numbers (n) FROM STDIN (FORMAT binary)") as copy:
        copy.write(SIGNATURE + b"".join(b"\x00\x01" + numeric(v) for v in VALUES) + TRAILER)
    binary = [row[0] for row in connection.execute(text("SELECT n::text FROM numbers"))]
    as_text = [
        connection.execute(text("SELECT CAST(:v AS numeric(14, 4))::text"), {"v": repr(v)}).scalar() for v in VALUES
    ]
    assert binary == as_text
