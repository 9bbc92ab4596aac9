"""The change feed: which events a caller is shown, and the cursor that lets a poller resume.

Who sees an event (the rule, once; the API turns `scope_of` into SQL and tests hold the two together):
- only the caller's municipality (the API filters by it; the cursor names it);
- only events about an aggregate the caller may read (`domain.events.READ_PERMISSION`; an integration client
  holds a permission only among its granted scopes, see `domain.access.permissions_of`);
- a provider-bound role (leader, staff, parent board) only its own provider's events, never one marked
  `hidden_from_provider` (a planned unannounced visit, a draft report), and of the municipality-wide events
  (no provider) only those about an aggregate every role of the municipality reads (the policy);
- and, when the caller filters by event type, only those types.

The cursor is opaque (base64url of a small signed JSON) and self-contained: beside the position it records the
visibility under which everything up to that position was shown. When the caller's visibility has grown since
(a scope granted, a user bound to another provider), the next pages first back-fill the events at or below the
position that are visible now and were not then, then go on after the position. Visibility is always the
caller's current one: a cursor can narrow what is re-sent, never widen what is shown.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from domain.access import Permission, Role
from domain.errors import DomainError, invalid
from domain.events import READ_PERMISSION, AggregateType, EventType

# Aggregates a provider-bound role is shown when the event concerns no provider: what every role reads.
MUNICIPALITY_WIDE = frozenset({AggregateType.POLICY})
_READ_PERMISSIONS = frozenset(READ_PERMISSION.values())
CURSOR_LOCATION = "query.cursor"
_CURSOR_VERSION = 1
_SIGNATURE_BYTES = 16


@dataclass(frozen=True)
class Visibility:
    """What a caller is shown: role, provider binding, the read permissions held, and the `types` filter."""

    role: Role
    provider_id: uuid.UUID | None
    permissions: frozenset[Permission]
    types: frozenset[str] | None = None  # None: every type

    @classmethod
    def of(
        cls,
        role: Role,
        provider_id: uuid.UUID | None,
        permissions: frozenset[Permission],
        types: frozenset[str] | None = None,
    ) -> Visibility:
        """Normalised: only the permissions that read an aggregate matter, and only a bound role has a provider."""
        return cls(
            role,
            provider_id if role.is_provider_bound else None,
            frozenset(permissions) & _READ_PERMISSIONS,
            frozenset(types) if types is not None else None,
        )

    def fingerprint(self) -> str:
        """A short stable digest, to recognise the same visibility in a later cursor."""
        return hashlib.sha256(_canonical(_visibility_json(self))).hexdigest()[:16]


@dataclass(frozen=True)
class EventFacts:
    """What the rule needs to know of an event (all kept on the outbox row, so a deletion is filtered too)."""

    type: str
    aggregate_type: str
    provider_id: uuid.UUID | None
    hidden_from_provider: bool


@dataclass(frozen=True)
class FeedScope:
    """The rule as sets, for a query to apply: an event is shown when it matches any of the three parts."""

    everywhere: frozenset[str]  # aggregate types shown whatever the provider and the hidden flag
    own_provider: uuid.UUID | None
    at_own_provider: frozenset[str]  # aggregate types shown at `own_provider`, unless hidden from the provider
    municipality_wide: frozenset[str]  # aggregate types shown without a provider, unless hidden from the provider
    types: frozenset[str] | None  # and then only these event types (None: all)


def scope_of(visibility: Visibility) -> FeedScope:
    """The sets that decide what `visibility` is shown."""
    readable = frozenset(a.value for a, p in READ_PERMISSION.items() if p in visibility.permissions)
    if not visibility.role.is_provider_bound:
        return FeedScope(readable, None, frozenset(), frozenset(), visibility.types)
    own = readable if visibility.provider_id is not None else frozenset()
    wide = readable & frozenset(a.value for a in MUNICIPALITY_WIDE)
    return FeedScope(frozenset(), visibility.provider_id, own, wide, visibility.types)


def shows(scope: FeedScope, event: EventFacts) -> bool:
    """Whether an event is shown under `scope` (the SQL the API builds from the scope says the same)."""
    if scope.types is not None and event.type not in scope.types:
        return False
    if event.aggregate_type in scope.everywhere:
        return True
    if event.hidden_from_provider:
        return False
    if event.provider_id is None:
        return event.aggregate_type in scope.municipality_wide
    return event.provider_id == scope.own_provider and event.aggregate_type in scope.at_own_provider


def is_visible(visibility: Visibility, event: EventFacts) -> bool:
    """Whether a caller with `visibility` is shown the event."""
    return shows(scope_of(visibility), event)


_ELSEWHERE = uuid.UUID(int=0)  # a provider neither visibility is bound to
_UNCATALOGUED = "uncatalogued"  # an event type the catalogue does not (yet) name


@lru_cache(maxsize=1024)
def widens(old: Visibility, new: Visibility) -> bool:
    """Whether `new` shows some event that `old` did not: then earlier events must be back-filled.

    Exact, by trying every kind of event: visibility depends on the type, the aggregate, the hidden flag and the
    provider only by whether it is none, the old binding, the new binding or another. Remembered: a poller asks
    the same question on every poll.
    """
    if old == new:
        return False
    before, after = scope_of(old), scope_of(new)
    types = [t.value for t in EventType] + [f"{a.value}.{_UNCATALOGUED}" for a in AggregateType]
    providers = {None, old.provider_id, new.provider_id, _ELSEWHERE}
    for event_type in types:
        aggregate = event_type.split(".", 1)[0]
        for provider in providers:
            for hidden in (False, True):
                event = EventFacts(event_type, aggregate, provider, hidden)
                if shows(after, event) and not shows(before, event):
                    return True
    return False


@dataclass(frozen=True)
class Backfill:
    """A back-fill under way: events up to `after` that `target` shows and the cursor's `seen` did not are sent."""

    after: int
    target: str  # the fingerprint of the visibility being back-filled to


