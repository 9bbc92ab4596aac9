"""What may not appear in text meant for publication: CPR numbers, e-mail addresses and phone numbers.

Supervision reports are published on the provider's website (the report duty of dagtilbudsloven §5) and must be about
the learning environment, never about a person. The guard refuses text with personal data and says where it
is; it never rewrites text itself, because only the author knows what the sentence should say instead.

Digits are spelled [0-9], never with the `d` class escape, which also matches other scripts' digits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from domain.errors import DomainError, ErrorCode, Violation

CPR, EMAIL, PHONE = "cpr", "email", "phone"

_LABELS = {CPR: "A CPR number", EMAIL: "An e-mail address", PHONE: "A phone number"}

_SPACE = "[ \u00a0]"  # a no-break space is what word processors put between digit groups

# DDMMYY, an optional dash or space, four digits; not part of a longer run of digits (an account number,
# a P-number). The modulus-11 check is deliberately not required: since 2007 valid CPR numbers may fail it.
_CPR = re.compile(rf"(?<![0-9])(?P<date>[0-9]{{6}})(?P<sep>-|{_SPACE})?(?P<serial>[0-9]{{4}})(?![0-9])")

_EMAIL = re.compile(r"(?<![\w.+-])(?P<local>[\w.+-]+)@(?P<domain>(?:[\w-]+\.)+[^\W\d_]{2,})(?![\w-])")

# Eight digits as Danes write them: 23456789, 23 45 67 89, 2345 6789, 23-45-67-89 or 2345-6789, maybe after +45,
# 0045 or (+45); a space, a no-break space or a dash between the groups. Danish subscriber numbers start with 2-9,
# which keeps amounts and codes starting with 0 or 1 out; a run that goes on with more digits (after a dash, too)
# is a longer code, and two years side by side are a period (below), not a phone number.
_SEP = "[ \u00a0-]"
_PHONE = re.compile(
    rf"(?<![\w+])(?<![0-9]-)"
    rf"(?:(?:\((?:\+|00)45\)|(?:\+|00)45){_SEP}?)?"
    r"(?P<number>[2-9][0-9](?:"
    r"[0-9]{6}"
    rf"|[0-9]{{2}}{_SEP}[0-9]{{4}}"
    rf"|(?:{_SEP}[0-9]{{2}}){{3}}"
    r"))"
    r"(?![0-9]|-[0-9])"
)

# A private provider's CVR or SE number is eight digits too, and public: it is not a phone number.
_COMPANY_NUMBER_BEFORE = re.compile(r"\b(?:CVR|SE)(?:[- ]?(?:nr\.?|nummer))?:?[ \u00a0]*$", re.IGNORECASE)

# Two years side by side ("2023 2024" in a table, "2023-2024" for a period) have the shape of a phone number.
_YEAR_PAIR = re.compile(rf"(?:19|20)[0-9]{{2}}{_SEP}(?:19|20)[0-9]{{2}}")


@dataclass(frozen=True)
class Finding:
    """Personal data found in a text: what kind, where (`start`/`end` offsets; 1-based line and column)."""

    kind: str  # "cpr", "email" or "phone"
    start: int
    end: int
    line: int
    column: int
    excerpt: str  # masked, so that reporting a finding does not repeat it, e.g. "010203-****"


def find_personal_data(text: str) -> tuple[Finding, ...]:
    """Every CPR number, e-mail address and Danish phone number in `text`, in order of position."""
    found = [_finding(text, CPR, m, _mask_cpr(m)) for m in _CPR.finditer(text) if _is_cpr(m)]
    found += [_finding(text, EMAIL, m, _mask_email(m)) for m in _EMAIL.finditer(text)]
    taken = [(f.start, f.end) for f in found]
    for match in _PHONE.finditer(text):
        # A CPR number is reported as a CPR number, and digits inside an e-mail address are that address.
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        if _COMPANY_NUMBER_BEFORE.search(text, max(0, match.start() - 20), match.start()):
            continue
        if _YEAR_PAIR.fullmatch(match.group()):
            continue
        found.append(_finding(text, PHONE, match, _mask_digits(match.group())))
    return tuple(sorted(found, key=lambda f: (f.start, f.end, f.kind)))


def refuse_personal_data(texts: Mapping[str, str]) -> None:
    """Refuse texts for publication that hold personal data: one violation per finding, located by the key."""
    violations = [
        Violation(
            location,
            f"{_LABELS[f.kind]} at line {f.line}, column {f.column} ({f.excerpt}) may not be published; remove it.",
        )
        for location, text in texts.items()
        for f in find_personal_data(text)
    ]
    if violations:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"The text holds personal data that may not be published ({len(violations)} finding(s)).",
            violations,
        )


def cpr_birth_date(ddmmyy: str, seventh_digit: int) -> date | None:
    """The birth date a CPR number's first seven digits give, or None when it is no calendar date.

    The 7th digit picks the century, so 29 February is checked against the right year.
    """
    day, month, yy = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    if seventh_digit <= 3:
        century = 1900
    elif seventh_digit in (4, 9):
        century = 2000 if yy <= 36 else 1900
    else:
        century = 2000 if yy <= 57 else 1800
    try:
        return date(century + yy, month, day)
    except ValueError:
        return None


def _is_cpr(match: re.Match[str]) -> bool:
    return cpr_birth_date(match["date"], int(match["serial"][0])) is not None


def _finding(text: str, kind: str, match: re.Match[str], excerpt: str) -> Finding:
    start = match.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return Finding(kind, start, match.end(), line, column, excerpt)


def _mask_cpr(match: re.Match[str]) -> str:
    # The date alone identifies no one; the serial together with it does.
    return f"{match['date']}{match['sep'] or ''}****"


def _mask_email(match: re.Match[str]) -> str:
    return f"{match['local'][0]}***@{match['domain']}"


def _mask_digits(number: str, keep_last_hidden: int = 4) -> str:
    """The number with its last four digits starred, keeping spaces and the country code as written."""
    chars, hidden = list(number), 0
    for index in range(len(chars) - 1, -1, -1):
        if hidden == keep_last_hidden:
            break
        if chars[index].isdigit():
            chars[index], hidden = "*", hidden + 1
    return "".join(chars)
