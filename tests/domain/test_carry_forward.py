"""What one visit carries forward to the next (domain.carry_forward), and how the next visit's result compares."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.carry_forward import (
    EarlierVisit,
    Level,
    Mention,
    Outcome,
    Part,
    ReasonKind,
    Rescored,
    carried_forward,
    is_weak,
    names,
    observation_order,
    outcome,
    report_line,
    rescore,
)
from domain.policy import KOLDING_DEFAULT, Band, ConcernLevel
from domain.reports import content_from_dict, content_to_dict
from tests.support.report_content import typical_content

HELD = date(2026, 3, 10)
PLAY = Part("play", "Leg og aktivitet", Level.AREA, 62.5)
LANGUAGE = Part("language", "Kommunikation og sprog", Level.THEME, 41.6, "play")
CULTURE = Part("culture", "Kultur, æstetik og fællesskab", Level.THEME, 83.3, "play")
SOCIAL = Part("social", "Social udvikling", Level.THEME, 75.0, "relations")


def earlier(*parts: Part, lowest: tuple[tuple[str, str], ...] = ()) -> EarlierVisit:
    return EarlierVisit("visit-1", HELD, parts or (PLAY, LANGUAGE, CULTURE, SOCIAL), lowest)


@pytest.mark.parametrize(("percent", "weak"), [(49.9, True), (50.0, False), (29.9, True), (0, True), (89.9, False)])
def test_weak_means_in_a_band_of_concern_with_the_boundary_in_the_higher_band(percent, weak):
    assert is_weak(percent, KOLDING_DEFAULT) is weak


def test_weak_follows_the_municipalitys_own_band_boundaries():
    stricter = replace(
        KOLDING_DEFAULT,
        bands=(
            Band("good", "god", 80, ConcernLevel.NONE),
            Band("weak", "svag", 60, ConcernLevel.CONCERN),
            Band("poor", "ringe", 0, ConcernLevel.SERIOUS),
        ),
    )
    assert is_weak(62.5, stricter) and not is_weak(62.5, KOLDING_DEFAULT)
    flags = carried_forward(earlier(), stricter)
    assert [f.part.key for f in flags] == ["play", "language", "social"]  # 62.5, 41.6 and 75 are under 80


def test_a_weak_theme_is_carried_forward_saying_when_and_how_weak():
    [flag] = carried_forward(earlier(), KOLDING_DEFAULT)
    assert flag.part == LANGUAGE and (flag.before_on, flag.before_visit_id) == (HELD, "visit-1")
    assert flag.before_band_label_da == "utilstrækkelig"
    [reason] = flag.reasons
    assert reason.kind is ReasonKind.WEAK
    assert reason.text_da() == "Svagt ved tilsynet den 10.03.2026: 41,6 % (utilstrækkelig)"
    assert reason.text_da(with_percent=False) == "Svagt ved tilsynet den 10.03.2026"


def test_a_weak_area_is_carried_forward_before_the_themes():
    weak_area = replace(PLAY, percent=45.0)
    assert [f.part.key for f in carried_forward(earlier(weak_area, LANGUAGE, CULTURE), KOLDING_DEFAULT)] == [
        "play",
        "language",
    ]


def test_a_theme_with_an_item_at_the_lowest_level_is_carried_forward_with_the_items():
    flags = carried_forward(earlier(lowest=(("culture", "culture_2"),)), KOLDING_DEFAULT)
    culture = next(f for f in flags if f.part.key == "culture")
    assert culture.items == ("culture_2",)
    assert culture.reasons[0].text_da() == "1 indikator fik laveste score ved tilsynet den 10.03.2026"


def test_a_theme_named_in_a_recommendation_or_plan_is_carried_forward_though_not_weak():
    mentions = (
        Mention(ReasonKind.ACTION_PLAN, "plan-1", date(2026, 4, 1), "Mål: bedre SOCIAL\nudvikling i garderoben"),
        Mention(ReasonKind.RECOMMENDATION, "rec-1", HELD, "Styrk social udvikling."),
    )
    flags = carried_forward(earlier(), KOLDING_DEFAULT, mentions=mentions)
    social = next(f for f in flags if f.part.key == "social")
    assert social.part.percent == 75.0 and social.before_band_label_da == "god"  # known, and not weak
    assert [(r.kind, r.reference_id) for r in social.reasons] == [
        (ReasonKind.RECOMMENDATION, "rec-1"),
        (ReasonKind.ACTION_PLAN, "plan-1"),
    ]


def test_a_theme_is_named_by_its_whole_name_only():
    assert names("Arbejd med Kommunikation  og\nsprog", "Kommunikation og sprog")
    assert not names("Socialudvikling", "Social udvikling")
    assert not names("Kommunikation", "Kommunikation og sprog")


def test_areas_are_not_matched_by_name():
    mentions = (Mention(ReasonKind.RECOMMENDATION, "rec-1", HELD, "Leg og aktivitet i små grupper."),)
    flags = carried_forward(earlier(PLAY, CULTURE), KOLDING_DEFAULT, mentions=mentions)
    assert flags == ()


def test_without_an_earlier_score_a_named_theme_comes_from_the_instrument_without_a_before():
    catalogue = (replace(SOCIAL, percent=None),)
    mentions = (Mention(ReasonKind.RECOMMENDATION, "rec-1", HELD, "Styrk social udvikling."),)
    [flag] = carried_forward(None, KOLDING_DEFAULT, mentions=mentions, catalogue=catalogue)
    assert flag.part.percent is None and flag.before_on is None


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (41.6, 75.0, Outcome.IMPROVED),
        (41.6, 41.6, Outcome.UNCHANGED),
        (49.96, 49.91, Outcome.UNCHANGED),  # both shown as 49,9 %
        (41.6, 30.0, Outcome.WORSE),
        (41.6, None, Outcome.NOT_RESCORED),
        (None, 60.0, Outcome.NO_EARLIER_SCORE),
    ],
)
def test_the_outcome_compares_the_percents_as_shown(before, after, expected):
    assert outcome(before, after) is expected


def test_rescoring_gives_both_bands_on_the_next_visits_scale_and_the_change():
    [flag] = carried_forward(earlier(), KOLDING_DEFAULT)
    [done] = rescore([flag], {(Level.THEME, "language"): 75.0}, KOLDING_DEFAULT)
    assert (done.flag.before_band_label_da, done.after_band_label_da) == ("utilstrækkelig", "god")
    assert (done.change, done.outcome) == (33.4, Outcome.IMPROVED)
    assert Rescored.from_dict(done.to_dict()) == done
    [missing] = rescore([flag], {}, KOLDING_DEFAULT)
    assert missing.outcome is Outcome.NOT_RESCORED and missing.change is None


def test_the_report_line_hides_every_percent_and_band_where_a_dagplejer_could_be_recognised():
    [flag] = carried_forward(earlier(), KOLDING_DEFAULT)
    [done] = rescore([flag], {(Level.THEME, "language"): 75.0}, KOLDING_DEFAULT)
    shown = report_line(done)
    assert (shown.before_percent, shown.after_percent, shown.change) == (41.6, 75.0, 33.4)
    hidden = report_line(done, with_percent=False)
    assert (hidden.before_percent, hidden.after_percent, hidden.change) == (None, None, None)
    assert hidden.before_band_label_da is hidden.after_band_label_da is None
    assert hidden.reasons == ("Svagt ved tilsynet den 10.03.2026",) and hidden.outcome_label_da == "forbedret"
    content = typical_content(carried_forward=(shown, hidden))
    assert content_from_dict(content_to_dict(content)) == content


def test_the_items_of_carried_forward_themes_are_observed_first():
    items = [("c1", "culture", "play"), ("l1", "language", "play"), ("s1", "social", "relations")]
    flags = carried_forward(earlier(lowest=(("language", "l1"),)), KOLDING_DEFAULT)
    assert observation_order(items, flags) == [
        ("l1", "language", "play", True, True),
        ("c1", "culture", "play", False, False),
        ("s1", "social", "relations", False, False),
    ]