@dataclass(frozen=True)
class FeedCursor:
    """Where a poller is: every event up to `position` that `seen` shows has been sent (and the back-fill's)."""

    municipality_id: uuid.UUID
    position: int
    seen: Visibility
    backfill: Backfill | None = None


def backfill_from(cursor: FeedCursor, now: Visibility) -> int | None:
    """Where the back-fill for a caller whose visibility is `now` goes on after; None when none is needed.

    A back-fill under way for the same visibility goes on; one for another visibility (it changed again) starts
    over, since what the first sent is not recorded (a client upserts, so a repeat is harmless, a gap is not).
    """
    if cursor.backfill is not None and cursor.backfill.target == now.fingerprint():
        return cursor.backfill.after
    return 0 if widens(cursor.seen, now) else None


# The cursor on the wire.


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _visibility_json(visibility: Visibility) -> dict[str, Any]:
    return {
        "r": visibility.role.value,
        "pp": str(visibility.provider_id) if visibility.provider_id else None,
        "s": sorted(p.value for p in visibility.permissions),
        "y": sorted(visibility.types) if visibility.types is not None else None,
    }


def _signature(key: bytes, body: dict[str, Any]) -> str:
    digest = hmac.new(key, b"tilsyn.change-feed.cursor\n" + _canonical(body), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:_SIGNATURE_BYTES]).decode().rstrip("=")


def encode_cursor(cursor: FeedCursor, key: bytes) -> str:
    """The opaque cursor: base64url of the state as JSON, signed with `key` so a changed one is refused."""
    body = {
        "v": _CURSOR_VERSION,
        "m": str(cursor.municipality_id),
        "p": cursor.position,
        **_visibility_json(cursor.seen),
        "b": cursor.backfill.after if cursor.backfill else None,
        "t": cursor.backfill.target if cursor.backfill else None,
    }
    body["sig"] = _signature(key, body)
    return base64.urlsafe_b64encode(_canonical(body)).decode().rstrip("=")


def _bad_cursor() -> DomainError:
    return invalid(
        CURSOR_LOCATION,
        "The cursor is not one this service gave out for your municipality (malformed or changed); "
        "start again without a cursor.",
    )


def _position(value: Any) -> int:
    if type(value) is not int or value < 0:  # not a bool, not a float
        raise ValueError("not a position")
    return value


def _optional_id(value: Any) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(value)


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("not a list of strings")
    return value


def decode_cursor(text: str, key: bytes, municipality_id: uuid.UUID) -> FeedCursor:
    """The cursor's state; a malformed, changed or another municipality's cursor is invalid input."""
    try:
        body = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        if not isinstance(body, dict) or body.get("v") != _CURSOR_VERSION:
            raise ValueError("not a cursor")
        signature = body.pop("sig", None)
        if not isinstance(signature, str) or not hmac.compare_digest(signature, _signature(key, body)):
            raise ValueError("not signed by this service")
        if uuid.UUID(body["m"]) != municipality_id:
            raise ValueError("another municipality's cursor")
        types = body["y"]
        seen = Visibility.of(
            Role(body["r"]),
            _optional_id(body["pp"]),
            frozenset(Permission(p) for p in _strings(body["s"])),
            frozenset(EventType(t).value for t in _strings(types)) if types is not None else None,
        )
        position = _position(body["p"])
        backfill = None
        if body["b"] is not None or body["t"] is not None:
            after, target = _position(body["b"]), body["t"]
            if after > position or not isinstance(target, str):
                raise ValueError("a back-fill beyond its position")
            backfill = Backfill(after, target)
        return FeedCursor(municipality_id, position, seen, backfill)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, binascii.Error) as exc:
        raise _bad_cursor() from exc
