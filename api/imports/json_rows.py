"""JSON rows without loading the file: an array of objects, or an object whose `rows` member is one.

The standard library's decoder parses one value at a time from a buffer (`raw_decode`); this walks the array with
it, reading more text as needed, so only the current object and a read buffer are in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from api.imports.values import FileProblem

_CHUNK = 64 * 1024
_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n"


class _Cursor:
    def __init__(self, text: IO[str]) -> None:
        self.text, self.buffer, self.at = text, "", 0

    def _more(self) -> bool:
        chunk = self.text.read(_CHUNK)
        if not chunk:
            return False
        self.buffer = self.buffer[self.at :] + chunk
        self.at = 0
        return True

    def peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            while self.at < len(self.buffer) and self.buffer[self.at] in _SPACE:
                self.at += 1
            if self.at < len(self.buffer) or not self._more():
                return self.buffer[self.at : self.at + 1]

    def take(self, expected: str) -> None:
        found = self.peek()
        if found != expected:
            raise FileProblem(f"Not the JSON expected: {expected!r} expected, found {found or 'the end'!r}.")
        self.at += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.at)
            except json.JSONDecodeError as exc:
                if self._more():  # the value may go on in the next chunk
                    continue
                raise FileProblem(f"Not valid JSON: {exc.msg}.") from None
            if end == len(self.buffer) and self._more():
                continue  # a number at the buffer's end may have more digits to come
            self.at = end
            return value


def _find_rows(cursor: _Cursor) -> None:
    """Move to the first element of the rows array: the top-level array, or the object's `rows` member."""
    if cursor.peek() == "[":
        cursor.take("[")
        return
    cursor.take("{")
    while cursor.peek() == '"':
        key = cursor.value()
        cursor.take(":")
        if key == "rows":
            cursor.take("[")
            return
        cursor.value()  # another member: read and dropped
        if cursor.peek() == ",":
            cursor.take(",")
    raise FileProblem('The JSON must be an array of objects, or an object with "rows": [...].')


def json_rows(text: IO[str]) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """The header (the first object's keys) and the rows, each as (position, values in the header's order).

    A later object's key that the first did not have is kept under an added column, so it is checked too."""
    cursor = _Cursor(text)
    if cursor.peek() == "\ufeff":
        cursor.at += 1
    _find_rows(cursor)
    header: list[str] = []
    index: dict[str, int] = {}

    def objects() -> Iterator[Any]:
        if cursor.peek() == "]":
            return
        while True:
            yield cursor.value()
            if cursor.peek() == ",":
                cursor.take(",")
                continue
            cursor.take("]")
            return

    stream = objects()
    first = next(stream, None)

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        for position, item in enumerate(() if first is None else _chain(first, stream), start=1):
            if not isinstance(item, dict):
                raise FileProblem(f"Element {position} of the rows is not an object.")
            for key in item:
                if key not in index:
                    index[key] = len(header)
                    header.append(key)
            cells: list[Any] = [None] * len(header)
            for key, value in item.items():
                cells[index[key]] = value
            yield position, cells

    if isinstance(first, dict):
        for key in first:
            index[key] = len(header)
            header.append(key)
    return header, numbered()


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest
