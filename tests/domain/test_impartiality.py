"""Impartiality (uvildighed): no act of supervision by someone who works at the provider or declared a conflict."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.access import Role
from domain.errors import DomainError, ErrorCode
from domain.impartiality import ACTING_PERSON, Act, Tie, TieKind, binds, refuse_partial

DECLARED = date(2026, 3, 1)
BEGUN = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
BEFORE, AFTER = datetime(2026, 3, 1, 12, 0, tzinfo=UTC), datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def refusal(act: Act, *ties: Tie, begun_at: datetime | None = None, location: str = ACTING_PERSON) -> DomainError:
    with pytest.raises(DomainError) as caught:
        refuse_partial(act, "Mette Hansen", "Solsikken", ties, begun_at=begun_at, location=location)
    return caught.value


@pytest.mark.parametrize("kind", [TieKind.LEADER, TieKind.STAFF])
def test_leader_or_staff_at_the_provider_is_refused_naming_relation_date_and_provider(kind: TieKind):
    error = refusal(Act.APPROVE_ACTION_PLAN, Tie(kind, "Solsikken", "Vikar om fredagen", DECLARED, BEFORE))
    assert error.code is ErrorCode.INVALID_INPUT
    assert error.detail == (
        f"Mette Hansen is {kind.value} at Solsikken, declared on 2026-03-01 (Vikar om fredagen), "
        "so they cannot approve the action plan for Solsikken impartially."
    )


def test_a_declared_conflict_is_refused_with_the_declared_reason_and_the_act():
    error = refusal(Act.FINALISE_REPORT, Tie(TieKind.CONFLICT, "Solsikken", "Min søster er pædagog i huset", DECLARED))
    assert "has declared a conflict of interest with Solsikken on 2026-03-01" in error.detail
    assert "Min søster er pædagog i huset" in error.detail
    assert "cannot finalise the report on Solsikken impartially" in error.detail


def test_a_person_without_ties_to_the_provider_may_act():
    refuse_partial(Act.TRIAGE_CONCERN, "Mette Hansen", "Solsikken", [], begun_at=BEGUN)
    other = Tie(TieKind.LEADER, "Mælkebøtten", "Leder", DECLARED, BEFORE)
    refuse_partial(Act.TRIAGE_CONCERN, "Mette Hansen", "Solsikken", [other])


def test_every_tie_is_named_once_and_one_shot_iterables_are_fine():
    staff = Tie(TieKind.STAFF, "Solsikken", "Vikar", DECLARED, BEFORE)
    ties = iter([staff, staff, Tie(TieKind.CONFLICT, "Solsikken", "Nabo til lederen", DECLARED, BEFORE)])
    with pytest.raises(DomainError) as caught:
        refuse_partial(Act.END_INTENSIFIED, "Mette Hansen", "Solsikken", ties)
    assert caught.value.detail.count("is staff") == 1
    assert "Nabo til lederen" in caught.value.detail


def test_the_refusal_points_at_the_given_location_with_the_whole_reason():
    error = refusal(Act.CONDUCT_VISIT, Tie(TieKind.LEADER, "Solsikken", "Leder"), location="body.supervisor_id")
    assert [v.location for v in error.violations] == ["body.supervisor_id"]
    assert error.violations[0].message == error.detail
    assert "has an account that belongs to Solsikken" in error.detail


def test_an_unknown_relation_is_refused():
    with pytest.raises(DomainError) as caught:
        Tie("parent", "Solsikken")  # type: ignore[arg-type]
    assert caught.value.violations[0].location == "relation"


def test_a_declared_reason_ending_in_a_full_stop_reads_as_one_sentence():
    error = refusal(Act.PLAN_VISIT, Tie(TieKind.CONFLICT, "Solsikken", "Barnebarn i børnehaven.", DECLARED))
    assert "børnehaven.." not in error.detail and "(Barnebarn i børnehaven)" in error.detail


def test_a_tie_recorded_after_the_thing_was_begun_is_a_conflict_with_the_state():
    late = Tie(TieKind.CONFLICT, "Solsikken", "Ny kæreste i huset", DECLARED, AFTER)
    error = refusal(Act.COMPLETE_VISIT, late, begun_at=BEGUN)
    assert error.code is ErrorCode.CONFLICT
    assert "recorded after the visit was begun" in error.detail
    assert error.violations[0].location == ACTING_PERSON


def test_a_tie_known_before_the_thing_was_begun_or_when_the_act_begins_it_is_invalid_input():
    early = Tie(TieKind.CONFLICT, "Solsikken", "Søster i huset", DECLARED, BEFORE)
    assert refusal(Act.APPROVE_ACTION_PLAN, early, begun_at=BEGUN).code is ErrorCode.INVALID_INPUT
    late = Tie(TieKind.CONFLICT, "Solsikken", "Ny kæreste i huset", DECLARED, AFTER)
    assert refusal(Act.PLAN_VISIT, late).code is ErrorCode.INVALID_INPUT
    # One tie known from the start is enough: the person was never fit for it.
    assert refusal(Act.APPROVE_ACTION_PLAN, early, late, begun_at=BEGUN).code is ErrorCode.INVALID_INPUT
    account = Tie(TieKind.LEADER, "Solsikken", "as leader")
    assert refusal(Act.APPROVE_ACTION_PLAN, account, begun_at=BEGUN).code is ErrorCode.INVALID_INPUT


def test_only_those_who_supervise_are_bound_when_they_act():
    assert {role for role in Role if binds(role)} == {Role.SUPERVISOR, Role.ADMIN}


def test_every_act_is_named_in_words():
    for act in Act:
        assert act.phrase and act.thing
