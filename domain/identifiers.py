"""Danish public identifiers: formats and check digits, so bad imports fail at the door with a reason.

Digits are spelled [0-9], never with the `d` class escape: in Python that also matches full-width and other
Unicode digits, which would let "７１００" through as a postal code.
"""

from __future__ import annotations

import re

_CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def cvr_problem(value: str) -> str | None:
    """Why `value` is not a CVR number (8 digits, modulus-11 check), or None when it is one."""
    if not re.fullmatch(r"[1-9][0-9]{7}", value):
        return "A CVR number is 8 digits and does not start with 0."
    if sum(int(d) * w for d, w in zip(value, _CVR_WEIGHTS, strict=True)) % 11:
        return "The CVR number fails its modulus-11 check digit; check for a typing error."
    return None


def p_number_problem(value: str) -> str | None:
    """Why `value` is not a P-number (produktionsenhedsnummer: 10 digits), or None when it is one."""
    if not re.fullmatch(r"[0-9]{10}", value):
        return "A P-number (produktionsenhedsnummer) is exactly 10 digits."
    return None


def dagtilbudsnummer_problem(value: str) -> str | None:
    """Why `value` is not a dagtilbudsnummer (6 characters, digits or capital letters), or None."""
    if not re.fullmatch(r"[0-9A-Z]{6}", value):
        return "A dagtilbudsnummer is exactly 6 characters: digits or capital letters."
    return None


def kommunekode_problem(value: str) -> str | None:
    """Why `value` is not a kommunekode (3 digits, 101-999), or None."""
    if not re.fullmatch(r"[0-9]{3}", value) or int(value) < 101:
        return "A kommunekode is 3 digits from 101 to 999."
    return None


def postal_code_problem(value: str) -> str | None:
    """Why `value` is not a Danish postal code (4 digits, 0800-9990), or None."""
    if not re.fullmatch(r"[0-9]{4}", value) or not 800 <= int(value) <= 9990:
        return "A Danish postal code is 4 digits from 0800 to 9990."
    return None
