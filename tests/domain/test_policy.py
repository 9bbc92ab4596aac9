"""The supervision policy: the band table is total and monotone, and a policy is valid or refused with every problem.

Stated independently of domain/policy.py from /work/shared/domain.md ("Scores, bands and concern"): 0..100 is
covered, a boundary belongs to the higher band, a lower score never means less concern, and a municipality's own
policy is data that round-trips and is refused with all its problems at once.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, replace
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import DomainError, ErrorCode
from domain.law import kinds_always_under_report_duty
from domain.policy import (
    BAND_KEY_MAX_LENGTH,
    BAND_LABEL_MAX_LENGTH,
    KOLDING_DEFAULT,
    Band,
    ConcernLevel,
    Deadlines,
    SupervisionPolicy,
    policy_legal_basis,
)
from domain.providers import ProviderKind

DEADLINE_NAMES = [f.name for f in fields(Deadlines)]
RANK = {ConcernLevel.NONE: 0, ConcernLevel.CONCERN: 1, ConcernLevel.SERIOUS: 2}  # the order, stated here again

percents = st.one_of(
    st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=100),
    st.sampled_from([0, 100, 0.0, -0.0, 100.0, 30, 50, 70, 90, math.nextafter(30, 0), math.nextafter(90, 100)]),
)
out_of_range = st.one_of(
    st.floats(max_value=0, exclude_max=True, allow_nan=False),  # includes -inf
    st.floats(min_value=100, exclude_min=True, allow_nan=False),  # includes inf
    st.integers(max_value=-1),
    st.integers(min_value=101),
    st.sampled_from([math.nan, -math.nan, math.inf, -math.inf, math.nextafter(0, -1), math.nextafter(100, 101)]),
)


# --- the default Kolding table --------------------------------------------------------------------------------


@settings(max_examples=300)
@given(percents)
def test_band_for_is_total_over_0_to_100(percent):
    band = KOLDING_DEFAULT.band_for(percent)
    assert band in KOLDING_DEFAULT.bands
    assert band.lower_bound <= percent


@settings(max_examples=200)
@given(out_of_range)
def test_band_for_refuses_a_percent_outside_0_to_100_nan_and_inf(percent):
    with pytest.raises(DomainError) as caught:
        KOLDING_DEFAULT.band_for(percent)
    assert caught.value.code is ErrorCode.INVALID_INPUT


@pytest.mark.parametrize("value", [True, False, "50", None, b"50", [50]], ids=repr)
def test_band_for_refuses_bool_and_non_numbers(value):
    with pytest.raises(DomainError) as caught:
        KOLDING_DEFAULT.band_for(value)
    assert caught.value.code is ErrorCode.INVALID_INPUT


@settings(max_examples=300)
@given(percents, percents)
def test_band_for_is_monotone(a, b):
    a, b = min(a, b), max(a, b)
    assert KOLDING_DEFAULT.band_for(a).lower_bound <= KOLDING_DEFAULT.band_for(b).lower_bound


@settings(max_examples=300)
@given(percents, percents)
def test_default_concern_never_decreases_as_the_percent_falls(a, b):
    a, b = min(a, b), max(a, b)
    assert KOLDING_DEFAULT.band_for(a).concern.rank >= KOLDING_DEFAULT.band_for(b).concern.rank


@pytest.mark.parametrize(
    ("percent", "key"),
    [
        (0, "poor"),
        (0.0, "poor"),
        (Fraction(1, 3), "poor"),
        (29.999999, "poor"),
        (math.nextafter(30, 0), "poor"),
        (30, "inadequate"),
        (30.0, "inadequate"),
        (49.99, "inadequate"),
        (math.nextafter(50, 0), "inadequate"),
        (50, "adequate"),
        (69.99, "adequate"),
        (math.nextafter(70, 0), "adequate"),
        (70, "good"),
        (89.99, "good"),
        (math.nextafter(90, 0), "good"),
        (90, "excellent"),
        (99.5, "excellent"),
        (100, "excellent"),
        (100.0, "excellent"),
    ],
    ids=repr,
)
def test_a_boundary_belongs_to_the_higher_band(percent, key):
    assert KOLDING_DEFAULT.band_for(percent).key == key


@pytest.mark.parametrize(
    ("key", "label_da", "lower_bound", "concern", "concern_da"),
    [
        ("excellent", "fremragende", 90, ConcernLevel.NONE, "ingen bekymring"),
        ("good", "god", 70, ConcernLevel.NONE, "ingen bekymring"),
        ("adequate", "tilstrækkelig", 50, ConcernLevel.NONE, "ingen bekymring"),
        ("inadequate", "utilstrækkelig", 30, ConcernLevel.CONCERN, "bekymring"),
        ("poor", "ringe", 0, ConcernLevel.SERIOUS, "alvorlig bekymring"),
    ],
)
def test_the_kolding_table(key, label_da, lower_bound, concern, concern_da):
    band = KOLDING_DEFAULT.band_for(lower_bound)
    assert (band.key, band.label_da, band.lower_bound, band.concern) == (key, label_da, lower_bound, concern)
    assert band.concern.label_da == concern_da


def test_the_kolding_default_has_exactly_the_five_bands_and_is_valid():
    assert [(b.label_da, b.concern.value) for b in KOLDING_DEFAULT.bands_high_to_low()] == [
        ("fremragende", "none"),
        ("god", "none"),
        ("tilstrækkelig", "none"),
        ("utilstrækkelig", "concern"),
        ("ringe", "serious_concern"),
    ]
    assert KOLDING_DEFAULT.problems() == []
    assert KOLDING_DEFAULT.validated() is KOLDING_DEFAULT
    assert KOLDING_DEFAULT.cycle_months == 24


def test_concern_ranks_order_the_levels():
    assert [level.rank for level in ConcernLevel] == [RANK[level] for level in ConcernLevel]


# --- generated policies ------------------------------------------------------------------------------------------

keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøå_-", min_size=1, max_size=12)
# Any printable text (no control characters: a database cannot store those; see domain/text.py).
labels = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=20)
inner_bounds = st.one_of(
    st.integers(min_value=1, max_value=99),
    st.floats(min_value=0, max_value=100, exclude_min=True, exclude_max=True, allow_subnormal=False),
)


@st.composite
def valid_policies(draw, min_bands: int = 1):
    n = draw(st.integers(min_value=min_bands, max_value=8))
    band_keys = draw(st.lists(keys, min_size=n, max_size=n, unique=True))
    bounds = [0, *draw(st.lists(inner_bounds, min_size=n - 1, max_size=n - 1, unique_by=float))]
    levels = sorted(draw(st.lists(st.sampled_from(list(ConcernLevel)), min_size=n, max_size=n)), key=RANK.get)
    # Highest bound gets the lowest concern: concern never falls as the band falls.
    pairs = zip(sorted(bounds, reverse=True), levels, strict=True)
    bands = [Band(key, draw(labels), bound, level) for key, (bound, level) in zip(band_keys, pairs, strict=True)]
    bands = draw(st.permutations(bands))  # the order the bands are listed in must not matter
    deadlines = Deadlines(**{name: draw(st.integers(min_value=1, max_value=3650)) for name in DEADLINE_NAMES})
    deadlines = replace(deadlines, due_soon_days=draw(st.integers(min_value=1, max_value=366)))
    outside_the_law = [k for k in ProviderKind if k not in kinds_always_under_report_duty()]
    return SupervisionPolicy(
        cycle_months=draw(st.integers(min_value=1, max_value=24)),
        announced_visits_per_cycle=draw(st.integers(min_value=1, max_value=5)),
        unannounced_visits_per_cycle=draw(st.integers(min_value=1, max_value=5)),
        bands=tuple(bands),
        deadlines=deadlines,
        supervisor_may_raise_concern=draw(st.booleans()),
        observation_coverage_threshold=draw(
            st.one_of(st.just(1), st.floats(min_value=0, max_value=1, exclude_min=True))
        ),
        policy_report_kinds=tuple(draw(st.lists(st.sampled_from(outside_the_law), unique=True))),
    )


@settings(max_examples=150)
@given(valid_policies())
def test_a_valid_policy_has_no_problems_and_round_trips(policy):
    assert policy.problems() == []
    assert policy.validated() is policy
    assert SupervisionPolicy.from_dict(policy.to_dict()) == policy
    assert SupervisionPolicy.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy


@settings(max_examples=150)
@given(valid_policies(), percents, percents)
def test_a_valid_policy_is_total_monotone_and_concern_never_falls_with_the_percent(policy, a, b):
    a, b = min(a, b), max(a, b)
    low, high = policy.band_for(a), policy.band_for(b)
    assert low in policy.bands and high in policy.bands
    assert low.lower_bound <= a and high.lower_bound <= b
    assert low.lower_bound <= high.lower_bound
    assert low.concern.rank >= high.concern.rank


@settings(max_examples=100)
@given(valid_policies())
def test_a_valid_policy_puts_each_lower_bound_in_its_own_band(policy):
    for band in policy.bands:
        assert policy.band_for(band.lower_bound) == band


# --- corrupted policies: every problem is listed -------------------------------------------------------------

CORRUPTIONS = [
    "gap",
    "overlap",
    "concern_falls",
    "deadline",
    "cycle",
    "coverage",
    "duplicate_key",
    "lower_bound_out_of_range",
]


def _fresh_key(bands, stem: str) -> str:
    taken = {b.key for b in bands}
    return next(f"{stem}{i}" for i in range(100) if f"{stem}{i}" not in taken)


@st.composite
def corrupted_policies(draw, kinds=st.lists(st.sampled_from(CORRUPTIONS), min_size=1, unique=True)):
    """A valid policy with one or more corruptions, and for each the (location, keyword) the refusal must name.

    The corruptions are built so that none undoes another: they apply in a fixed order, and band corruptions only
    move the band at 0 below every other band, or add bands above the top one or outside 0..100.
    """
    policy = draw(valid_policies())
    chosen = set(draw(kinds))
    expected: list[tuple[str, str, str]] = []  # (corruption, location, keyword in the message)
    bands = list(policy.bands)

    def top():
        return max(bands, key=lambda b: b.lower_bound)

    if "gap" in chosen:
        i = next(i for i, b in enumerate(bands) if b.lower_bound == 0)
        others = [b.lower_bound for b in bands if b.lower_bound != 0]
        bands[i] = replace(bands[i], lower_bound=min(others) / 2 if others else 50)
        expected.append(("gap", "bands", "gap"))
    if "overlap" in chosen:
        t = top()
        bands.append(replace(t, key=_fresh_key(bands, "overlap")))  # same bound, same concern
        expected.append(("overlap", "bands", "overlap"))
    if "concern_falls" in chosen:
        t = top().lower_bound
        hi = (t + 100) / 2
        lo = (t + hi) / 2
        if not t < lo < hi < 100:  # float resolution right below 100: use round numbers instead
            bands = [replace(b, lower_bound=b.lower_bound * 0.5) for b in bands]
            t, lo, hi = top().lower_bound, 60, 80
        bands.append(Band(_fresh_key(bands, "hi"), "høj", hi, ConcernLevel.SERIOUS))
        bands.append(Band(_fresh_key(bands, "lo"), "lav", lo, ConcernLevel.NONE))
        expected.append(("concern_falls", "bands", "concern falls"))
    if "duplicate_key" in chosen:
        if len(bands) >= 2:
            bands[1] = replace(bands[1], key=bands[0].key)
        else:  # one band: add one above it, with no concern, so nothing but the key is wrong
            only = bands[0]
            bands.append(Band(only.key, "kopi", (only.lower_bound + 100) / 2, ConcernLevel.NONE))
        expected.append(("duplicate_key", "bands", "share the key"))
    if "lower_bound_out_of_range" in chosen:
        if draw(st.booleans()):
            bands.append(Band(_fresh_key(bands, "above"), "over", 100, ConcernLevel.NONE))
        else:
            bands.append(Band(_fresh_key(bands, "below"), "under", -1, ConcernLevel.SERIOUS))
        expected.append(("lower_bound_out_of_range", f"bands[{len(bands) - 1}].lower_bound", "below 100"))
    changes: dict = {"bands": tuple(bands)}
    if "deadline" in chosen:
        name = draw(st.sampled_from(DEADLINE_NAMES))
        value = draw(st.one_of(st.just(0), st.integers(max_value=-1)))
        changes["deadlines"] = replace(policy.deadlines, **{name: value})
        expected.append(("deadline", f"deadlines.{name}", "above 0"))
    if "cycle" in chosen:
        changes["cycle_months"] = draw(st.sampled_from([0, 25]))
        expected.append(("cycle", "cycle_months", "24 months"))
    if "coverage" in chosen:
        changes["observation_coverage_threshold"] = draw(st.sampled_from([0, 0.0, 1.5]))
        expected.append(("coverage", "observation_coverage_threshold", "coverage"))
    return replace(policy, **changes), expected


def _names(violations, location: str, keyword: str) -> bool:
    return any(v.location == location and keyword.lower() in v.message.lower() for v in violations)


@pytest.mark.parametrize("corruption", CORRUPTIONS)
@settings(max_examples=25)
@given(data=st.data())
def test_each_corruption_alone_is_refused_naming_it(corruption, data):
    corrupted, expected = data.draw(corrupted_policies(kinds=st.just([corruption])))
    with pytest.raises(DomainError) as caught:
        corrupted.validated()
    assert caught.value.code is ErrorCode.INVALID_INPUT
    [(_, location, keyword)] = expected
    assert _names(caught.value.violations, location, keyword), caught.value.violations


@settings(max_examples=300)
@given(corrupted_policies())
def test_every_corruption_is_listed_not_just_the_first(corrupted_and_expected):
    corrupted, expected = corrupted_and_expected
    with pytest.raises(DomainError) as caught:
        corrupted.validated()
    error = caught.value
    assert error.code is ErrorCode.INVALID_INPUT
    assert error.violations == corrupted.problems()
    missing = [name for name, location, keyword in expected if not _names(error.violations, location, keyword)]
    assert missing == [], f"not listed: {missing}; listed: {error.violations}"


def test_duplicate_key_hides_the_gap_overlap_and_falling_concern():
    # The shrunk form of the property above, spelled out. Expected all four problems, at "bands".
    policy = replace(
        KOLDING_DEFAULT,
        bands=(
            Band("excellent", "fremragende", 90, ConcernLevel.SERIOUS),  # concern falls to `good` below it
            Band("good", "god", 70, ConcernLevel.NONE),
            Band("good", "god igen", 70, ConcernLevel.NONE),  # same key, same bound (overlap)
            Band("poor", "ringe", 10, ConcernLevel.SERIOUS),  # nothing from 0: a gap
        ),
    )
    with pytest.raises(DomainError) as caught:
        policy.validated()
    violations = caught.value.violations
    assert _names(violations, "bands", "share the key")
    assert _names(violations, "bands", "gap"), violations
    assert _names(violations, "bands", "overlap"), violations
    assert _names(violations, "bands", "concern falls"), violations


def test_an_empty_band_table_is_refused():
    with pytest.raises(DomainError) as caught:
        replace(KOLDING_DEFAULT, bands=()).validated()
    assert _names(caught.value.violations, "bands", "at least one band")


def test_a_band_key_or_label_too_long_or_holding_a_control_character_is_refused_each_named():
    data = KOLDING_DEFAULT.to_dict()
    data["bands"][0]["key"] = "k" * (BAND_KEY_MAX_LENGTH + 1)
    data["bands"][1]["label_da"] = "x" * 2_000_000  # served on the public policy page
    data["bands"][2]["label_da"] = "til\x00strækkelig"
    with pytest.raises(DomainError) as caught:
        SupervisionPolicy.from_dict(data)
    found = {v.location: v.message for v in caught.value.violations}
    assert f"at most {BAND_KEY_MAX_LENGTH} characters" in found["bands[0].key"]
    assert f"at most {BAND_LABEL_MAX_LENGTH} characters" in found["bands[1].label_da"]
    assert "U+0000" in found["bands[2].label_da"]
    ok = KOLDING_DEFAULT.to_dict()
    ok["bands"][0]["key"], ok["bands"][0]["label_da"] = "k" * BAND_KEY_MAX_LENGTH, "l" * BAND_LABEL_MAX_LENGTH
    assert SupervisionPolicy.from_dict(ok).bands[0].key == "k" * BAND_KEY_MAX_LENGTH


# --- reading a policy from plain data ------------------------------------------------------------------------


def test_from_dict_refuses_an_unknown_deadline_naming_it():
    data = KOLDING_DEFAULT.to_dict()
    data["deadlines"]["visit_reminder_days"] = 7
    with pytest.raises(DomainError) as caught:
        SupervisionPolicy.from_dict(data)
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert [v.location for v in caught.value.violations] == ["deadlines.visit_reminder_days"]
    assert "visit_reminder_days" in caught.value.violations[0].message


@pytest.mark.parametrize("index", range(len(KOLDING_DEFAULT.bands)))
def test_from_dict_refuses_a_band_without_concern_naming_it(index):
    data = KOLDING_DEFAULT.to_dict()
    del data["bands"][index]["concern"]
    with pytest.raises(DomainError) as caught:
        SupervisionPolicy.from_dict(data)
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert [v.location for v in caught.value.violations] == [f"bands[{index}]"]


@pytest.mark.parametrize(
    ("field", "value"), [("concern", "worried"), ("lower_bound", "high"), ("lower_bound", None), ("key", None)]
)
def test_from_dict_refuses_a_band_with_a_wrong_value_naming_it(field, value):
    data = KOLDING_DEFAULT.to_dict()
    if value is None and field == "key":
        del data["bands"][2][field]
    else:
        data["bands"][2][field] = value
    with pytest.raises(DomainError) as caught:
        SupervisionPolicy.from_dict(data)
    assert [v.location for v in caught.value.violations] == ["bands[2]"]


def test_from_dict_lists_the_unknown_deadline_and_the_incomplete_band_together():
    data = KOLDING_DEFAULT.to_dict()
    data["deadlines"]["visit_reminder_days"] = 7
    del data["bands"][4]["concern"]
    with pytest.raises(DomainError) as caught:
        SupervisionPolicy.from_dict(data)
    assert {v.location for v in caught.value.violations} == {"bands[4]", "deadlines.visit_reminder_days"}


def test_from_dict_lists_unreadable_and_invalid_problems_together():
    data = KOLDING_DEFAULT.to_dict()
    del data["bands"][0]["concern"]
    data["cycle_months"] = 25
    with pytest.raises(DomainError) as caught:
        SupervisionPolicy.from_dict(data)
    locations = {v.location for v in caught.value.violations}
    assert locations == {"bands[0]", "cycle_months"}


def test_from_dict_validates_what_it_reads():
    data = KOLDING_DEFAULT.to_dict()
    data["cycle_months"] = 36
    data["deadlines"]["action_plan_days"] = 0
    with pytest.raises(DomainError) as caught:
        SupervisionPolicy.from_dict(data)
    assert {v.location for v in caught.value.violations} == {"cycle_months", "deadlines.action_plan_days"}


def test_from_dict_fills_what_is_left_out_from_the_defaults():
    assert SupervisionPolicy.from_dict({"bands": KOLDING_DEFAULT.to_dict()["bands"]}) == KOLDING_DEFAULT


def test_the_warning_window_is_thirty_days_by_default_and_at_most_a_year():
    assert KOLDING_DEFAULT.deadlines.due_soon_days == 30
    too_long = replace(KOLDING_DEFAULT, deadlines=replace(KOLDING_DEFAULT.deadlines, due_soon_days=367))
    assert [p.location for p in too_long.problems()] == ["deadlines.due_soon_days"]


def test_only_kinds_outside_the_legal_report_duty_can_be_asked_a_report_by_policy():
    assert KOLDING_DEFAULT.policy_report_kinds == ()
    asked = SupervisionPolicy.from_dict({**KOLDING_DEFAULT.to_dict(), "policy_report_kinds": ["private_childminding"]})
    assert asked.policy_report_kinds == (ProviderKind.PRIVATE_CHILDMINDING,)
    with pytest.raises(DomainError) as refused:
        SupervisionPolicy.from_dict({**KOLDING_DEFAULT.to_dict(), "policy_report_kinds": ["puljeordning", "nope"]})
    assert [v.location for v in refused.value.violations] == ["policy_report_kinds[0]", "policy_report_kinds[1]"]


# --- on which legal ground a policy is published ---------------------------------------------------------------


def test_before_2025_the_policy_is_the_framework_the_law_asks_the_council_to_publish():
    basis = policy_legal_basis(date(2024, 12, 31))
    assert (basis.law_version, basis.required_by_law) == ("2022", True)
    assert basis.legal_reference == "dagtilbudsloven §5, stk. 2"
    assert "fastsættes og offentliggøres efter dagtilbudsloven §5, stk. 2" in basis.text_da


def test_from_2025_the_policy_is_published_voluntarily_since_l_48_repealed_the_framework_duty():
    basis = policy_legal_basis(date(2025, 1, 1))
    assert (basis.law_version, basis.required_by_law, basis.legal_reference) == ("2025", False, None)
    assert "offentliggør frivilligt" in basis.text_da
    assert "ophævet ved L 48, folketingsåret 2024-25, med virkning fra 01.01.2025" in basis.text_da
    assert "§5, stk. 2 i reglerne fra 01.01.2022" in basis.text_da  # the repealed duty, by its own numbering
    assert basis.binding_reference == "dagtilbudsloven §5a, stk. 1-6, og §5b, stk. 1-5"
    assert basis.text_da.endswith(f"fortsat bundet af {basis.binding_reference}.")
