"""Imports of indicator values over the API (issue 12, Done when 1): Excel's CSV, dry runs, re-imports, conflicts."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session, func, select

from api.tables import AuditEvent, IndicatorValue
from domain.access import Role
from tests.support import factories
from tests.support.imports import VALUE_HEADER, catalogue, danish, excel_csv, json_rows, xlsx

URL = "/api/v1/imports"


@pytest.fixture
def indicators(db: Session, world):  # type: ignore[no-untyped-def]
    return catalogue(db, world.municipality)


def upload(client, world, content: bytes, *, name="values.csv", kind="indicator-values", role=Role.ADMIN, **form):  # type: ignore[no-untyped-def]
    fields = {"kind": kind, **{k: str(v).lower() for k, v in form.items()}}
    response = client.post(URL, headers=world.headers(role), files={"file": (name, content)}, data=fields)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "queued"
    finished = client.get(response.headers["Location"], headers=world.headers(role))
    assert finished.status_code == 200, finished.text
    return finished.json()


def stored(db: Session) -> int:
    return db.exec(select(func.count()).select_from(IndicatorValue)).one()


def value_rows(world, n: int):  # type: ignore[no-untyped-def]
    """n rows for the world's provider: one indicator, n distinct years (periods), Danish decimals."""
    number = world.provider.dagtilbudsnummer
    return [(number, "", "kids_total", str(1900 + i), danish(50 + (i % 500) / 10), 20 + i % 30) for i in range(n)]


def test_a_csv_saved_by_excel_with_100000_indicator_rows_imports(client, world, indicators, db):
    kinds = ["kids_total", "kompetencehjulet", "sprogvurdering", "boernelinealen", "education_level"]
    numbers = [factories.provider(db, world.municipality).dagtilbudsnummer for _ in range(20)]
    rows = [
        (number, "", key, str(1900 + year), danish((year * 7 + k) % 1000 / 10), 10 + year % 40)
        for number in numbers
        for k, key in enumerate(kinds)
        for year in range(1000)
    ]
    assert len(rows) == 100_000
    run = upload(client, world, excel_csv(VALUE_HEADER, rows))
    assert run["status"] == "succeeded", run["errors"][:3]
    assert run["counts"] == {"rows": 100_000, "created": 100_000, "updated": 0, "unchanged": 0, "errors": 0}
    assert run["file_format"] == "csv" and run["rows_done"] == 100_000
    assert stored(db) == 100_000
    value = db.exec(
        select(IndicatorValue.value).where(
            IndicatorValue.period == "1903",
            IndicatorValue.count == 13,
            IndicatorValue.indicator_id == indicators["kids_total"].id,  # k = 0; rows are stored in no set order
        )
    ).first()
    assert value == pytest.approx((3 * 7) % 1000 / 10)  # "2,1" read with its decimal comma


def test_a_dry_run_lists_exactly_the_three_bad_rows_with_line_and_column_and_writes_nothing(
    client, world, indicators, db
):
    rows = value_rows(world, 20)
    rows[4] = (*rows[4][:4], "72,5,1", rows[4][5])  # line 6: not a number
    rows[9] = (rows[9][0], "", "no_such_indicator", *rows[9][3:])  # line 11
    rows[16] = ("999999", *rows[16][1:])  # line 18: no such provider
    run = upload(client, world, excel_csv(VALUE_HEADER, rows), dry_run=True)
    assert run["status"] == "failed" and run["dry_run"] is True
    found = [(e["line"], e["column"], e["value"]) for e in run["errors"]]
    assert found == [(6, "Værdi", "72,5,1"), (11, "Indikator", "no_such_indicator"), (18, "Dagtilbudsnummer", "999999")]
    assert all(e["detail"] for e in run["errors"])
    assert run["counts"]["rows"] == 20 and run["counts"]["errors"] == 3
    assert stored(db) == 0


def test_a_clean_dry_run_succeeds_and_still_writes_nothing(client, world, indicators, db):
    run = upload(client, world, excel_csv(VALUE_HEADER, value_rows(world, 5)), dry_run=True)
    assert run["status"] == "succeeded" and run["counts"]["created"] == 5
    assert stored(db) == 0


def test_importing_the_same_file_twice_changes_nothing(client, world, indicators, db):
    content = excel_csv(VALUE_HEADER, value_rows(world, 50))
    first = upload(client, world, content)
    assert first["counts"]["created"] == 50
    before = {(v.period, v.value, v.updated_at) for v in db.exec(select(IndicatorValue))}
    again = upload(client, world, content)
    assert again["status"] == "succeeded"
    assert again["counts"] == {"rows": 50, "created": 0, "updated": 0, "unchanged": 50, "errors": 0}
    db.expire_all()
    assert {(v.period, v.value, v.updated_at) for v in db.exec(select(IndicatorValue))} == before


