"""Cell values as people type them in Denmark: decimal comma, thousands dots, dd-mm-yyyy dates, ja/nej.

Each parser takes what a reader gives (text from CSV, typed values from XLSX and JSON) and returns the value, or
raises `CellError` with why in plain words; the import names the row, column and value beside it.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from enum import StrEnum


class CellError(ValueError):
    """A cell's value cannot be used; the message says why."""


class FileProblem(ValueError):
    """The file as a whole cannot be read (not a table, undecodable, no header); the message says why."""


class NumberStyle(StrEnum):
    """How a file writes numbers: Danish (`72,5`, `1.234,5`: Excel in Denmark, `;`-separated) or with a dot."""

    DANISH = "danish"
    DOT = "dot"


_DANISH_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?")
_DANISH_PLAIN = re.compile(r"[+-]?[0-9]+(,[0-9]+)?")
_DOT_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_DOT_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")


def blank(value: object) -> bool:
    """An empty cell: None, or text of white space only."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object, max_length: int) -> str:
    """The cell as trimmed text of at most `max_length` characters."""
    result = _plain(value).strip()
    if len(result) > max_length:
        raise CellError(f"At most {max_length} characters; this has {len(result)}.")
    return result


def _plain(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number cell such as a dagtilbudsnummer typed as 101001
    return str(value)


def decimal(value: object, style: NumberStyle) -> float:
    """A number: `72,5` or `1.234,5` in Danish files (a lone dot with other than three digits after it is read as a
    decimal point, as a script may write it), `72.5` in dot files; typed numbers as they are."""
    if type(value) is str and "_" not in value:  # the common case, without a regular expression
        plain = value.replace(",", ".") if style is NumberStyle.DANISH and "." not in value else None
        plain = value if style is NumberStyle.DOT and "," not in value else plain
        if plain is not None:
            try:
                number = float(plain)
            except ValueError:
                pass
            else:
                if math.isfinite(number):
                    return number
    if isinstance(value, bool):
        raise CellError("A number is needed, not true or false.")
    if isinstance(value, int | float):
        return float(value)
    raw = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if style is NumberStyle.DANISH:
        if _DANISH_GROUPED.fullmatch(raw):
            return float(raw.replace(".", "").replace(",", "."))
        if _DANISH_PLAIN.fullmatch(raw):
            return float(raw.replace(",", "."))
        if _DOT_NUMBER.fullmatch(raw) and "," not in raw:
            return float(raw)
    elif _DOT_NUMBER.fullmatch(raw):
        return float(raw)
    elif _DOT_GROUPED.fullmatch(raw):
        return float(raw.replace(",", ""))
    example = "72,5" if style is NumberStyle.DANISH else "72.5"
    raise CellError(f"Not a number; write it like {example}.")


def integer(value: object, style: NumberStyle) -> int:
    """A whole number (`1.234` is one thousand two hundred and thirty-four in a Danish file)."""
    if type(value) is str and value.isascii() and value.isdigit():
        return int(value)
    number = decimal(value, style)
    if not number.is_integer():
        raise CellError("A whole number is needed.")
    return int(number)


_DAY_FIRST = re.compile(r"([0-9]{1,2})[-./]([0-9]{1,2})[-./]([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def day(value: object) -> date:
    """A date: `31-12-2025` (also with `.` or `/`), ISO `2025-12-31`, or a date cell of a workbook."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    raw = raw.split("T")[0].split(" ")[0]  # a time of day after the date is ignored
    try:
        if match := _ISO.fullmatch(raw):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DAY_FIRST.fullmatch(raw):
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError as exc:
        raise CellError("No such date.") from exc
    raise CellError("Not a date; write it like 31-12-2025 or 2025-12-31.")


_TRUE = frozenset({"ja", "j", "yes", "y", "true", "sand", "1", "x"})
_FALSE = frozenset({"nej", "n", "no", "false", "falsk", "0"})


def yes_no(value: object) -> bool:
    """ja/nej (also yes/no, true/false, 1/0, x)."""
    if isinstance(value, bool):
        return value
    raw = _plain(value).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError("Write ja or nej.")
