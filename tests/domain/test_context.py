"""Context beside the score: results grouped in quartiles of the socio-economic profile, never changed by it."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.access import Role
from domain.context import CONTEXT_INDICATOR, group_by_context, shown_group
from domain.indicator_catalogue import KOLDING_CATALOGUE
from domain.policy import KOLDING_BANDS, ConcernLevel, SupervisionPolicy
from domain.providers import ProviderKind
from domain.trends import AssessmentFact

POLICY = SupervisionPolicy()
PROFILE = next(d for d in KOLDING_CATALOGUE if d.key == CONTEXT_INDICATOR)


def _result(provider_id: str, percent: float, raised: bool = False) -> AssessmentFact:
    band = POLICY.band_for(percent)
    concern = ConcernLevel.SERIOUS if raised else band.concern
    return AssessmentFact(
        provider_id, None, ProviderKind.MUNICIPAL_INSTITUTION, date(2025, 5, 1), band.key, concern, percent
    )


results_strategy = st.dictionaries(
    st.text("abcdefghij", min_size=1, max_size=4),
    st.tuples(st.floats(0, 100, allow_nan=False), st.booleans()),
    max_size=40,
).map(lambda d: {p: _result(p, pct, raised) for p, (pct, raised) in d.items()})


@settings(max_examples=300, deadline=None)
@given(results=results_strategy, data=st.data())
def test_context_grouping_never_changes_a_band_or_a_concern(results, data):
    context = data.draw(
        st.dictionaries(
            st.sampled_from(sorted(results)) if results else st.nothing(),
            st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
        )
        if results
        else st.just({})
    )
    before = {p: (r.band_key, r.concern, r.percent) for p, r in results.items()}

    grouping = group_by_context(results, context)

    grouped = [r for g in grouping.groups for r in g.results] + list(grouping.without_context)
    assert sorted(r.provider_id for r in grouped) == sorted(results)  # every provider exactly once
    for r in grouped:
        assert (r.band_key, r.concern, r.percent) == before[r.provider_id]
        assert r is results[r.provider_id]
    assert {p: (r.band_key, r.concern, r.percent) for p, r in results.items()} == before  # the input untouched
    for role in Role:
        for g in grouping.groups:
            shown = shown_group(g, PROFILE, KOLDING_BANDS, role)
            assert all(s.value in (None, sum(1 for r in g.results if r.band_key == k)) for k, _, s in shown.bands)


@given(values=st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=60, unique=True))
def test_quartiles_split_providers_by_their_context_value_lowest_first(values):
    results = {f"p{i:02}": _result(f"p{i:02}", 50) for i in range(len(values))}
    context = {f"p{i:02}": v for i, v in enumerate(values)}

    groups = group_by_context(results, context).groups

    assert [g.number for g in groups] == sorted(g.number for g in groups)
    for lower, upper in pairwise(groups):
        assert lower.high < upper.low
    sizes = [len(g.results) for g in groups]
    assert max(sizes) - min(sizes) <= 1


def test_equal_context_values_share_a_quartile():
    results = {p: _result(p, 80) for p in "abcdefgh"}
    context = dict.fromkeys("abcdefgh", 10.0)

    (group,) = group_by_context(results, context).groups

    assert len(group.results) == 8


def test_a_provider_without_a_context_value_is_shown_apart_with_its_result():
    results = {"a": _result("a", 20), "b": _result("b", 95)}

    grouping = group_by_context(results, {"b": 3.0})

    assert grouping.without_context == (results["a"],)
    assert grouping.groups[0].results == (results["b"],)


def test_a_quartile_of_fewer_than_five_providers_shows_counts_as_less_than_five_to_the_committee():
    results = {p: _result(p, 75) for p in "abcd"}
    (group,) = group_by_context(results, dict.fromkeys("abcd", 1.0)).groups

    committee = shown_group(group, PROFILE, KOLDING_BANDS, Role.COMMITTEE)
    admin = shown_group(group, PROFILE, KOLDING_BANDS, Role.ADMIN)

    assert committee.providers.display == "<5" and committee.providers.value is None
    assert {s.display for _, _, s in committee.bands} == {"<5"}
    assert committee.mean_percent is None and committee.provider_ids is None
    assert admin.providers.value == 4 and admin.mean_percent == 75.0
    assert dict((k, s.value) for k, _, s in admin.bands)["good"] == 4
    assert admin.provider_ids == ("a", "b", "c", "d")


def test_the_committee_sees_a_quartile_of_five_but_not_the_unpublishable_profile_values():
    results = {p: _result(p, 60 + i) for i, p in enumerate("abcde")}
    (group,) = group_by_context(results, dict.fromkeys("abcde", 7.0)).groups

    shown = shown_group(group, PROFILE, KOLDING_BANDS, Role.COMMITTEE)

    assert shown.providers.value == 5 and shown.mean_percent == 62.0
    assert (shown.low, shown.high) == (None, None)  # the profile is not publishable
    assert shown_group(group, PROFILE, KOLDING_BANDS, Role.SUPERVISOR).low == 7.0