def test_a_conflicting_value_is_refused_without_replace_and_applied_with_it(client, world, indicators, db):
    rows = value_rows(world, 10)
    upload(client, world, excel_csv(VALUE_HEADER, rows))
    rows[3] = (*rows[3][:4], "12,5", rows[3][5])
    changed = excel_csv(VALUE_HEADER, rows)
    refused = upload(client, world, changed)
    assert refused["status"] == "failed"
    assert [(e["line"], e["column"], e["value"]) for e in refused["errors"]] == [(5, "Værdi", "12.5")]
    assert "replace" in refused["errors"][0]["detail"]
    assert db.exec(select(IndicatorValue.value).where(IndicatorValue.period == "1903")).one() != 12.5
    replaced = upload(client, world, changed, mode="replace")
    assert replaced["status"] == "succeeded"
    assert replaced["counts"] == {"rows": 10, "created": 0, "updated": 1, "unchanged": 9, "errors": 0}
    db.expire_all()
    assert db.exec(select(IndicatorValue.value).where(IndicatorValue.period == "1903")).one() == 12.5


def test_an_excel_workbook_imports_like_the_csv(client, world, indicators, db):
    rows = [(int(r[0]), None, r[2], int(r[3]), float(r[4].replace(",", ".")), r[5]) for r in value_rows(world, 30)]
    run = upload(client, world, xlsx(VALUE_HEADER, rows), name="values.xlsx")
    assert run["status"] == "succeeded", run["errors"]
    assert run["file_format"] == "xlsx" and run["counts"]["created"] == 30
    csv_again = upload(client, world, excel_csv(VALUE_HEADER, value_rows(world, 30)))
    assert csv_again["counts"]["unchanged"] == 30  # the same values, whichever format brought them


@pytest.mark.parametrize("wrapped", [False, True], ids=["array", "rows-object"])
def test_json_rows_import(client, world, indicators, db, wrapped: bool):
    header = ("dagtilbudsnummer", "indicator", "period", "value", "count")
    rows = [(world.provider.dagtilbudsnummer, "kids_total", f"{2000 + i}", 70.5 + i, 25) for i in range(12)]
    run = upload(client, world, json_rows(header, rows, wrapped=wrapped), name="values.json")
    assert run["status"] == "succeeded", run["errors"]
    assert run["file_format"] == "json" and run["counts"]["created"] == 12
    assert stored(db) == 12


def test_another_municipalitys_provider_ids_are_errors_not_writes(client, world, indicators, db):
    rows = [*value_rows(world, 3), (world.neighbour_provider.dagtilbudsnummer, "", "kids_total", "2025", "80", 30)]
    run = upload(client, world, excel_csv(VALUE_HEADER, rows))
    assert run["status"] == "failed"
    assert [(e["line"], e["column"]) for e in run["errors"]] == [(5, "Dagtilbudsnummer")]
    assert stored(db) == 0


def test_a_value_for_a_unit_is_keyed_by_the_unit_and_a_file_repeating_a_key_is_refused(client, world, indicators, db):
    unit = factories.unit(db, world.provider, name="Vuggestuen")
    number = world.provider.dagtilbudsnummer
    rows = [(number, "", "kids_total", "2025", "70", 30), (number, "vuggestuen", "kids_total", "2025", "75", 12)]
    run = upload(client, world, excel_csv(VALUE_HEADER, rows))
    assert run["counts"]["created"] == 2
    assert db.exec(select(IndicatorValue.value).where(IndicatorValue.unit_id == unit.id)).one() == 75
    repeated = upload(client, world, excel_csv(VALUE_HEADER, [*rows, rows[0]]))
    assert [(e["line"], e["detail"]) for e in repeated["errors"]] == [
        (4, "Line 2 of the file already has this key; each key may appear once.")
    ]


def test_a_missing_column_stops_the_file_before_any_row(client, world, indicators, db):
    run = upload(client, world, excel_csv(("Dagtilbudsnummer", "Indikator", "Værdi"), [("123456", "x", "1")]))
    assert run["status"] == "failed"
    assert {(e["line"], e["column"]) for e in run["errors"]} == {(1, "period")}


def test_an_import_is_audited_with_its_counts(client, world, indicators, db):
    run = upload(client, world, excel_csv(VALUE_HEADER, value_rows(world, 4)))
    events = db.exec(select(AuditEvent).where(AuditEvent.entity_id == run["id"]).order_by(AuditEvent.at)).all()
    assert [e.changes["_verb"] for e in events] == ["created", "updated"]
    assert events[0].actor_id == str(world.users[Role.ADMIN].id)
    assert events[1].changes["count_created"] == [0, 4] and events[1].changes["status"][1] == "succeeded"


