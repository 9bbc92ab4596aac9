"""The publication guard: CPR numbers, e-mail addresses and phone numbers are found; ordinary numbers are not."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError, ErrorCode
from domain.privacy import Finding, find_personal_data, refuse_personal_data


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_personal_data(text)]


# --- CPR numbers ---


@pytest.mark.parametrize("cpr", ["010203-1234", "0102031234", "010203 1234"])
def test_a_cpr_number_is_found_with_its_position(cpr: str):
    text = f"Barnets CPR er {cpr}."
    assert find_personal_data(text) == (Finding("cpr", 15, 15 + len(cpr), 1, 16, f"010203{cpr[6:-4]}****"),)


def test_line_and_column_count_from_one_on_the_line_where_the_number_is():
    (finding,) = find_personal_data("Overskrift\n\nDer står: 311299-9876 her")
    assert (finding.line, finding.column) == (3, 11)
    assert finding.excerpt == "311299-****"


@pytest.mark.parametrize(
    "cpr",
    [
        "320190-1234",  # 32 January
        "011390-1234",  # month 13
        "000190-1234",  # day 0
        "290223-4123",  # 7th digit 4, YY 23: 2023, not a leap year
        "290200-0123",  # 7th digit 0: 1900, not a leap year
        "290237-4123",  # 7th digit 4, YY 37: 1937, not a leap year
    ],
)
def test_no_calendar_date_means_no_cpr_number(cpr: str):
    assert find_personal_data(f"Sagsnummer {cpr}") == ()


@pytest.mark.parametrize(
    "cpr",
    [
        "290200-4123",  # 7th digit 4, YY 00: 2000, a leap year
        "290200-5123",  # 7th digit 5, YY 00: 2000
        "290296-1234",  # 7th digit 1: 1996
        "290296-5234",  # 7th digit 5, YY 96: 1896, a leap year
        "290204-9123",  # 7th digit 9, YY 04: 2004
    ],
)
def test_29_february_in_a_leap_year_of_the_cpr_century_is_found(cpr: str):
    assert kinds(f"CPR {cpr}") == ["cpr"]


def test_a_number_that_fails_modulus_11_is_still_a_cpr_number():
    # 010203-1234 fails the old check (weights 4,3,2,7,6,5,4,3,2,1 give 52); such numbers exist since 2007.
    assert sum(int(d) * w for d, w in zip("0102031234", (4, 3, 2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11
    assert kinds("010203-1234") == ["cpr"]


@pytest.mark.parametrize("text", ["Konto 12010203-1234", "Ref. 0102031234567", "P-nummer 10020312345"])
def test_a_cpr_shape_inside_a_longer_run_of_digits_is_not_one(text: str):
    assert kinds(text) == []


def test_a_cpr_number_is_reported_as_cpr_not_as_a_phone_number():
    assert kinds("0102034567 og 010203 4567") == ["cpr", "cpr"]


def seventh_digits(year: int) -> list[int]:
    """The 7th digits that put a birth in `year`, read off the CPR office's century table."""
    if 1858 <= year <= 1899:
        return [5, 6, 7, 8]
    if 1900 <= year <= 1936:
        return [0, 1, 2, 3]
    if 1937 <= year <= 1999:
        return [0, 1, 2, 3, 4, 9]
    if 2000 <= year <= 2036:
        return [4, 5, 6, 7, 8, 9]
    return [5, 6, 7, 8]  # 2037-2057


@st.composite
def valid_cprs(draw: st.DrawFn) -> str:
    born = draw(st.dates(date(1858, 1, 1), date(2057, 12, 31)))
    digit, rest = draw(st.sampled_from(seventh_digits(born.year))), draw(st.integers(0, 999))
    separator = draw(st.sampled_from(["-", "", " "]))
    return f"{born:%d%m}{born.year % 100:02d}{separator}{digit}{rest:03d}"


@given(st.text(max_size=40), valid_cprs(), st.text(max_size=40))
def test_a_valid_cpr_number_in_any_text_is_found(before: str, cpr: str, after: str):
    text = f"{before} {cpr} {after}"
    start = len(before) + 1
    hits = [f for f in find_personal_data(text) if f.kind == "cpr" and f.start == start]
    assert len(hits) == 1
    assert hits[0].end == start + len(cpr)
    assert hits[0].line == before.count("\n") + 1
    assert hits[0].excerpt.endswith("****") and cpr[-4:] not in hits[0].excerpt[6:]


# --- e-mail addresses and phone numbers ---


def test_an_email_address_is_found_without_the_full_stop_after_it():
    text = "Skriv til anna.hansen@boernehuset.kolding.dk."
    assert find_personal_data(text) == (Finding("email", 10, 44, 1, 11, "a***@boernehuset.kolding.dk"),)


@pytest.mark.parametrize(
    ("number", "excerpt"),
    [
        ("23456789", "2345****"),
        ("23 45 67 89", "23 45 ** **"),
        ("2345 6789", "2345 ****"),
        ("+45 23 45 67 89", "+45 23 45 ** **"),
        ("+4523456789", "+452345****"),
        ("0045 2345 6789", "0045 2345 ****"),
    ],
)
def test_danish_phone_numbers_are_found_in_the_usual_groupings(number: str, excerpt: str):
    (finding,) = find_personal_data(f"Ring på {number} i dag")
    assert (finding.kind, finding.start, finding.end, finding.excerpt) == ("phone", 8, 8 + len(number), excerpt)


