"""The rules of the continuous supervision's conversations (domain.conversations), without a database."""

from __future__ import annotations

from datetime import date

import pytest

from domain.access import Role
from domain.conversations import (
    KOLDING_CONVERSATION_TYPES,
    completion_problems,
    conversation_problems,
    may_complete,
)
from domain.errors import DomainError
from domain.policy import KOLDING_DEFAULT, SupervisionPolicy

HELD = date(2026, 6, 1)


def test_koldings_list_is_the_default_and_names_the_frameworks_conversations():
    labels = [t.label_da for t in KOLDING_DEFAULT.conversation_types]
    assert labels[:2] == ["læringssamtale", "opfølgning på læringssamtale"]
    assert {"sparringssamtale", "statussamtale for ny leder", "netværksgruppesamtale"} <= set(labels)
    assert KOLDING_DEFAULT.problems() == []


def test_a_stored_policy_without_conversation_types_reads_as_koldings_list():
    document = KOLDING_DEFAULT.to_dict()
    del document["conversation_types"]
    assert SupervisionPolicy.from_dict(document).conversation_types == KOLDING_CONVERSATION_TYPES


def test_a_policy_round_trips_its_conversation_types():
    assert SupervisionPolicy.from_dict(KOLDING_DEFAULT.to_dict()) == KOLDING_DEFAULT


@pytest.mark.parametrize(
    ("types", "where"),
    [
        ([], "conversation_types"),
        ([{"key": "Læring", "label_da": "læring"}], "conversation_types[0].key"),
        ([{"key": "a", "label_da": ""}], "conversation_types[0].label_da"),
        ([{"key": "a", "label_da": "a", "frequency": "weekly"}], "conversation_types[0]"),
        ([{"key": "a", "label_da": "a"}, {"key": "a", "label_da": "b"}], "conversation_types"),
    ],
)
def test_a_bad_list_of_conversation_types_is_refused_naming_where(types, where):
    with pytest.raises(DomainError) as refused:
        SupervisionPolicy.from_dict({**KOLDING_DEFAULT.to_dict(), "conversation_types": types})
    assert [v.location for v in refused.value.violations] == [where]


def test_a_conversation_is_not_in_the_future_and_of_a_type_the_policy_has():
    types = KOLDING_CONVERSATION_TYPES
    assert conversation_problems(HELD, HELD, "learning_conversation", types) == []
    assert [v.location for v in conversation_problems(HELD, date(2026, 5, 31), "mus", types)] == [
        "held_on",
        "type_key",
    ]


def test_a_follow_up_is_done_between_its_conversation_and_today():
    assert completion_problems(HELD, HELD, HELD) == []
    assert [v.location for v in completion_problems(HELD, date(2026, 5, 31), HELD)] == ["done_on"]
    assert [v.location for v in completion_problems(HELD, date(2026, 6, 2), HELD)] == ["done_on"]


def test_a_leader_completes_only_what_the_leader_owns():
    assert may_complete(Role.SUPERVISOR, "s", "administration", None)
    assert may_complete(Role.LEADER, "me", "leader", None)
    assert may_complete(Role.LEADER, "me", None, "me")
    assert not may_complete(Role.LEADER, "me", "administration", None)
    assert not may_complete(Role.LEADER, "me", None, "someone-else")
    assert not may_complete(Role.STAFF, "me", "leader", None)
