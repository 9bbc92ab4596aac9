"""Trends: the bands now against the period before, the movement between them, and what came of the supervision."""

from __future__ import annotations

from datetime import date

from domain.access import Role
from domain.policy import ConcernLevel, SupervisionPolicy
from domain.providers import ProviderKind, UnitKind
from domain.states import RecommendationStatus
from domain.trend_outcomes import (
    ActionPlanFact,
    IntensifiedFact,
    RecommendationFact,
    ReportFact,
    action_plan_summary,
    intensified_summary,
    municipality_trends,
    publication_summary,
    recommendation_summary,
)
from domain.trends import (
    AssessmentFact,
    AssessmentSource,
    MovementDirection,
    PartFact,
    PartKind,
    Window,
    default_window,
    imported_assessment,
    latest_per_provider,
    provider_series,
    shows_unit_result,
)

POLICY = SupervisionPolicy()
TODAY = date(2026, 6, 15)
NOW = default_window(TODAY)
BEFORE = NOW.previous()
INSTITUTION = ProviderKind.MUNICIPAL_INSTITUTION


def fact(provider: str, day: date, percent: float, *, unit: str | None = None, parts=(), kind=INSTITUTION):
    band = POLICY.band_for(percent)
    return AssessmentFact(provider, unit, kind, day, band.key, band.concern, percent, tuple(parts))


def area(key: str, percent: float) -> PartFact:
    return PartFact(PartKind.AREA, key, key.title(), percent)


def test_the_default_period_is_the_last_two_years_against_the_two_before():
    assert Window(date(2024, 6, 16), date(2026, 6, 15)) == NOW
    assert Window(date(2022, 6, 16), date(2024, 6, 15)) == BEFORE


def test_a_period_counts_each_providers_latest_scored_result_as_a_whole():
    facts = [
        fact("a", date(2024, 9, 1), 40),
        fact("a", date(2025, 9, 1), 75),
        fact("a", date(2025, 10, 1), 20, unit="u1"),  # a unit's result is not the provider's
        AssessmentFact("a", None, INSTITUTION, date(2025, 11, 1), None, ConcernLevel.NONE, None),  # unscored
    ]
    assert latest_per_provider(facts, NOW)["a"].percent == 75


def test_on_one_day_a_visits_assessment_outranks_imported_history():
    visit = fact("a", date(2025, 3, 1), 72)
    imported = imported_assessment(
        POLICY,
        provider_id="a",
        unit_id=None,
        provider_kind=INSTITUTION,
        assessed_on=date(2025, 3, 1),
        parts=[area("x", 10)],
    )
    assert latest_per_provider([visit, imported], NOW)["a"] is visit
    assert latest_per_provider([imported, visit], NOW)["a"] is visit


def test_imported_history_counts_with_the_mean_of_its_areas_and_the_policys_band():
    imported = imported_assessment(
        POLICY,
        provider_id="a",
        unit_id=None,
        provider_kind=INSTITUTION,
        assessed_on=date(2023, 3, 1),
        parts=[area("x", 40), area("y", 45.55), PartFact(PartKind.THEME, "t", "", 99)],
    )
    assert (imported.source, imported.percent, imported.band_key) == (AssessmentSource.IMPORTED, 42.7, "inadequate")
    assert imported.concern is ConcernLevel.CONCERN

    trends = municipality_trends(POLICY, NOW, BEFORE, TODAY, assessments=[imported, fact("b", date(2023, 1, 1), 80)])

    assert (trends.before.providers, trends.before.imported) == (2, 1)
    assert {b.band_key: b.providers for b in trends.before.bands}["inadequate"] == 1


def test_the_band_distribution_and_movement_compare_now_with_the_period_before():
    facts = [
        fact("a", date(2023, 5, 1), 55),
        fact("a", date(2025, 5, 1), 75),  # adequate -> good
        fact("b", date(2023, 5, 1), 55),
        fact("b", date(2025, 5, 1), 78),  # adequate -> good
        fact("c", date(2023, 5, 1), 92),
        fact("c", date(2025, 5, 1), 45),  # excellent -> inadequate
        fact("d", date(2025, 5, 1), 60),  # new: no movement
    ]
    trends = municipality_trends(POLICY, NOW, BEFORE, TODAY, assessments=facts)

    assert [(b.band_key, b.providers) for b in trends.now.bands] == [
        ("excellent", 0),
        ("good", 2),
        ("adequate", 1),
        ("inadequate", 1),
        ("poor", 0),
    ]
    assert {c.concern: c.providers for c in trends.now.concerns}[ConcernLevel.CONCERN] == 1
    assert [(m.from_band, m.to_band, m.direction, m.providers) for m in trends.movements] == [
        ("adequate", "good", MovementDirection.UP, 2),
        ("excellent", "inadequate", MovementDirection.DOWN, 1),
    ]


def test_each_area_is_averaged_over_the_providers_latest_results_now_and_before():
    facts = [
        fact("a", date(2023, 5, 1), 60, parts=[area("leg", 50)]),
        fact("a", date(2025, 5, 1), 70, parts=[area("leg", 70)]),
        fact("b", date(2025, 6, 1), 70, parts=[area("leg", 80)]),
    ]
    (part,) = municipality_trends(POLICY, NOW, BEFORE, TODAY, assessments=facts).parts

    assert (part.key, part.now, part.now_providers, part.before, part.change) == ("leg", 75.0, 2, 50.0, 25.0)


