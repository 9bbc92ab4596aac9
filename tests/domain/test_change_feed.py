"""Who the change feed shows what, and the cursor that resumes it: pure rules, no database."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from domain.access import Permission, Role, permissions_of
from domain.change_feed import (
    Backfill,
    EventFacts,
    FeedCursor,
    Visibility,
    backfill_from,
    decode_cursor,
    encode_cursor,
    is_visible,
    widens,
)
from domain.errors import DomainError

KEY = b"a-test-key-for-signing-cursors-0123456789"
HOME, NEIGHBOUR = uuid.uuid4(), uuid.uuid4()
OWN, OTHER = uuid.uuid4(), uuid.uuid4()


def person(role: Role, provider: uuid.UUID | None = None, types: frozenset[str] | None = None) -> Visibility:
    return Visibility.of(role, provider, permissions_of(role), types)


def integration(*scopes: str) -> Visibility:
    return Visibility.of(Role.INTEGRATION, None, permissions_of(Role.INTEGRATION, frozenset(scopes)))


def visit(provider: uuid.UUID | None = OWN, hidden: bool = False) -> EventFacts:
    return EventFacts("visit.planned", "visit", provider, hidden)


POLICY = EventFacts("policy.published", "policy", None, False)


def test_a_leader_sees_the_own_providers_events_but_never_a_hidden_one_nor_another_providers():
    leader = person(Role.LEADER, OWN)
    assert is_visible(leader, visit(OWN))
    assert not is_visible(leader, visit(OWN, hidden=True))
    assert not is_visible(leader, visit(OTHER))


def test_a_supervisor_sees_every_providers_events_hidden_ones_too():
    supervisor = person(Role.SUPERVISOR)
    assert all(is_visible(supervisor, e) for e in (visit(OWN), visit(OTHER), visit(OWN, hidden=True), POLICY))


def test_a_provider_bound_role_sees_municipality_wide_events_only_of_what_every_role_reads():
    for role in (Role.LEADER, Role.STAFF, Role.PARENT_BOARD):
        assert is_visible(person(role, OWN), POLICY)
        assert not is_visible(person(role, OWN), visit(None))  # a visit without a provider is not theirs


def test_an_event_about_an_aggregate_the_role_cannot_read_is_not_shown():
    concern = EventFacts("concern_notice.received", "concern_notice", OWN, False)
    conversation = EventFacts("conversation.recorded", "conversation", OWN, False)
    assert is_visible(person(Role.LEADER, OWN), concern)
    assert not is_visible(person(Role.STAFF, OWN), conversation)  # conversations: supervision and the leader
    assert not is_visible(integration("changes:read", "providers:read"), visit())
    assert is_visible(integration("changes:read", "visits:read"), visit(OWN, hidden=True))


def test_the_types_filter_narrows_what_is_shown():
    only_policy = person(Role.SUPERVISOR, types=frozenset({"policy.published"}))
    assert is_visible(only_policy, POLICY) and not is_visible(only_policy, visit())


def test_visibility_widens_when_a_scope_is_granted_or_the_binding_moves_and_not_when_it_narrows():
    assert widens(integration("providers:read"), integration("providers:read", "visits:read"))
    assert not widens(integration("providers:read", "visits:read"), integration("providers:read"))
    assert not widens(integration("visits:read"), integration("visits:read", "clients:manage"))  # not a read
    assert widens(person(Role.LEADER, OWN), person(Role.LEADER, OTHER))
    assert widens(person(Role.LEADER, OWN), person(Role.SUPERVISOR))
    assert not widens(person(Role.SUPERVISOR), person(Role.LEADER, OWN))
    assert not widens(person(Role.LEADER, OWN), person(Role.LEADER, OWN))
    assert widens(person(Role.ADMIN, types=frozenset({"visit.planned"})), person(Role.ADMIN))


def cursor_for(visibility: Visibility, position: int = 41, backfill: Backfill | None = None) -> FeedCursor:
    return FeedCursor(HOME, position, visibility, backfill)


def test_a_cursor_comes_back_as_the_state_it_was_issued_with():
    state = cursor_for(person(Role.LEADER, OWN, frozenset({"visit.completed"})), 7, Backfill(3, "abc"))
    assert decode_cursor(encode_cursor(state, KEY), KEY, HOME) == state


def _reencoded(text: str, **changes: object) -> str:
    body = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    return base64.urlsafe_b64encode(json.dumps({**body, **changes}).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: _reencoded(c, s=[p.value for p in Permission]),  # claims to have seen everything
        lambda c: _reencoded(c, p=10**9),
        lambda c: _reencoded(c, sig=None),
        lambda c: c[:-3],
        lambda c: "not a cursor",
        lambda c: base64.urlsafe_b64encode(b"[" * 3000).decode(),
    ],
    ids=["scopes", "position", "unsigned", "truncated", "garbage", "deep"],
)
def test_a_changed_or_malformed_cursor_is_refused_naming_the_query_parameter(tamper):
    text = encode_cursor(cursor_for(person(Role.LEADER, OWN)), KEY)
    with pytest.raises(DomainError) as refused:
        decode_cursor(tamper(text), KEY, HOME)
    assert [v.location for v in refused.value.violations] == ["query.cursor"]


def test_a_cursor_of_another_municipality_or_key_is_refused():
    text = encode_cursor(cursor_for(person(Role.ADMIN)), KEY)
    for key, municipality in ((KEY, NEIGHBOUR), (b"another-key-for-another-installation-0000", HOME)):
        with pytest.raises(DomainError):
            decode_cursor(text, key, municipality)


def test_a_back_fill_starts_when_visibility_grew_goes_on_for_the_same_and_starts_over_when_it_changed_again():
    narrow, wide, wider = (
        integration("providers:read"),
        integration("providers:read", "visits:read"),
        integration("providers:read", "visits:read", "reports:read"),
    )
    assert backfill_from(cursor_for(narrow), narrow) is None
    assert backfill_from(cursor_for(wide), narrow) is None
    assert backfill_from(cursor_for(narrow), wide) == 0
    assert backfill_from(cursor_for(narrow, backfill=Backfill(12, wide.fingerprint())), wide) == 12
    assert backfill_from(cursor_for(narrow, backfill=Backfill(12, wide.fingerprint())), wider) == 0