def test_a_file_over_the_upload_limit_is_refused_with_413(client, world, indicators, app, settings):
    from api.deps import current_settings

    app.dependency_overrides[current_settings] = lambda: settings.model_copy(update={"import_max_bytes": 1000})
    response = client.post(
        URL,
        headers=world.headers(Role.ADMIN),
        files={"file": ("big.csv", b"x" * 5000)},
        data={"kind": "indicator-values"},
    )
    assert response.status_code == 413
    assert response.json()["type"] == "urn:tilsyn:problem:too-large"


def test_staff_cannot_import_and_a_supervisor_cannot_import_the_provider_register(client, world):
    files = {"file": ("p.csv", excel_csv(("dagtilbudsnummer",), [("123456",)]))}
    staff = client.post(URL, headers=world.headers(Role.STAFF), files=files, data={"kind": "indicator-values"})
    assert staff.status_code == 403
    supervisor = client.post(URL, headers=world.headers(Role.SUPERVISOR), files=files, data={"kind": "providers"})
    assert supervisor.status_code == 403


def test_another_municipalitys_run_is_not_found(client, world, indicators):
    run = upload(client, world, excel_csv(VALUE_HEADER, value_rows(world, 1)))
    other = factories.headers_for(world.settings, world.neighbour_admin)
    assert client.get(f"{URL}/{run['id']}", headers=other).status_code == 404
    assert client.get(URL, headers=other).json()["items"] == []
    assert [r["id"] for r in client.get(URL, headers=world.headers(Role.ADMIN)).json()["items"]] == [run["id"]]


def test_a_file_of_stored_and_new_rows_creates_only_the_new_and_replaces_only_what_differs(
    client, world, indicators, db
):
    rows = value_rows(world, 20)
    upload(client, world, excel_csv(VALUE_HEADER, rows[:10]))
    rows[2] = (*rows[2][:4], "12,5", rows[2][5])
    refused = upload(client, world, excel_csv(VALUE_HEADER, rows))
    assert refused["status"] == "failed" and stored(db) == 10  # the conflict stops the new rows too
    run = upload(client, world, excel_csv(VALUE_HEADER, rows), mode="replace")
    assert run["counts"] == {"rows": 20, "created": 10, "updated": 1, "unchanged": 9, "errors": 0}
    assert stored(db) == 20
    db.expire_all()
    assert db.exec(select(IndicatorValue.value).where(IndicatorValue.period == "1902")).one() == 12.5


def test_a_staged_id_that_is_not_the_municipalitys_is_refused_before_the_write(world, indicators, db):
    """indicator_value has no foreign keys: the importer checks every staged provider, unit and indicator once."""
    from api.imports import merge, staging
    from api.imports.kinds.indicator_values import STAGE_COLUMNS, TARGET

    stage = staging.stage_table(STAGE_COLUMNS)
    connection = db.connection()
    staging.create(connection, stage)
    own, indicator = world.provider.id.hex, indicators["kids_total"].id.hex
    foreign = world.neighbour_provider.id.hex
    with staging.StageWriter(connection, stage) as writer:
        writer.write(
            [
                (2, own, own, None, indicator, "2025", 70.0, 20, None),
                (3, foreign, foreign, None, indicator, "2025", 70.0, 20, None),  # another municipality's provider
                (4, own, own, None, uuid.uuid4().hex, "2025", 70.0, 20, None),  # no such indicator
                (5, own, (unit := uuid.uuid4().hex), unit, indicator, "2025", 70.0, 20, None),  # no such unit
            ]
        )
    found = sorted(
        (line, ref.column) for line, ref in merge.dangling(connection, TARGET, stage, world.municipality.id, 10)
    )
    assert found == [(3, "dagtilbudsnummer"), (4, "indicator"), (5, "unit")]
    staging.drop(connection, stage)


CELLS = [("72,5", "20"), ("72.5", "20"), ("1.234,5", ""), (" 72,5", "3"), ("1e1", "4"), ("nan", "2"), ("", "2")]
CELLS += [("72,5", " 3"), ("72,5", "-3"), ("72,5", "3,0"), ("101", "5"), ("72_5", "5"), ("inf", "")]


@pytest.mark.parametrize("value,count", CELLS)
def test_the_quick_path_accepts_exactly_what_the_full_check_accepts(world, indicators, db, value, count):
    from api.imports.columns import bind
    from api.imports.kinds import RowRefused
    from api.imports.kinds.indicator_values import COLUMNS, IndicatorValues
    from api.imports.values import NumberStyle

    index, _ = bind(list(VALUE_HEADER), COLUMNS)
    checker = IndicatorValues().checker(db, world.municipality.id, index, NumberStyle.DANISH)
    cells = [world.provider.dagtilbudsnummer, "", "kids_total", "2025", value, count]
    try:
        full = checker.check(cells)
    except RowRefused:
        full = None
    for _ in range(2):  # the first time learns the key cells, the second uses what it learnt
        quick = checker.quick(cells)
        assert quick is None or quick == full
    if (value, count) == ("72,5", "20"):
        assert quick == full  # a plain row does take the quick path
