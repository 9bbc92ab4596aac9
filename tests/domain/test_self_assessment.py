"""The self-assessment questionnaire as data: the law in force on the day of answering, KL's points, and the rules."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import DomainError, ErrorCode
from domain.law import Minimum, law_in_force
from domain.self_assessment import (
    PracticeEvidenceKind,
    Scale,
    Section,
    SelfAssessmentStatus,
    check_answer,
    check_complete,
    check_draft,
    distribution,
    questionnaire,
    questionnaire_on,
    share_in_time,
)


def test_a_questionnaire_answered_in_2024_cites_the_report_duty_as_section_5_3_and_asks_for_the_framework():
    q = questionnaire_on(date(2024, 11, 1))
    assert q.version == "1/2022"
    assert q.question("law.framework") is not None
    documentation = q.question("minimum.written_published_documentation")
    assert documentation.legal_reference == law_in_force(date(2024, 11, 1)).cite_minimum(
        Minimum.WRITTEN_PUBLISHED_DOCUMENTATION
    )
    assert "§5, stk. 3" in documentation.legal_reference


def test_a_questionnaire_answered_in_2025_cites_the_renumbered_report_duty_and_drops_the_repealed_framework():
    q = questionnaire_on(date(2025, 2, 1))
    assert q.version == "1/2025"
    assert q.question("law.framework") is None
    assert "§5, stk. 2" in q.question("minimum.written_published_documentation").legal_reference
    assert "Relevante data" in q.question("minimum.data_and_systematic_observation").text_da


def test_every_legal_minimum_has_a_question_with_its_compliance_figures_as_evidence():
    q = questionnaire_on(date(2026, 6, 1))
    for minimum in Minimum:
        question = q.question(f"minimum.{minimum.value}")
        assert question.section is Section.LEGAL_MINIMUMS and question.scale is Scale.YES_PARTLY_NO
        assert any(
            e.kind is PracticeEvidenceKind.COMPLIANCE_MINIMUM and e.minimum is minimum for e in question.evidence
        )


def test_kls_points_are_asked_on_a_five_point_scale_and_follow_up_shows_reports_in_time():
    q = questionnaire_on(date(2026, 6, 1))
    practice = [x for x in q.questions if x.section is Section.GOOD_PRACTICE]
    assert {x.key for x in practice} >= {
        "practice.systematic_assessment",
        "practice.systematic_follow_up",
        "practice.evaluation_culture",
        "practice.quality_basis",
    }
    assert all(x.scale is Scale.ONE_TO_FIVE for x in practice)
    assert PracticeEvidenceKind.REPORTS_IN_TIME in {
        e.kind for e in q.question("practice.systematic_follow_up").evidence
    }


def test_a_stored_version_reads_back_as_the_same_questionnaire_and_an_unknown_one_is_refused():
    assert questionnaire("1/2022") is questionnaire_on(date(2023, 1, 1))
    with pytest.raises(DomainError):
        questionnaire("9/2025")


def test_an_answer_outside_the_questions_scale_or_to_an_unknown_question_is_refused():
    q = questionnaire_on(date(2026, 6, 1))
    assert check_answer(q, "practice.quality_basis", "4", "body.answers[0]").key == "practice.quality_basis"
    with pytest.raises(DomainError) as wrong_level:
        check_answer(q, "practice.quality_basis", "yes", "body.answers[0]")
    assert wrong_level.value.violations[0].location == "body.answers[0].judgement"
    with pytest.raises(DomainError) as unknown:
        check_answer(q, "law.framework", "yes", "body.answers[1]")  # repealed: not in the 2025 questionnaire
    assert unknown.value.violations[0].location == "body.answers[1].question_key"


def test_submitting_needs_a_judgement_on_every_question_and_a_submitted_one_is_frozen():
    q = questionnaire_on(date(2026, 6, 1))
    answers = {x.key: x.scale.levels[0][0] for x in q.questions}
    check_complete(q, answers)
    with pytest.raises(DomainError) as missing:
        check_complete(q, {**answers, "practice.council_insight": None})
    assert [v.location for v in missing.value.violations] == ["answers.practice.council_insight"]
    with pytest.raises(DomainError) as frozen:
        check_draft(SelfAssessmentStatus.SUBMITTED)
    assert frozen.value.code is ErrorCode.CONFLICT


def test_the_distribution_is_hidden_below_m_municipalities_and_counts_every_level_from_m():
    question = questionnaire_on(date(2026, 6, 1)).question("minimum.impartiality")
    hidden = distribution(question, ["yes", "no"], 3)
    assert (hidden.shown, hidden.answered, hidden.counts) == (False, 2, None)
    shown = distribution(question, ["yes", "no", "yes"], 3)
    assert shown.counts == (("no", 1), ("partly", 0), ("yes", 2))


def test_the_share_of_reports_in_time_is_of_those_required():
    assert share_in_time(8, 2) == 75.0
    assert share_in_time(3, 1) == 66.7
    assert share_in_time(0, 0) is None