def test_the_trend_per_provider_kind_counts_only_that_kinds_providers():
    facts = [fact("a", date(2025, 5, 1), 75), fact("b", date(2025, 5, 1), 35, kind=ProviderKind.PRIVATE_INSTITUTION)]
    by_kind = {k.kind: k.now for k in municipality_trends(POLICY, NOW, BEFORE, TODAY, assessments=facts).by_kind}

    assert by_kind[ProviderKind.PRIVATE_INSTITUTION].providers == 1
    assert by_kind[ProviderKind.PRIVATE_INSTITUTION].mean_percent == 35


def test_time_under_intensified_supervision_counts_days_median_and_the_band_it_ended_on():
    episodes = [
        IntensifiedFact("a", date(2025, 1, 1), date(2025, 4, 11), True),  # 100 days
        IntensifiedFact("b", date(2025, 2, 1), date(2025, 3, 3), False),  # 30 days
        IntensifiedFact("c", date(2026, 1, 1), None, False),  # still running
        IntensifiedFact("d", date(2020, 1, 1), date(2020, 6, 1), False),  # long before
    ]
    assessments = [fact("a", date(2025, 1, 1), 20), fact("a", date(2025, 4, 1), 72), fact("b", date(2025, 3, 1), 55)]

    s = intensified_summary(episodes, assessments, NOW, TODAY)

    assert (s.running, s.started, s.ended, s.ongoing_at_end, s.with_action_plan) == (3, 3, 2, 1, 1)
    assert (s.median_days, s.longest_days, s.ongoing_days_median) == (65, 100, (TODAY - date(2026, 1, 1)).days)
    assert {e.band_key: e.periods for e in s.ended_with} == {"good": 1, "adequate": 1}


def test_an_action_plan_is_approved_by_its_due_day_and_completed_by_its_last_goals_deadline():
    plans = [
        ActionPlanFact("a", date(2025, 1, 5), date(2025, 2, 1), date(2025, 1, 30), date(2025, 6, 1), date(2025, 6, 30)),
        ActionPlanFact("b", date(2025, 1, 5), date(2025, 2, 1), date(2025, 2, 9), date(2025, 9, 1), date(2025, 6, 30)),
        ActionPlanFact("c", date(2025, 1, 5), date(2025, 2, 1), date(2025, 2, 1), None, date(2025, 6, 30)),
        ActionPlanFact("d", date(2026, 5, 5), date(2026, 6, 4), None, None, None),
    ]
    s = action_plan_summary(plans, NOW, TODAY)

    assert (s.plans, s.approved_in_time, s.approved_late, s.not_approved) == (4, 2, 1, 1)
    assert (s.completed_in_time, s.completed_late, s.open, s.open_overdue) == (1, 1, 2, 1)


def test_a_report_is_in_time_when_published_by_the_policys_deadline_after_the_visit():
    held = date(2026, 1, 1)  # due by 26 February (56 days after)
    reports = [
        ReportFact("a", INSTITUTION, held, date(2026, 2, 26)),
        ReportFact("b", INSTITUTION, held, date(2026, 2, 27)),
        ReportFact("c", INSTITUTION, held, None),
        ReportFact("d", INSTITUTION, date(2026, 6, 1), None),  # still in time
        ReportFact("e", ProviderKind.MUNICIPAL_CHILDMINDING, held, None),  # feeds the combined report
    ]
    s = publication_summary(reports, NOW, POLICY, TODAY)

    assert (s.visits, s.in_time, s.late, s.missing, s.pending) == (4, 1, 1, 1, 1)
    assert s.share_in_time == 33.3


def test_recommendations_followed_up_are_the_done_ones_and_overdue_are_still_to_do_after_their_day():
    given = date(2025, 3, 1)
    recs = [
        RecommendationFact("a", given, date(2025, 6, 1), RecommendationStatus.DONE),
        RecommendationFact("a", given, date(2025, 6, 1), RecommendationStatus.OPEN),
        RecommendationFact("a", given, date(2027, 6, 1), RecommendationStatus.IN_PROGRESS),
        RecommendationFact("a", given, date(2025, 6, 1), RecommendationStatus.DROPPED),
        RecommendationFact("a", date(2020, 1, 1), date(2020, 6, 1), RecommendationStatus.OPEN),
    ]
    s = recommendation_summary(recs, NOW, TODAY)

    assert (s.given, s.done, s.open, s.in_progress, s.dropped, s.overdue) == (4, 1, 1, 1, 1, 1)
    assert s.share_followed_up == 25.0


def test_a_providers_series_lists_the_provider_first_then_each_unit_oldest_first():
    facts = [
        fact("a", date(2025, 1, 1), 50, unit="u2"),
        fact("a", date(2025, 1, 1), 60),
        fact("a", date(2023, 1, 1), 70),
    ]

    series = provider_series(facts)

    assert [s.unit_id for s in series] == [None, "u2"]
    assert [p.percent for p in series[0].points] == [70, 60]


def test_a_dagplejers_own_result_is_shown_only_to_admin_and_supervisors():
    assert {r for r in Role if shows_unit_result(UnitKind.CHILDMINDER, r)} == {Role.ADMIN, Role.SUPERVISOR}
    assert all(shows_unit_result(UnitKind.DEPARTMENT, r) for r in Role)
