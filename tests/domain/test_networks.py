"""The rules of networks: the membership life cycle, KL's limits and the benchmark floor."""

from __future__ import annotations

import pytest

from domain.errors import DomainError, ErrorCode
from domain.networks import (
    MAX_MEMBERS,
    BenchmarkThresholds,
    MembershipStatus,
    check_participants,
    check_room_for_member,
    check_transition,
    counts_in_figures,
    may_be_named,
    membership_advice,
)

S = MembershipStatus


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.INVITED, S.ACCEPTED),
        (S.INVITED, S.DECLINED),
        (S.ACCEPTED, S.LEFT),
        (S.LEFT, S.INVITED),
        (S.DECLINED, S.INVITED),
    ],
)
def test_the_life_cycle_allows_these_moves(current: S, target: S):
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.ACCEPTED, S.ACCEPTED),
        (S.LEFT, S.ACCEPTED),
        (S.DECLINED, S.ACCEPTED),
        (S.INVITED, S.LEFT),
        (S.ACCEPTED, S.DECLINED),
    ],
)
def test_a_move_the_life_cycle_does_not_allow_is_a_conflict(current: S, target: S):
    with pytest.raises(DomainError) as refused:
        check_transition(current, target)
    assert refused.value.code is ErrorCode.CONFLICT


def test_only_an_accepted_member_counts_in_figures_and_may_be_named():
    assert [s for s in S if counts_in_figures(s)] == [S.ACCEPTED]
    assert may_be_named(S.ACCEPTED, True)
    assert not may_be_named(S.ACCEPTED, False)
    assert not may_be_named(S.LEFT, True)


def test_the_thirteenth_municipality_and_the_sixth_participant_are_refused():
    check_room_for_member(MAX_MEMBERS - 1)
    with pytest.raises(DomainError):
        check_room_for_member(MAX_MEMBERS)
    check_participants(5)
    with pytest.raises(DomainError):
        check_participants(6)


def test_a_small_network_gets_advice_not_refusal():
    advice = membership_advice(3, {"Fjordby Kommune": 2, "Nabovig Kommune": 4})
    assert len(advice) == 2
    assert membership_advice(8, {"A": 3}) == []


def test_the_benchmark_thresholds_default_to_ten_and_three_and_never_go_below_five_and_two():
    assert BenchmarkThresholds.of() == BenchmarkThresholds(10, 3)
    assert BenchmarkThresholds.of(5, 2) == BenchmarkThresholds(5, 2)
    with pytest.raises(DomainError) as refused:
        BenchmarkThresholds.of(4, 1)
    assert [v.location for v in refused.value.violations] == ["body.k_min_providers", "body.m_min_municipalities"]
    assert BenchmarkThresholds.stored(1, 0) == BenchmarkThresholds(5, 2)
