"""The indicator rules: period keys, the small-number rule, who sees which indicator, and Kolding's catalogue."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.access import Role
from domain.errors import DomainError
from domain.indicator_catalogue import KOLDING_CATALOGUE
from domain.indicators import (
    MeasureUnit,
    PeriodKind,
    check_definition,
    check_value,
    format_value,
    latest_period_key_on,
    parse_period,
    present,
    visible_to,
)
from domain.providers import ProviderKind

BY_KEY = {d.key: d for d in KOLDING_CATALOGUE}
NOT_SEEING_RAW = (Role.LEADER, Role.STAFF, Role.PARENT_BOARD, Role.COMMITTEE)


@pytest.mark.parametrize(
    ("text", "kind", "key"),
    [
        ("2025", PeriodKind.YEAR, "2025"),
        (" 2025-H2", PeriodKind.HALF_YEAR, "2025-H2"),
        ("2024-R1", PeriodKind.SURVEY_ROUND, "2024-R1"),
    ],
)
def test_a_period_key_of_its_kind_is_read(text: str, kind: PeriodKind, key: str):
    assert parse_period(text, kind).key == key


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("2025-H1", PeriodKind.YEAR),
        ("2025", PeriodKind.HALF_YEAR),
        ("2025-H3", PeriodKind.HALF_YEAR),
        ("25", PeriodKind.YEAR),
        ("2025-R0", PeriodKind.SURVEY_ROUND),
    ],
)
def test_a_period_key_in_the_wrong_form_is_refused_with_an_example(text: str, kind: PeriodKind):
    with pytest.raises(DomainError) as refused:
        parse_period(text, kind)
    assert refused.value.violations[0].location == "body.period"


def test_the_latest_period_on_a_day_is_the_one_that_has_begun():
    assert latest_period_key_on(PeriodKind.HALF_YEAR, date(2026, 6, 30)) == "2026-H1"
    assert latest_period_key_on(PeriodKind.HALF_YEAR, date(2026, 7, 1)) == "2026-H2"
    assert latest_period_key_on(PeriodKind.YEAR, date(2026, 1, 1)) == "2026"
    assert "2026-R3" <= latest_period_key_on(PeriodKind.SURVEY_ROUND, date(2026, 1, 1)) < "2027-R1"


@pytest.mark.parametrize("role", NOT_SEEING_RAW)
def test_a_count_below_five_shows_as_less_than_five_beyond_the_supervision(role: Role):
    shown = present(BY_KEY["school_deferral"], 3, None, role)
    assert (shown.value, shown.display, shown.suppressed) == (None, "<5", True)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR])
def test_admin_and_supervisors_see_the_raw_count(role: Role):
    shown = present(BY_KEY["school_deferral"], 3, None, role)
    assert (shown.value, shown.display, shown.suppressed) == (3, "3", False)


def test_a_share_from_few_respondents_is_suppressed_and_from_enough_is_shown():
    kids = BY_KEY["boernelinealen"]
    assert present(kids, 80.0, 4, Role.LEADER).display == "<5"
    assert present(kids, 80.0, 5, Role.LEADER).display == "80 %"
    assert present(kids, 80.0, None, Role.LEADER).display == "80 %"  # no count known: the share alone is shown


def test_the_threshold_is_the_indicators_own():
    strict = replace(BY_KEY["school_deferral"], small_number_threshold=10)
    assert present(strict, 7, None, Role.COMMITTEE).display == "<10"


def test_values_are_written_the_danish_way():
    assert format_value(MeasureUnit.PERCENT, 72.5) == "72,5 %"
    assert format_value(MeasureUnit.COUNT, 12345) == "12.345"
    assert format_value(MeasureUnit.DAYS, 1234.56) == "1.234,56 dage"


def test_provider_roles_see_only_what_is_shown_to_them_and_the_committee_only_what_is_publishable():
    sick_leave, kids = BY_KEY["sick_leave"], BY_KEY["kids_total"]
    assert visible_to(sick_leave, Role.LEADER) and not visible_to(sick_leave, Role.STAFF)
    assert not visible_to(sick_leave, Role.COMMITTEE) and visible_to(kids, Role.COMMITTEE)
    assert all(visible_to(d, Role.SUPERVISOR) for d in KOLDING_CATALOGUE)
    assert not visible_to(BY_KEY["leader_evaluation"], Role.PARENT_BOARD)


def test_the_default_catalogue_follows_the_frameworks_table_of_data_per_provider_kind():
    private_institution, private_childminding = ProviderKind.PRIVATE_INSTITUTION, ProviderKind.PRIVATE_CHILDMINDING
    dagpleje = ProviderKind.MUNICIPAL_CHILDMINDING
    assert {private_institution, private_childminding, dagpleje} <= BY_KEY["kids_total"].applies_to
    assert dagpleje in BY_KEY["laeringsledelse_parents"].applies_to
    assert private_institution not in BY_KEY["laeringsledelse_parents"].applies_to
    assert private_institution in BY_KEY["school_deferral"].applies_to
    assert private_institution not in BY_KEY["sick_leave"].applies_to
    assert not any(private_childminding in d.applies_to for d in KOLDING_CATALOGUE if d.key != "kids_total")
    assert not any(ProviderKind.SPECIAL_DAYCARE in d.applies_to for d in KOLDING_CATALOGUE)
    for definition in KOLDING_CATALOGUE:
        check_definition(definition)


def test_a_value_outside_its_scale_or_a_fractional_count_is_refused():
    with pytest.raises(DomainError):
        check_value(BY_KEY["kids_total"], 100.5, None)
    with pytest.raises(DomainError):
        check_value(BY_KEY["school_deferral"], 2.5, None)
    with pytest.raises(DomainError):
        check_value(BY_KEY["laeringsledelse_staff"], 0.5, 40)
    check_value(BY_KEY["laeringsledelse_staff"], 3.8, 40)


def test_an_import_client_sees_the_whole_catalogue_but_no_raw_small_numbers():
    assert all(visible_to(d, Role.INTEGRATION) for d in KOLDING_CATALOGUE)
    assert present(BY_KEY["school_deferral"], 3, None, Role.INTEGRATION).display == "<5"
