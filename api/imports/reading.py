"""Reading an uploaded file row by row: CSV as Excel writes it in Denmark, XLSX, and JSON.

Everything streams: a reader holds one row (and the decoder's buffer) at a time, never the file, so a
million-row file costs the memory of a few rows. Each row comes with its line as the user sees it: the row number
in Excel (the header is row 1), or for JSON the object's position in its array (the first is 1).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from api.imports.json_rows import json_rows
from api.imports.values import FileProblem, NumberStyle

SAMPLE_BYTES = 256 * 1024  # enough to see the encoding and the separator of any real file
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
csv.field_size_limit(1_000_000)


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


@dataclass
class Rows:
    """A file opened for reading: its header as written, the number style, and its rows (line, cells)."""

    format: FileFormat
    header: list[str]
    style: NumberStyle
    rows: Iterator[tuple[int, list[Any]]]
    size: int  # bytes, for progress
    _position: Any = None
    _wrapper: io.TextIOWrapper | None = None  # the text layer over the file, closed with it

    def position(self) -> int:
        """How far into the file reading has come, in bytes (for a progress bar); 0 when unknown."""
        return int(self._position()) if self._position else 0

    def close(self) -> None:
        """Close the text layer (and with it the file) once done; a workbook closes when its rows are read."""
        if self._wrapper is not None:
            self._wrapper.close()


def detect_format(name: str, head: bytes) -> FileFormat:
    """The format by the file's first bytes (a zip is a workbook, `[` or `{` is JSON), else by its name."""
    if head.startswith(b"PK\x03\x04"):
        return FileFormat.XLSX
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"[", b"{"):
        return FileFormat.JSON
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise FileProblem("The file is named as an Excel workbook but is not one; save it again as .xlsx.")
    return FileFormat.CSV


def open_rows(stream: IO[bytes], name: str = "") -> Rows:
    """Open `stream` (binary, seekable) for reading row by row, whatever its format."""
    head = stream.read(SAMPLE_BYTES)
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    kind = detect_format(name, head)
    if kind is FileFormat.XLSX:
        return _xlsx(stream, size)
    if kind is FileFormat.JSON:
        wrapper = _text(stream, _encoding(head))
        header, rows = json_rows(wrapper)
        return Rows(kind, header, NumberStyle.DOT, rows, size, stream.tell, wrapper)
    return _csv(stream, head, size)


def _encoding(head: bytes) -> str:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the sample's end is not an error
    except UnicodeDecodeError:
        return "cp1252"  # Excel's "CSV (semikolonsepareret)" writes Windows-1252 without a BOM
    return "utf-8"


def _text(stream: IO[bytes], encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(stream, encoding=encoding, newline="")  # type: ignore[arg-type]


def _separator(first_line: str) -> str:
    """`;` (Excel in Denmark), tab (Excel's Unicode text) or `,`: whichever the header line holds most of."""
    counts = {sep: first_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _csv(stream: IO[bytes], head: bytes, size: int) -> Rows:
    encoding = _encoding(head)
    sample = head.decode(encoding, errors="replace")
    if encoding == "utf-8-sig":
        sample = sample.removeprefix("\ufeff")
    separator = _separator(sample.split("\n", 1)[0])
    style = NumberStyle.DOT if separator == "," else NumberStyle.DANISH
    wrapper = _text(stream, encoding)
    reader = csv.reader(wrapper, delimiter=separator)
    try:
        header = next(reader)
    except StopIteration:
        raise FileProblem("The file is empty; the first row must name the columns.") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileProblem(f"The first row cannot be read: {exc}.") from None
    rows = _csv_rows(reader, encoding)
    return Rows(FileFormat.CSV, [h.strip() for h in header], style, rows, size, stream.tell, wrapper)


def _csv_rows(reader: Any, encoding: str) -> Iterator[tuple[int, list[Any]]]:
    line = 1  # the header is row 1, as Excel shows it
    try:
        for cells in reader:
            line += 1
            yield line, cells
    except UnicodeDecodeError:
        raise FileProblem(
            f"Row {line + 1} is not valid {encoding} text; save the file again as CSV UTF-8 "
            "(or CSV semikolonsepareret)."
        ) from None
    except csv.Error as exc:
        raise FileProblem(f"Row {line + 1} cannot be read as CSV: {exc}.") from None


def _xlsx(stream: IO[bytes], size: int) -> Rows:
    from openpyxl import load_workbook  # imported here: only a workbook needs it, and it takes a moment to load

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # a damaged zip or sheet: openpyxl raises many kinds
        raise FileProblem(f"The workbook cannot be read: {exc}.") from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None:
        workbook.close()
        raise FileProblem("The first sheet is empty; its first row must name the columns.")
    header = [("" if cell is None else str(cell)).strip() for cell in first]
    while header and not header[-1]:
        header.pop()

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            for line, cells in enumerate(rows, start=2):
                yield line, list(cells)
        finally:
            workbook.close()

    # Text cells in a Danish workbook write numbers the Danish way; typed number cells are read as they are.
    return Rows(FileFormat.XLSX, header, NumberStyle.DANISH, numbered(), size, None)


@contextlib.contextmanager
def open_path(path: Path) -> Iterator[Rows]:
    """Open a file on disk for reading row by row; closed when the block ends."""
    with path.open("rb") as stream:
        rows = open_rows(stream, path.name)
        try:
            yield rows
        finally:
            with contextlib.suppress(ValueError):  # a text layer left open after a decoding error
                rows.close()
