"""The law as dated data: which version was in force on a day, and what each version says."""

from __future__ import annotations

from datetime import date

import pytest

from domain.law import LAW_2022, LAW_2025, VERSIONS, DataRequirement, Duty, Minimum, cite, join_references, law_in_force
from domain.providers import ProviderKind


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2022, 1, 1), "2022"),
        (date(2024, 11, 15), "2022"),
        (date(2024, 12, 31), "2022"),
        (date(2025, 1, 1), "2025"),
        (date(2025, 2, 3), "2025"),
        (date(2026, 11, 29), "2025"),
    ],
)
def test_the_law_in_force_is_the_latest_version_that_had_started_on_the_day(day, key):
    assert law_in_force(day).key == key


def test_the_report_duty_is_section_5_subsection_3_until_2025_and_subsection_2_after():
    assert cite(date(2024, 11, 15), Duty.REPORT) == "dagtilbudsloven §5, stk. 3"
    assert cite(date(2025, 2, 3), Duty.REPORT) == "dagtilbudsloven §5, stk. 2"


def test_the_published_framework_duty_was_repealed_from_2025():
    assert LAW_2022.has(Duty.FRAMEWORK) and LAW_2022.cite(Duty.FRAMEWORK) == "dagtilbudsloven §5, stk. 2"
    assert not LAW_2025.has(Duty.FRAMEWORK)
    with pytest.raises(Exception, match="no duty"):
        LAW_2025.cite(Duty.FRAMEWORK)


def test_the_data_duty_asks_for_relevant_data_from_2025_and_no_longer_for_earlier_escalation():
    assert LAW_2022.data_requirement is DataRequirement.QUALITATIVE_AND_QUANTITATIVE
    assert LAW_2022.earlier_escalation_is_data
    assert LAW_2025.data_requirement is DataRequirement.RELEVANT
    assert not LAW_2025.earlier_escalation_is_data
    assert "Relevante data" in LAW_2025.minimums[Minimum.DATA_AND_SYSTEMATIC_OBSERVATION].label_da


def test_every_version_words_every_minimum_and_cites_only_paragraphs_it_has():
    for version in VERSIONS:
        assert list(version.minimums) == list(Minimum)
        for minimum in Minimum:
            assert version.cite_minimum(minimum).startswith("dagtilbudsloven §")


def test_the_report_duty_covers_institutions_the_dagpleje_and_puljeordninger_not_private_pasning():
    for version in VERSIONS:
        assert ProviderKind.PULJEORDNING in version.report_kinds
        assert ProviderKind.MUNICIPAL_CHILDMINDING in version.report_kinds
        assert ProviderKind.PRIVATE_CHILDMINDING not in version.report_kinds
        assert ProviderKind.PRIVATE_CHILDMINDING in version.private_childminding_kinds


def test_neighbouring_subsections_fold_and_sections_join_with_og():
    assert join_references(["§5b, stk. 3", "§5b, stk. 4"]) == "§5b, stk. 3-4"
    assert join_references(["§5b, stk. 1", "§5b, stk. 5"]) == "§5b, stk. 1 og 5"
    assert join_references(["§5, stk. 2", "§5b, stk. 2"]) == "§5, stk. 2, og §5b, stk. 2"
    assert join_references(["§81"]) == "§81"


def test_versions_are_in_date_order_and_an_earlier_day_reads_the_first():
    days = [v.effective_from for v in VERSIONS]
    assert days == sorted(days) and len(set(days)) == len(days)
    assert law_in_force(date(2021, 6, 1)) is VERSIONS[0]
