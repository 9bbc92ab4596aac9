"""Instruments as data and percent scoring: hand-worked examples, the coverage rule, and properties."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError, ErrorCode
from domain.instruments import DEMO_INSTRUMENT, Area, Instrument, Item, Scale, Theme, pool, score, shown_percent_text
from domain.policy import KOLDING_DEFAULT

THRESHOLD = KOLDING_DEFAULT.observation_coverage_threshold


def one_theme(*scales: Scale) -> Instrument:
    """An instrument with one area and one theme whose items are i1, i2, ... on the given scales."""
    items = tuple(Item(f"i{n}", scale) for n, scale in enumerate(scales, start=1))
    return Instrument("t", "1", "Test", (Area("a", "Område", (Theme("th", "Tema", items),)),))


def all_scored(instrument: Instrument, value: int) -> dict[str, int | None]:
    return {item.key: value for item in instrument.items()}


# --- the percent formula, by hand ---


def test_three_items_on_one_to_five_scored_three_four_five_give_75_percent():
    result = score(one_theme(Scale(1, 5), Scale(1, 5), Scale(1, 5)), {"i1": 3, "i2": 4, "i3": 5}, THRESHOLD)
    # (2 + 3 + 4) / (4 + 4 + 4) = 9/12
    assert result.total_percent == 75.0
    assert result.themes[0].percent == 75.0
    assert result.areas[0].percent == 75.0
    assert (result.coverage, result.insufficient_observation, result.unscored) == (1.0, False, ())


def test_items_on_different_scales_weigh_by_their_range():
    result = score(one_theme(Scale(0, 3), Scale(1, 5)), {"i1": 3, "i2": 1}, THRESHOLD)
    # (3 - 0 + 1 - 1) / (3 + 4) = 3/7
    assert result.total_exact == Fraction(300, 7)
    assert result.total_percent == pytest.approx(42.857142857)
    assert result.display_total_percent == 42.8


def test_the_lowest_and_highest_scores_give_0_and_100():
    instrument = one_theme(Scale(1, 5), Scale(0, 3))
    assert score(instrument, {"i1": 1, "i2": 0}, THRESHOLD).total_percent == 0.0
    assert score(instrument, {"i1": 5, "i2": 3}, THRESHOLD).total_percent == 100.0


def test_an_area_pools_its_items_instead_of_averaging_its_themes():
    strong = Theme("strong", "Stærk", (Item("s1", Scale(1, 5)),))
    weak = Theme("weak", "Svag", tuple(Item(f"w{n}", Scale(1, 5)) for n in range(3)))
    instrument = Instrument("t", "1", "Test", (Area("a", "Område", (strong, weak)),))
    result = score(instrument, {"s1": 5, "w0": 1, "w1": 1, "w2": 1}, THRESHOLD)
    assert [t.percent for t in result.themes] == [100.0, 0.0]
    assert result.areas[0].percent == 25.0  # 4/16, not the 50 an average of themes would give


def test_display_rounds_down_so_it_never_shows_a_higher_band_than_the_exact_value():
    result = score(one_theme(Scale(0, 3)), {"i1": 2}, THRESHOLD)  # 66.666...
    assert result.total_percent == pytest.approx(66.6667, abs=1e-4)
    assert result.display_total_percent == 66.6
    assert result.themes[0].display_percent == 66.6


# --- unscored and not observed ---


def test_unscored_items_are_excluded_from_the_percent_and_listed_in_instrument_order():
    scores = all_scored(DEMO_INSTRUMENT, 5)
    scores["social_development_2"] = None  # not observed
    del scores["body_senses_movement_1"]  # never scored
    scores["social_development_1"] = 1
    result = score(DEMO_INSTRUMENT, scores, THRESHOLD)
    assert result.unscored == ("body_senses_movement_1", "social_development_2")
    assert result.coverage == pytest.approx(16 / 18)
    social = next(t for t in result.themes if t.key == "social_development")
    assert (social.scored, social.total, social.percent) == (2, 3, 50.0)  # (0 + 4) / 8
    assert result.total_exact == Fraction(100 * (15 * 4), 16 * 4)


def test_not_observed_is_allowed_where_the_scale_allows_it():
    result = score(one_theme(Scale(1, 5), Scale(1, 5)), {"i1": 5, "i2": None}, 0.5)
    assert result.unscored == ("i2",)
    assert result.total_percent == 100.0


def test_not_observed_is_refused_on_a_scale_that_forbids_it():
    instrument = one_theme(Scale(1, 5), Scale(1, 5, allows_not_observed=False))
    with pytest.raises(DomainError) as caught:
        score(instrument, {"i1": 5, "i2": None}, 0.5)
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert [v.location for v in caught.value.violations] == ["scores.i2"]


def test_every_bad_score_is_listed_at_once():
    instrument = one_theme(Scale(1, 5), Scale(1, 5), Scale(1, 5), Scale(1, 5), Scale(1, 5))
    scores = {"i1": 0, "i2": 6, "i3": 3, "i4": 2.5, "i5": True, "nope": 3}
    with pytest.raises(DomainError) as caught:
        score(instrument, scores, THRESHOLD)  # type: ignore[arg-type]
    locations = [v.location for v in caught.value.violations]
    assert locations == ["scores.i1", "scores.i2", "scores.i4", "scores.i5", "scores.nope"]
    assert "outside its scale 1-5" in caught.value.violations[0].message


def test_a_missing_item_on_a_scale_without_not_observed_is_simply_unscored():
    result = score(one_theme(Scale(1, 5, allows_not_observed=False), Scale(1, 5)), {"i2": 5}, 0.5)
    assert result.unscored == ("i1",)


# --- coverage threshold ---


@pytest.mark.parametrize(("scored", "insufficient"), [(5, False), (4, False), (3, True), (0, True)])
def test_exactly_80_percent_scored_gives_a_total_and_below_does_not(scored: int, insufficient: bool):
    instrument = one_theme(*[Scale(1, 5)] * 5)
    result = score(instrument, {f"i{n}": 3 for n in range(1, scored + 1)}, 0.8)
    assert result.insufficient_observation is insufficient
    assert result.coverage == scored / 5
    assert (result.total_percent is None) is insufficient


def test_the_demo_instrument_needs_15_of_18_items_at_80_percent():
    keys = [item.key for item in DEMO_INSTRUMENT.items()]
    assert score(DEMO_INSTRUMENT, dict.fromkeys(keys[:15], 4), THRESHOLD).total_percent == 75.0
    short = score(DEMO_INSTRUMENT, dict.fromkeys(keys[:14], 4), THRESHOLD)
    assert short.insufficient_observation and short.total_percent is None


def test_insufficient_observation_still_reports_the_parts_that_were_scored():
    result = score(DEMO_INSTRUMENT, {"social_development_1": 4}, THRESHOLD)
    assert result.insufficient_observation
    by_key = {t.key: t for t in result.themes}
    assert by_key["social_development"].percent == 75.0
    assert by_key["personal_development"].percent is None
    assert [a.percent for a in result.areas] == [None, 75.0, None]


def test_nothing_scored_gives_no_percent_anywhere():
    result = score(DEMO_INSTRUMENT, {}, THRESHOLD)
    assert result.coverage == 0 and result.insufficient_observation
    assert all(p.percent is None and p.display_percent is None for p in result.themes + result.areas)
    assert len(result.unscored) == 18


# --- several observations pooled (units, observers) ---


def test_pooled_observations_count_every_scored_pair_and_cover_an_item_scored_by_any():
    instrument = one_theme(Scale(1, 5), Scale(1, 5))
    east, west = {"i1": 5, "i2": None}, {"i1": 1, "i2": 3}
    result = pool(instrument, [east, west], THRESHOLD)
    # (4 + 0 + 2) / (4 + 4 + 4): three scored pairs, not the mean of the two observations' percents (62.5)
    assert result.total_exact == 50
    assert (result.coverage, result.insufficient_observation, result.unscored) == (1.0, False, ())
    assert (result.themes[0].scored, result.themes[0].total) == (3, 2)
    alone = pool(instrument, [east], THRESHOLD)
    assert (alone.coverage, alone.insufficient_observation, alone.total_percent) == (0.5, True, None)


def test_a_bad_score_in_any_pooled_observation_is_refused_naming_the_observation():
    with pytest.raises(DomainError) as caught:
        pool(one_theme(Scale(1, 5)), [{"i1": 3}, {"i1": 9}], THRESHOLD)
    assert [v.location for v in caught.value.violations] == ["score_sets[1].i1"]


def test_a_percent_in_a_sentence_is_truncated_never_rounded_across_a_band_boundary():
    assert shown_percent_text(29.96) == "29.9"
    assert shown_percent_text(Fraction(2999, 100)) == "29.9"
    assert shown_percent_text(30) == "30.0"


@pytest.mark.parametrize("threshold", [0, -0.1, 1.01, math.nan, True, "0.8"])
def test_a_threshold_outside_0_to_1_is_refused(threshold: object):
    with pytest.raises(DomainError) as caught:
        score(DEMO_INSTRUMENT, {}, threshold)  # type: ignore[arg-type]
    assert caught.value.violations[0].location == "coverage_threshold"


# --- properties ---

demo_scores = st.fixed_dictionaries({item.key: st.none() | st.integers(1, 5) for item in DEMO_INSTRUMENT.items()})


@given(demo_scores)
def test_pooling_one_observation_is_scoring_it(scores: dict[str, int | None]):
    assert pool(DEMO_INSTRUMENT, [scores], 0.5) == score(DEMO_INSTRUMENT, scores, 0.5)


@given(demo_scores)
def test_every_percent_is_between_0_and_100(scores: dict[str, int | None]):
    result = score(DEMO_INSTRUMENT, scores, 0.01)
    percents = [result.total_percent] + [p.percent for p in result.themes + result.areas]
    assert all(0 <= p <= 100 for p in percents if p is not None)
    assert result.total_percent is not None or all(v is None for v in scores.values())


@given(demo_scores, st.sampled_from([item.key for item in DEMO_INSTRUMENT.items()]))
def test_raising_one_items_score_raises_its_theme_area_and_total(scores: dict[str, int | None], key: str):
    before_value = scores[key] or 1
    if before_value == 5:
        before_value = 4
    lower = score(DEMO_INSTRUMENT, {**scores, key: before_value}, 0.01)
    higher = score(DEMO_INSTRUMENT, {**scores, key: before_value + 1}, 0.01)
    assert higher.total_exact > lower.total_exact
    for low, high in zip(lower.themes + lower.areas, higher.themes + higher.areas, strict=True):
        assert low.exact is None or high.exact >= low.exact
    assert (
        sum(h.exact > low.exact for low, h in zip(lower.themes, higher.themes, strict=True) if low.exact is not None)
        == 1
    )


# --- definitions: round trip and problems ---

keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
names = st.text(min_size=1, max_size=20).filter(str.strip)


@st.composite
def instruments(draw: st.DrawFn) -> Instrument:
    shape = draw(st.lists(st.lists(st.integers(1, 4), min_size=1, max_size=3), min_size=1, max_size=3))
    theme_count, item_count = sum(len(a) for a in shape), sum(sum(a) for a in shape)
    area_keys = iter(draw(st.lists(keys, min_size=len(shape), max_size=len(shape), unique=True)))
    theme_keys = iter(draw(st.lists(keys, min_size=theme_count, max_size=theme_count, unique=True)))
    item_keys = iter(draw(st.lists(keys, min_size=item_count, max_size=item_count, unique=True)))

    def item() -> Item:
        low, width = draw(st.integers(-3, 3)), draw(st.integers(1, 9))
        return Item(next(item_keys), Scale(low, low + width, draw(st.booleans())), draw(st.text(max_size=30)))

    areas = tuple(
        Area(
            next(area_keys),
            draw(names),
            tuple(Theme(next(theme_keys), draw(names), tuple(item() for _ in range(n))) for n in themes),
        )
        for themes in shape
    )
    return Instrument(draw(keys), draw(names), draw(names), areas)


def test_the_demo_instrument_round_trips_through_plain_data():
    assert Instrument.from_dict(json.loads(json.dumps(DEMO_INSTRUMENT.to_dict()))) == DEMO_INSTRUMENT


@given(instruments())
def test_any_valid_instrument_round_trips_through_json(instrument: Instrument):
    assert instrument.problems() == []
    assert Instrument.from_dict(json.loads(json.dumps(instrument.to_dict()))) == instrument


def test_the_demo_instrument_has_kids_structure_and_only_neutral_texts():
    assert [a.key for a in DEMO_INSTRUMENT.areas] == ["physical_environment", "relationships", "play_and_activity"]
    assert [a.name for a in DEMO_INSTRUMENT.areas] == ["Fysiske omgivelser", "Relationer", "Leg og aktivitet"]
    assert len(list(DEMO_INSTRUMENT.themes())) == 6
    assert all(len(t.items) == 3 for t in DEMO_INSTRUMENT.themes())
    assert all(i.scale == Scale(1, 5) and i.text.startswith("Demo-indikator") for i in DEMO_INSTRUMENT.items())
    assert DEMO_INSTRUMENT.problems() == []


def test_an_invalid_definition_lists_every_problem_with_its_location():
    data = DEMO_INSTRUMENT.to_dict()
    data["name"] = " "
    data["areas"][1]["key"] = data["areas"][0]["key"]  # duplicate area key
    data["areas"][0]["themes"][1]["items"][2]["scale"] = {"min": 5, "max": 5}
    data["areas"][0]["themes"][0]["items"][0]["scale"] = {"max": 5}
    data["areas"][1]["themes"][0]["items"] = []
    data["areas"][1]["themes"][1]["key"] = data["areas"][0]["themes"][0]["key"]  # duplicate theme key
    data["areas"][2]["themes"][0]["items"][1]["key"] = "social_development_1"  # duplicate item key
    data["areas"][2]["themes"][1]["items"][0] = "not an item"
    with pytest.raises(DomainError) as caught:
        Instrument.from_dict(data)
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert [v.location for v in caught.value.violations] == [
        "name",
        "areas[0].themes[0].items[0].scale.min",
        "areas[0].themes[1].items[2].scale",
        "areas[1].key",
        "areas[1].themes[0].items",
        "areas[1].themes[1].key",
        "areas[2].themes[0].items[1].key",
        "areas[2].themes[1].items[0]",
    ]


def test_missing_parts_and_wrong_types_are_problems_not_crashes():
    assert [v.location for v in Instrument("k", "1", "n", ()).problems()] == ["areas"]
    with pytest.raises(DomainError) as caught:
        Instrument.from_dict({"key": "k", "version": 2, "areas": "none"})
    assert [v.location for v in caught.value.violations] == ["version", "name", "areas"]
    with pytest.raises(DomainError) as caught:
        Instrument.from_dict(["not", "an", "object"])  # type: ignore[arg-type]
    assert caught.value.violations[0].location == "instrument"


def test_an_item_without_a_scale_or_with_a_non_boolean_flag_is_named():
    data = {"key": "k", "version": "1", "name": "n", "areas": [{"key": "a", "name": "A", "themes": [{}]}]}
    data["areas"][0]["themes"] = [
        {
            "key": "t",
            "name": "T",
            "items": [{"key": "x"}, {"key": "y", "scale": {"min": 1, "max": 2, "allows_not_observed": "ja"}}],
        }
    ]
    with pytest.raises(DomainError) as caught:
        Instrument.from_dict(data)
    assert [v.location for v in caught.value.violations] == [
        "areas[0].themes[0].items[0].scale",
        "areas[0].themes[0].items[1].scale.allows_not_observed",
    ]


def test_scoring_refuses_an_invalid_instrument():
    broken = one_theme(Scale(5, 1))
    with pytest.raises(DomainError) as caught:
        score(broken, {"i1": 3}, THRESHOLD)
    assert caught.value.violations[0].location == "areas[0].themes[0].items[0].scale"