@pytest.mark.parametrize(
    "number",
    [
        "2345 6789",
        "23 45 67 89",
        "2345-6789",
        "23-45-67-89",
        "23456789",
        "+45 2345 6789",
        "+4523456789",
        "0045 23456789",
        "(+45) 23 45 67 89",
        "2345\u00a06789",
    ],
)
def test_the_guard_knows_every_common_danish_phone_format(number: str):
    text = f"Kontakt dagplejeren på {number}."
    (finding,) = find_personal_data(text)
    assert finding.kind == "phone"
    assert text[finding.start : finding.end] == number  # the whole number, country code included
    assert finding.excerpt.endswith("*") and number not in finding.excerpt


_SUBSCRIBER = st.integers(20_000_000, 99_999_999).map(str)
_PREFIX = st.sampled_from(["", "+45 ", "+45", "0045 ", "(+45) ", "+45-"])


def _written(digits: str, grouping: str) -> str:
    pairs = [digits[i : i + 2] for i in range(0, 8, 2)]
    return {
        "plain": digits,
        "4+4 space": f"{digits[:4]} {digits[4:]}",
        "4+4 dash": f"{digits[:4]}-{digits[4:]}",
        "pairs space": " ".join(pairs),
        "pairs dash": "-".join(pairs),
    }[grouping]


@given(_SUBSCRIBER, st.sampled_from(["plain", "4+4 space", "4+4 dash", "pairs space", "pairs dash"]), _PREFIX)
def test_the_guard_knows_every_common_danish_phone_format_whatever_the_number(digits, grouping, prefix):
    number = prefix + _written(digits, grouping)
    findings = find_personal_data(f"Ring til lederen på {number} efter kl. 15.")
    assert [(f.kind, f.end - f.start) for f in findings] == [("phone", len(number))]


@pytest.mark.parametrize(
    "text",
    [
        "Resultatet er 55,0 % mod 48,5 % ved sidste tilsyn.",
        "Tilsynet blev holdt 2025-02-03 og fulgt op 2025-03-17.",
        "Dagtilbudsnummer 101234 og 654321.",
        "I perioden 2023-2024 og 2024 2025 steg kvaliteten.",
        "Et samlet resultat på 72,4 % (god) den 20.11.2026.",
        "Sag 2345-6789-12 er en journal, ikke et nummer.",
    ],
)
def test_years_percents_dates_and_dagtilbudsnumre_are_not_phone_numbers(text: str):
    assert find_personal_data(text) == ()


@given(
    st.lists(
        st.one_of(
            st.integers(1900, 2099).map(str),  # a year
            st.tuples(st.integers(1900, 2099), st.integers(1900, 2099)).map(lambda p: f"{p[0]}-{p[1]}"),  # a period
            st.dates(date(1990, 1, 1), date(2099, 12, 31)).map(date.isoformat),  # an ISO date
            st.dates(date(1990, 1, 1), date(2099, 12, 31)).map(lambda d: f"{d:%d.%m.%Y}"),  # a Danish date
            st.integers(0, 1000).map(lambda n: f"{n / 10:.1f}".replace(".", ",") + " %"),  # a percent
            st.integers(100_000, 999_999).map(str),  # a dagtilbudsnummer
        ),
        max_size=10,
    ),
    st.sampled_from([" og ", ", ", "; "]),  # "120100 1900" would read as a CPR number with a space
)
def test_years_percents_dates_and_dagtilbudsnumre_are_never_flagged(parts: list[str], between: str):
    assert find_personal_data(between.join(parts)) == ()


def test_findings_come_in_order_of_position():
    text = "Mail: pia@example.dk\nTlf. 87 65 43 21, CPR 010203-1234"
    assert kinds(text) == ["email", "phone", "cpr"]
    assert [f.line for f in find_personal_data(text)] == [1, 2, 2]


@pytest.mark.parametrize(
    "text",
    [
        "Børnehuset har 45 børn og 12 ansatte",
        "Tilsynet i 2024 viste fremgang siden 2022.",
        "Adresse: Skolevej 3, 7100 Fjordby",
        "Dagtilbudsnummer 101234",
        "Kommunekode 621, 18 pædagoger, 1 leder",
        "CVR-nr. 29189382 og SE 22345678",
        "Fordelt over årene 2023 2024",
        "Normering 1:3 og 1:6; 2,5 % sygefravær",
    ],
)
def test_ordinary_numbers_in_a_report_are_not_personal_data(text: str):
    assert find_personal_data(text) == ()


@given(st.lists(st.integers(0, 999_999), max_size=12))
def test_numbers_of_up_to_six_digits_are_never_flagged(numbers: list[int]):
    assert find_personal_data(" og ".join(str(n) for n in numbers) + " børn") == ()


# --- refusing text for publication ---


def test_refuse_names_each_finding_by_field_line_and_column_without_repeating_it():
    texts = {
        "summary": "God dag.\nBarnet (010203-1234) trives.",
        "recommendations[2].text": "Ring 23 45 67 89 eller skriv til leder@example.dk",
        "strengths": "Ingen persondata her.",
    }
    with pytest.raises(DomainError) as caught:
        refuse_personal_data(texts)
    error = caught.value
    assert error.code is ErrorCode.INVALID_INPUT
    assert [v.location for v in error.violations] == ["summary", "recommendations[2].text", "recommendations[2].text"]
    first, phone, email = (v.message for v in error.violations)
    assert "CPR" in first and "line 2, column 9" in first
    assert "phone" in phone and "line 1, column 6" in phone
    assert "e-mail" in email
    everything = error.detail + " ".join(v.message for v in error.violations)
    for secret in ("010203-1234", "23 45 67 89", "leder@example.dk"):
        assert secret not in everything


def test_clean_text_is_accepted():
    assert refuse_personal_data({"summary": "Børnehuset har 45 børn og 12 ansatte.", "empty": ""}) is None
