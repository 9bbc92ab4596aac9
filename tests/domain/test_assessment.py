"""Assessment: the band sets a floor for concern; the supervisor may raise it with a justification, never lower it.

Stated from /work/shared/domain.md ("Scores, bands and concern"): the supervisor may raise the concern level on
other grounds ("kvaliteten ... eller andre forhold"), never silently: with a written justification.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.assessment import Assessment, assess
from domain.errors import DomainError, ErrorCode
from domain.policy import KOLDING_DEFAULT, ConcernLevel
from tests.domain.test_policy import valid_policies

NONE, CONCERN, SERIOUS = ConcernLevel.NONE, ConcernLevel.CONCERN, ConcernLevel.SERIOUS
LEVELS = [NONE, CONCERN, SERIOUS]  # from least to most concern
WHY = "Personalet råbte ad børnene under frokosten, og flere børn var kede af det."
NO_RAISE = replace(KOLDING_DEFAULT, supervisor_may_raise_concern=False)

percents = st.one_of(
    st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=100),
    st.sampled_from([0, 29.999, 30, 49.99, 50, 70, 90, 100]),
)
percents_with_concern = st.one_of(  # below 50 %: bands whose concern is above "none"
    st.floats(min_value=0, max_value=50, exclude_max=True), st.integers(min_value=0, max_value=49)
)
justifications = st.text(min_size=20, max_size=200).filter(lambda s: len(s.strip()) >= 20)


def _refused(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code is ErrorCode.INVALID_INPUT
    return caught.value


def _locations(error: DomainError) -> list[str]:
    return [v.location for v in error.violations]


# --- from the score alone ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "band", "concern"),
    [
        (100, "excellent", NONE),
        (90, "excellent", NONE),
        (75, "good", NONE),
        (50, "adequate", NONE),
        (49.99, "inadequate", CONCERN),
        (45, "inadequate", CONCERN),
        (30, "inadequate", CONCERN),
        (29.99, "poor", SERIOUS),
        (25, "poor", SERIOUS),
        (0, "poor", SERIOUS),
    ],
)
def test_the_score_sets_band_and_concern(percent, band, concern):
    result = assess(KOLDING_DEFAULT, percent)
    assert isinstance(result, Assessment)
    assert result.percent == percent
    assert result.band.key == band
    assert result.concern_from_score is concern
    assert result.concern is concern
    assert result.raised_on_judgement is False
    assert result.justification is None


@pytest.mark.parametrize("percent", [-0.1, 100.1, float("nan"), float("inf"), True])
def test_a_percent_outside_0_to_100_is_refused(percent):
    _refused(lambda: assess(KOLDING_DEFAULT, percent))


# --- raising on judgement ----------------------------------------------------------------------------------------


def test_raising_concern_with_a_justification_is_kept_and_shown():
    result = assess(KOLDING_DEFAULT, 75, concern=CONCERN, justification=WHY)
    assert result.band.key == "good"
    assert result.concern_from_score is NONE
    assert result.concern is CONCERN
    assert result.raised_on_judgement is True
    assert result.justification == WHY


def test_raising_from_concern_to_serious_concern():
    result = assess(KOLDING_DEFAULT, 45, concern=SERIOUS, justification=WHY)
    assert (result.band.key, result.concern, result.raised_on_judgement) == ("inadequate", SERIOUS, True)


def test_the_justification_is_stored_without_surrounding_whitespace():
    result = assess(KOLDING_DEFAULT, 75, concern=CONCERN, justification=f"  \n{WHY}\t ")
    assert result.justification == WHY


@pytest.mark.parametrize("justification", [None, "", "   ", "kort", "se notat", "x" * 19, " " * 10 + "kort" + " " * 10])
def test_raising_without_a_real_justification_is_refused(justification):
    error = _refused(lambda: assess(KOLDING_DEFAULT, 75, concern=CONCERN, justification=justification))
    assert _locations(error) == ["justification"]


def test_twenty_characters_is_enough():
    result = assess(KOLDING_DEFAULT, 75, concern=CONCERN, justification="x" * 20)
    assert result.justification == "x" * 20


def test_a_justification_without_a_raise_is_not_carried():
    result = assess(KOLDING_DEFAULT, 45, concern=CONCERN, justification=WHY)
    assert (result.concern, result.raised_on_judgement, result.justification) == (CONCERN, False, None)


# --- lowering is never allowed -----------------------------------------------------------------------------------


def test_lowering_concern_is_refused():
    error = _refused(lambda: assess(KOLDING_DEFAULT, 25, concern=NONE))
    assert _locations(error) == ["concern"]
    assert "never lowered" in error.violations[0].message


def test_lowering_is_refused_even_with_a_justification():
    error = _refused(lambda: assess(KOLDING_DEFAULT, 45, concern=NONE, justification=WHY))
    assert _locations(error) == ["concern"]


@settings(max_examples=200)
@given(percents_with_concern, st.data())
def test_any_concern_below_the_bands_is_refused(percent, data):
    # Only a band with concern has a level below it; from 50 % up the floor is "none".
    floor = KOLDING_DEFAULT.band_for(percent).concern
    level = data.draw(st.sampled_from([c for c in LEVELS if c.rank < floor.rank]), label="level")
    justification = data.draw(st.one_of(st.none(), justifications), label="justification")
    error = _refused(lambda: assess(KOLDING_DEFAULT, percent, concern=level, justification=justification))
    assert _locations(error) == ["concern"]


# --- concern without a score -------------------------------------------------------------------------------------


def test_no_score_means_no_band_and_no_concern():
    result = assess(KOLDING_DEFAULT, None)
    assert (result.percent, result.band, result.concern_from_score) == (None, None, None)
    assert result.concern is NONE
    assert result.raised_on_judgement is False
    assert result.justification is None


@pytest.mark.parametrize("level", [CONCERN, SERIOUS])
def test_concern_without_a_score_with_a_justification(level):
    result = assess(KOLDING_DEFAULT, None, concern=level, justification=WHY)
    assert (result.band, result.concern, result.raised_on_judgement, result.justification) == (None, level, True, WHY)


@pytest.mark.parametrize("justification", [None, "", "   ", "kort"])
def test_concern_without_a_score_needs_a_justification(justification):
    error = _refused(lambda: assess(KOLDING_DEFAULT, None, concern=SERIOUS, justification=justification))
    assert _locations(error) == ["justification"]


def test_no_concern_without_a_score_needs_nothing():
    result = assess(KOLDING_DEFAULT, None, concern=NONE)
    assert (result.concern, result.raised_on_judgement) == (NONE, False)


# --- a policy that does not let supervisors raise ----------------------------------------------------------------


def test_a_policy_without_raises_refuses_one():
    error = _refused(lambda: assess(NO_RAISE, 75, concern=CONCERN, justification=WHY))
    assert _locations(error) == ["concern"]


def test_a_policy_without_raises_refuses_one_without_a_score():
    error = _refused(lambda: assess(NO_RAISE, None, concern=CONCERN, justification=WHY))
    assert _locations(error) == ["concern"]


@pytest.mark.parametrize(("percent", "level"), [(75, NONE), (45, CONCERN), (25, SERIOUS), (None, NONE)])
def test_a_policy_without_raises_accepts_the_bands_own_level(percent, level):
    assert assess(NO_RAISE, percent, concern=level).concern is level
    assert assess(NO_RAISE, percent).concern is level


def test_both_problems_of_a_raise_are_listed():
    error = _refused(lambda: assess(NO_RAISE, 75, concern=SERIOUS, justification="kort"))
    assert sorted(_locations(error)) == ["concern", "justification"]


# --- the general property ----------------------------------------------------------------------------------------


@settings(max_examples=300)
@given(percents, st.data())
def test_any_level_at_or_above_the_bands_is_taken(percent, data):
    band = KOLDING_DEFAULT.band_for(percent)
    level = data.draw(st.sampled_from([c for c in LEVELS if c.rank >= band.concern.rank]), label="level")
    justification = data.draw(justifications, label="justification")
    result = assess(KOLDING_DEFAULT, percent, concern=level, justification=justification)
    assert result.concern is level
    assert result.band == band
    assert result.concern_from_score is band.concern
    assert result.raised_on_judgement is (level.rank > band.concern.rank)
    assert result.justification == (justification.strip() if result.raised_on_judgement else None)


@settings(max_examples=100)
@given(valid_policies(), percents, st.data())
def test_under_any_valid_policy_the_floor_holds(policy, percent, data):
    band = policy.band_for(percent)
    level = data.draw(st.sampled_from(LEVELS), label="level")
    lowered = level.rank < band.concern.rank
    raise_forbidden = level.rank > band.concern.rank and not policy.supervisor_may_raise_concern
    if lowered or raise_forbidden:
        error = _refused(lambda: assess(policy, percent, concern=level, justification=WHY))
        assert _locations(error) == ["concern"]
    else:
        result = assess(policy, percent, concern=level, justification=WHY)
        assert (result.band, result.concern) == (band, level)
