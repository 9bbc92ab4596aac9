"""Text the service can store: no control characters that a database refuses or that no person types.

PostgreSQL cannot store a NUL (U+0000) in text at all, and SQLite stores it silently, so one database would fail
where the other keeps garbage. The rule is the same for both: text that comes in (a body, a query, a header) must
hold no C0 control character except tab, line feed and carriage return, and no lone UTF-16 surrogate (which UTF-8
cannot encode). The API refuses such text with a 422 that names where it is.
"""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def unstorable_problem(value: str) -> str | None:
    """Why the text cannot be stored, naming the first offending character; None when it can."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    return (
        f"The text holds a control character (U+{ord(found.group()):04X}) at position {found.start() + 1}, "
        "which cannot be stored; only tab, line feed and carriage return are allowed."
    )


def printable(value: str) -> str:
    """The text with every unstorable character spelled out (`\\u0000`), safe to echo back in an error."""
    return _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
