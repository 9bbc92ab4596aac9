"""The report's content: what counts as published text, and that it survives storage unchanged."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from domain.cycle import ReportGround
from domain.errors import DomainError
from domain.escalation import ActionKind
from domain.policy import KOLDING_DEFAULT, ConcernLevel
from domain.report_scopes import (
    NO_PARENT_BOARD_TEXT,
    ActionLine,
    ScopeResult,
    combine,
    combined_period_start,
    consequences,
)
from domain.reports import (
    CountLine,
    RecommendationLine,
    ScoreLine,
    UnitResult,
    content_from_dict,
    content_to_dict,
    legal_basis,
)
from tests.support.law import IN_2030, amended_in_2030
from tests.support.report_content import typical_content


def test_content_round_trips_through_its_stored_form():
    content = typical_content()
    assert content_from_dict(content_to_dict(content)) == content
    combined = typical_content(
        period_from=date(2024, 11, 21), band_counts=(CountLine("god", 2),), concern_counts=(CountLine("bekymring", 1),)
    )
    assert content_from_dict(content_to_dict(combined)) == combined


def test_every_free_text_is_checked_before_publication_including_additions():
    content = dataclasses.replace(typical_content(), extra={"note": "Se 010203-1234"})
    assert "extra.note" in content.publishable_texts()
    with pytest.raises(DomainError) as refused:
        content.refuse_personal_data()
    assert [v.location for v in refused.value.violations] == ["extra.note"]


def test_a_cpr_number_in_a_recommendation_is_refused_where_it_is():
    content = typical_content()
    bad = RecommendationLine("Tal med forælder til 010203-1234", "Leder", content.visit_date)
    content = dataclasses.replace(content, recommendations=(*content.recommendations, bad))
    with pytest.raises(DomainError) as refused:
        content.refuse_personal_data()
    location = f"recommendations[{len(content.recommendations) - 1}].text"
    assert [v.location for v in refused.value.violations] == [location]
    assert "1234" not in refused.value.detail  # the number itself is never repeated


def test_unit_names_pass_the_privacy_guard_like_every_published_text():
    content = typical_content(
        unit_names=("Dagplejer Anne 22 33 44 55",),
        unit_results=(UnitResult("Dagplejer Anne 22 33 44 55", 25.0, "ringe", "alvorlig bekymring"),),
    )
    with pytest.raises(DomainError) as refused:
        content.refuse_personal_data()
    assert [v.location for v in refused.value.violations] == ["unit_names[0]", "unit_results[0].name"]


# What follows, per scope

ACTIONS = (
    ActionLine(ActionKind.FEED_DEVELOPMENT_PLAN, "indarbejd i dagtilbuddets udviklingsplan", "§5b, stk. 1-2", None),
    ActionLine(ActionKind.INFORM_PARENT_BOARD, "orienter forældrebestyrelsen", "§5b, stk. 1", date(2026, 12, 20)),
)


VISIT_DAY = date(2026, 11, 20)


def test_a_units_own_serious_concern_leads_with_intensified_supervision_and_an_action_plan():
    lines = consequences(ConcernLevel.SERIOUS, ACTIONS, whole_provider=False, has_parent_board=True, on_day=VISIT_DAY)
    assert [(c.text, c.legal_reference) for c in lines] == [
        ("Alvorlig bekymring: skærpet tilsyn med handleplan", "dagtilbudsloven §5b, stk. 4"),
        ("Orienter forældrebestyrelsen", "§5b, stk. 1"),  # the development plan is for a scope without concern
    ]
    calm = consequences(ConcernLevel.NONE, ACTIONS, whole_provider=False, has_parent_board=True, on_day=VISIT_DAY)
    assert calm[0].text == "Ingen bekymring: det almindelige tilsyn fortsætter"


def test_the_provider_report_lists_every_action_of_its_escalation():
    plan = ActionLine(ActionKind.MAKE_ACTION_PLAN, "udarbejd handleplan", "§5b, stk. 4-5", date(2026, 12, 20))
    lines = consequences(
        ConcernLevel.NONE, (*ACTIONS, plan), whole_provider=True, has_parent_board=True, on_day=VISIT_DAY
    )
    # A unit escalated the provider: its pooled "ingen bekymring" does not mean the normal cycle continues.
    assert [c.text for c in lines] == [
        "Udarbejd handleplan",
        "Orienter forældrebestyrelsen",
        "Indarbejd i dagtilbuddets udviklingsplan",
    ]


def test_without_a_parent_board_the_report_says_so_where_the_board_would_be_informed():
    lines = consequences(ConcernLevel.NONE, ACTIONS, whole_provider=True, has_parent_board=False, on_day=VISIT_DAY)
    assert [c.text for c in lines] == [
        "Ingen bekymring: det almindelige tilsyn fortsætter",
        NO_PARENT_BOARD_TEXT,
        "Indarbejd i dagtilbuddets udviklingsplan",
    ]


# The dagpleje's combined report


def test_the_combined_result_counts_dagplejere_per_band_and_concern_without_naming_them():
    results = [
        ScopeResult(25.0, ConcernLevel.SERIOUS, (ScoreLine("Relationer", 20.0, "area"),)),
        ScopeResult(85.0, ConcernLevel.NONE, (ScoreLine("Relationer", 90.0, "area"),)),
        ScopeResult(None, ConcernLevel.NONE),
    ]
    combined = combine(results, KOLDING_DEFAULT)
    assert (combined.percent, combined.band_label_da, combined.concern) == (55.0, "tilstrækkelig", ConcernLevel.SERIOUS)
    assert [(c.label_da, c.count) for c in combined.band_counts] == [
        ("fremragende", 0),
        ("god", 1),
        ("tilstrækkelig", 0),
        ("utilstrækkelig", 0),
        ("ringe", 1),
        ("ikke scoret", 1),
    ]
    assert [(c.label_da, c.count) for c in combined.concern_counts] == [
        ("ingen bekymring", 2),
        ("bekymring", 0),
        ("alvorlig bekymring", 1),
    ]
    assert combined.areas == (ScoreLine("Relationer", 55.0, "area"),)
    assert combine([], KOLDING_DEFAULT, at_least=ConcernLevel.CONCERN).concern is ConcernLevel.CONCERN


def test_the_combined_report_covers_the_providers_cycle_or_one_cycle_back_from_the_visit():
    assert combined_period_start(date(2026, 11, 20), 24, None) == date(2024, 11, 21)
    assert combined_period_start(date(2026, 11, 20), 24, date(2025, 3, 1)) == date(2025, 3, 1)
    assert combined_period_start(date(2027, 3, 1), 24, date(2025, 3, 1)) == date(2027, 3, 1)  # the next cycle
    assert combined_period_start(date(2026, 11, 20), 24, date(2027, 1, 1)) == date(2024, 11, 21)


def test_what_a_report_adds_to_its_consequences_cites_the_law_in_force_on_the_visits_day(monkeypatch):
    amended_in_2030(monkeypatch)

    def cited(day: date) -> list[str]:
        lines = consequences(ConcernLevel.SERIOUS, (), whole_provider=False, has_parent_board=False, on_day=day)
        return [c.legal_reference for c in lines]

    assert cited(date(2029, 12, 31)) == ["dagtilbudsloven §5b, stk. 4", "dagtilbudsloven §5b, stk. 1"]
    assert cited(IN_2030) == ["dagtilbudsloven §5c, stk. 4", "dagtilbudsloven §5c, stk. 1"]


@pytest.mark.parametrize(
    ("held_on", "cited"),
    [(date(2024, 11, 15), "dagtilbudsloven §5, stk. 3"), (date(2025, 2, 3), "dagtilbudsloven §5, stk. 2")],
)
def test_a_report_cites_the_report_duty_of_the_law_in_force_on_its_visits_day(held_on, cited):
    basis = legal_basis(held_on, ReportGround.LAW)
    assert f"Rapporten offentliggøres på dagtilbuddets hjemmeside efter {cited}." in basis
    assert "Tilsynet er dokumenteret skriftligt efter dagtilbudsloven §5b, stk. 2." in basis
    policy_only = legal_basis(held_on, ReportGround.POLICY)
    assert any("kommunens tilsynspolitik" in line and cited in line for line in policy_only)
    assert not any("offentliggøres på dagtilbuddets hjemmeside" in line for line in policy_only)
