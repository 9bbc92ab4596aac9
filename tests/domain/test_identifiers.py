"""Danish identifiers: formats and check digits, checked against an independent statement of the rules."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from domain.identifiers import (
    cvr_problem,
    dagtilbudsnummer_problem,
    kommunekode_problem,
    p_number_problem,
    postal_code_problem,
)

WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def mod11_holds(digits: str) -> bool:
    return sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11 == 0


def valid_cvrs(start: int, count: int) -> list[str]:
    """The first `count` numbers from `start` upwards that pass the modulus-11 rule, found by brute force."""
    candidates = (str(n) for n in itertools.count(start))
    return list(itertools.islice((c for c in candidates if mod11_holds(c)), count))


VALID_CVRS = valid_cvrs(10_000_000, 3) + valid_cvrs(29_000_000, 3) + valid_cvrs(99_999_000, 3)


@pytest.mark.parametrize("cvr", VALID_CVRS)
def test_cvr_numbers_with_a_correct_check_digit_pass(cvr: str):
    assert cvr_problem(cvr) is None


@pytest.mark.parametrize("cvr", VALID_CVRS)
def test_changing_one_digit_of_a_valid_cvr_breaks_the_check(cvr: str):
    # Weights 1-7 are all invertible mod 11, so any single typed-wrong digit is caught.
    for position in range(8):
        for digit in "0123456789":
            if digit == cvr[position] or (position == 0 and digit == "0"):
                continue
            typo = cvr[:position] + digit + cvr[position + 1 :]
            assert cvr_problem(typo) is not None, typo


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12345678", "modulus-11"),
        ("1234567", "8 digits"),
        ("123456789", "8 digits"),
        ("01234567", "does not start with 0"),
        ("1234567A", "8 digits"),
        ("", "8 digits"),
        ("1234 5678", "8 digits"),
        ("１２３４５６７８", "8 digits"),  # full-width digits are not the digits a CVR number is written in
    ],
)
def test_invalid_cvr_numbers_say_why(value: str, reason: str):
    problem = cvr_problem(value)
    assert problem is not None
    assert reason in problem


@given(st.from_regex(r"[1-9][0-9]{7}", fullmatch=True))
@example("10000004")
@example("12345678")
def test_cvr_problem_is_none_exactly_when_the_modulus_11_rule_holds(value: str):
    assert (cvr_problem(value) is None) == mod11_holds(value)


@given(st.from_regex(r"0[0-9]{7}", fullmatch=True))
def test_a_cvr_starting_with_0_is_never_valid(value: str):
    assert cvr_problem(value) is not None


@pytest.mark.parametrize("value", ["1234567890", "0000000001", "9999999999"])
def test_p_numbers_of_10_digits_pass(value: str):
    assert p_number_problem(value) is None


@pytest.mark.parametrize("value", ["123456789", "12345678901", "12345678x0", "", " 1234567890"])
def test_p_numbers_of_anything_but_10_digits_fail(value: str):
    problem = p_number_problem(value)
    assert problem is not None
    assert "10 digits" in problem


@pytest.mark.parametrize("value", ["101234", "000001", "ABC123", "Z9Z9Z9"])
def test_dagtilbudsnumre_of_6_digits_or_capitals_pass(value: str):
    assert dagtilbudsnummer_problem(value) is None


@pytest.mark.parametrize("value", ["12345", "1234567", "abc123", "ÆØÅ123", "12 345", "12-345", ""])
def test_other_dagtilbudsnumre_fail(value: str):
    problem = dagtilbudsnummer_problem(value)
    assert problem is not None
    assert "6 characters" in problem


@pytest.mark.parametrize("value", ["101", "147", "851", "999"])
def test_kommunekoder_from_101_to_999_pass(value: str):
    assert kommunekode_problem(value) is None


@pytest.mark.parametrize("value", ["100", "000", "099", "1000", "10", "abc", ""])
def test_other_kommunekoder_fail(value: str):
    problem = kommunekode_problem(value)
    assert problem is not None
    assert "101 to 999" in problem


@pytest.mark.parametrize("value", ["0800", "1000", "7100", "9990"])
def test_danish_postal_codes_pass(value: str):
    assert postal_code_problem(value) is None


@pytest.mark.parametrize("value", ["0799", "0000", "9991", "9999", "800", "71000", "71O0", ""])
def test_other_postal_codes_fail(value: str):
    problem = postal_code_problem(value)
    assert problem is not None
    assert "0800 to 9990" in problem


@given(st.integers(min_value=0, max_value=9999))
def test_a_4_digit_postal_code_passes_exactly_within_0800_to_9990(number: int):
    assert (postal_code_problem(f"{number:04d}") is None) == (800 <= number <= 9990)


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (cvr_problem, VALID_CVRS[0][0] + VALID_CVRS[0][1:].translate(FULL_WIDTH)),
        (p_number_problem, "1234567890".translate(FULL_WIDTH)),
        (kommunekode_problem, "101".translate(ARABIC_INDIC)),
        (postal_code_problem, "7100".translate(FULL_WIDTH)),
    ],
    ids=["cvr", "p_number", "kommunekode", "postal_code"],
)
def test_only_ascii_digits_count_as_digits(check, value: str):
    assert check(value) is not None
