"""The report's content: what counts as published text, and that it survives storage unchanged."""

from __future__ import annotations

import dataclasses

import pytest

from domain.errors import DomainError
from domain.reports import RecommendationLine, UnitResult, content_from_dict, content_to_dict
from tests.support.report_content import typical_content


def test_content_round_trips_through_its_stored_form():
    content = typical_content()
    assert content_from_dict(content_to_dict(content)) == content


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
