"""Reading files as people save them in Denmark, row by row (issue 12): encodings, separators, numbers, dates."""

from __future__ import annotations

import io
import tracemalloc
from datetime import date

import pytest

from api.imports import json_rows as json_module
from api.imports.reading import FileFormat, open_path, open_rows
from api.imports.values import CellError, NumberStyle, day, decimal, integer


def read(content: bytes, name: str = "file.csv"):  # type: ignore[no-untyped-def]
    rows = open_rows(io.BytesIO(content), name)
    return rows, list(rows.rows)


def test_a_csv_saved_by_excel_in_windows_1252_without_a_bom_keeps_its_danish_letters():
    content = "Navn;Værdi\r\nBørnehuset Åen;72,5\r\n".encode("cp1252")
    rows, found = read(content)
    assert rows.header == ["Navn", "Værdi"] and rows.style is NumberStyle.DANISH
    assert found == [(2, ["Børnehuset Åen", "72,5"])]


def test_a_comma_separated_file_is_read_with_decimal_points():
    rows, found = read(b'name,value\r\n"Skovly, afd. 2",72.5\r\n')
    assert rows.style is NumberStyle.DOT
    assert found == [(2, ["Skovly, afd. 2", "72.5"])]
    assert decimal(found[0][1][1], rows.style) == 72.5


def test_rows_are_numbered_as_excel_shows_them_with_blank_rows_counted():
    _rows, found = read("\ufeffa;b\r\n1;2\r\n;\r\n3;4\r\n".encode())
    assert [line for line, _ in found] == [2, 3, 4]


@pytest.mark.parametrize(
    ("text", "style", "value"),
    [
        ("72,5", NumberStyle.DANISH, 72.5),
        ("1.234,5", NumberStyle.DANISH, 1234.5),
        ("1.234", NumberStyle.DANISH, 1234),
        ("72.5", NumberStyle.DANISH, 72.5),
        (" -3 ", NumberStyle.DANISH, -3),
        ("1,234.5", NumberStyle.DOT, 1234.5),
        ("72.5", NumberStyle.DOT, 72.5),
    ],
)
def test_numbers_are_read_as_they_are_written(text: str, style: NumberStyle, value: float):
    assert decimal(text, style) == value


@pytest.mark.parametrize("text", ["72,5,1", "abc", "nan", "1_000", ""])
def test_what_is_not_a_number_is_refused_with_an_example(text: str):
    with pytest.raises(CellError, match="72,5"):
        decimal(text, NumberStyle.DANISH)


def test_a_count_is_a_whole_number():
    assert integer("1.234", NumberStyle.DANISH) == 1234
    with pytest.raises(CellError):
        integer("2,5", NumberStyle.DANISH)


@pytest.mark.parametrize("text", ["31-12-2025", "31.12.2025", "31/12/2025", "2025-12-31", "2025-12-31T00:00:00"])
def test_dates_are_read_day_first_or_iso(text: str):
    assert day(text) == date(2025, 12, 31)


def test_an_impossible_date_is_refused():
    with pytest.raises(CellError, match="No such date"):
        day("31-02-2025")


def test_json_rows_stream_through_any_chunk_boundary(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(json_module, "_CHUNK", 7)
    content = b'{"source": {"x": [1, 2]}, "rows": [{"a": 1, "b": "\xc3\xa6"}, {"a": 22.5}, {"b": "x", "c": null}]}'
    rows, found = read(content, "rows.json")
    assert rows.format is FileFormat.JSON
    assert rows.header == ["a", "b", "c"]
    assert found == [(1, [1, "æ"]), (2, [22.5, None]), (3, [None, "x", None])]


def test_reading_a_million_row_file_keeps_memory_flat(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write("Dagtilbudsnummer;Indikator;Periode;Værdi;Antal\r\n")
        out.writelines(
            f"{101001 + i % 300};kids_total;{1900 + i % 1000};{i % 1000 / 10:.1f};{i % 50}\r\n"
            for i in range(1_000_000)
        )
    tracemalloc.start()
    try:
        with open_path(path) as rows:
            count = sum(1 for _ in rows.rows)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 1_000_000
    assert peak < 2_000_000, f"reading held {peak:,} bytes at its peak"  # the file is ~35 MB
