"""Which row changes make which events (`events_for_change`): the one rule the API's flush listener applies.

The listener hands over a table name, what happened to the row (created, updated, deleted) and the row's fields
before and after, as plain dicts. The rule answers with the events (type and operation), whom they concern, whether
provider-bound roles are kept from them at that moment, and their payload: ids, kinds, dates, states and a link to
the object, never a name, free text or a concern notice's reporter.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from domain.events import AggregateType, ChangeOperation, EventType
from domain.jsonable import jsonable

API_ROOT = "/api/v1"  # hrefs are relative to the service's own address
# Bookkeeping columns: a change to only these is no change an integrator can see.
_BOOKKEEPING = frozenset({"version", "updated_at", "created_at"})
_UNANNOUNCED, _PLANNED, _DRAFT, _VISIT_PLANNED = "unannounced", "planned", "draft", "visit_planned"


class Verb(StrEnum):
    """What happened to a row in the database."""

    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


@dataclass(frozen=True)
class DomainEvent:
    """One event a row change makes: what it is, whose it is, who is kept from it now, and what it says."""

    type: EventType
    operation: ChangeOperation
    aggregate_id: str
    provider_id: uuid.UUID | None
    hidden_from_provider: bool
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def aggregate_type(self) -> AggregateType:
        return self.type.aggregate_type


Row = Mapping[str, Any]


@dataclass(frozen=True)
class _Rule:
    """How one table's rows become events of one aggregate."""

    aggregate: AggregateType
    fields: tuple[str, ...]  # copied into the payload: ids, kinds, dates, states; never names or free text
    href: str  # the object under API_ROOT, formatted with the row
    created: EventType
    changed: EventType | None  # None: the row never changes (an assessment, a policy version)
    state: Callable[[Row], str] = lambda row: ""  # the state whose arrival has an event of its own
    transitions: Mapping[str, tuple[EventType, ChangeOperation]] = field(default_factory=dict)
    hidden: Callable[[Row, Row], bool] = lambda row, related: False  # kept from provider-bound roles now
    shape: Callable[[Row, dict[str, Any]], dict[str, Any]] = lambda row, payload: payload


def _status(row: Row) -> str:
    return str(row.get("status") or "")


def _unit_result_withheld(row: Row, payload: dict[str, Any]) -> dict[str, Any]:
    # A unit may be a dagplejer, who is a person: a unit's band and concern stay behind the API's own rules.
    if row.get("unit_id") is not None:
        payload |= {"band_key": None, "concern": None}
    return payload


def _finalised_report(row: Row, payload: dict[str, Any]) -> dict[str, Any]:
    if _status(row) not in {"final", "published"}:
        return payload
    # What a case system needs to file the report: the PDF, its SHA-256 and the subject it is filed under. Also on
    # publication: the PDF then prints the day it was published, so its bytes and their hash are new.
    return payload | {
        "pdf_href": f"{payload['href']}/pdf",
        "pdf_sha256": row.get("pdf_sha256"),
        "kle_classification": row.get("kle_classification"),
    }


_RULES: dict[str, _Rule] = {
    "provider": _Rule(
        AggregateType.PROVIDER,
        ("id", "kind", "dagtilbudsnummer", "status", "closed_on"),
        "/providers/{id}",
        EventType.PROVIDER_CREATED,
        EventType.PROVIDER_CHANGED,
        _status,
        {"closed": (EventType.PROVIDER_CLOSED, ChangeOperation.CLOSED)},
    ),
    "unit": _Rule(
        AggregateType.UNIT,
        ("id", "provider_id", "kind", "status", "closed_on"),
        "/units/{id}",
        EventType.UNIT_CREATED,
        EventType.UNIT_CHANGED,
        _status,
        {"closed": (EventType.UNIT_CLOSED, ChangeOperation.CLOSED)},
    ),
    "visit": _Rule(
        AggregateType.VISIT,
        ("id", "provider_id", "kind", "status", "planned_on", "held_on", "unit_ids", "supervisor_id"),
        "/visits/{id}",
        EventType.VISIT_PLANNED,
        EventType.VISIT_CHANGED,
        _status,
        {
            "completed": (EventType.VISIT_COMPLETED, ChangeOperation.CHANGED),
            "cancelled": (EventType.VISIT_CANCELLED, ChangeOperation.CLOSED),
        },
        # A planned unannounced visit does not exist for the provider's own people: telling them would announce it.
        hidden=lambda row, related: row.get("kind") == _UNANNOUNCED and _status(row) == _PLANNED,
    ),
    "assessment": _Rule(
        AggregateType.ASSESSMENT,
        ("id", "visit_id", "provider_id", "unit_id", "assessed_on", "band_key", "concern", "policy_version_number"),
        "/visits/{visit_id}/assessments",
        EventType.ASSESSMENT_MADE,
        None,
        shape=_unit_result_withheld,
    ),
    "report": _Rule(
        AggregateType.REPORT,
        (
            *("id", "provider_id", "visit_id", "unit_id", "scope", "status", "report_version", "replaces_id"),
            *("sent_on", "comment_window_ends", "finalised_on", "published_on"),
        ),
        "/reports/{id}",
        EventType.REPORT_DRAFTED,
        EventType.REPORT_CHANGED,
        _status,
        {
            "sent": (EventType.REPORT_SENT, ChangeOperation.CHANGED),
            "final": (EventType.REPORT_FINALISED, ChangeOperation.CHANGED),
            "published": (EventType.REPORT_PUBLISHED, ChangeOperation.CHANGED),
            "superseded": (EventType.REPORT_SUPERSEDED, ChangeOperation.CHANGED),
        },
        # The supervisor's draft is not the provider's business until it is sent to the leader.
        hidden=lambda row, related: _status(row) == _DRAFT,
        shape=_finalised_report,
    ),
    "recommendation": _Rule(
        AggregateType.RECOMMENDATION,
        ("id", "visit_id", "provider_id", "status", "due_on"),
        "/recommendations/{id}",
        EventType.RECOMMENDATION_CREATED,
        EventType.RECOMMENDATION_CHANGED,
    ),
    "concern_notice": _Rule(
        AggregateType.CONCERN_NOTICE,
        ("id", "provider_id", "received_on", "status", "visit_id"),  # never the reporter, the source or the text
        "/concern-notices/{id}",
        EventType.CONCERN_NOTICE_RECEIVED,
        EventType.CONCERN_NOTICE_CHANGED,
        # The unannounced visit a notice led to stays unknown to the provider's people while it is planned.
        hidden=lambda row, related: _status(row) == _VISIT_PLANNED and related.get("visit_status") == _PLANNED,
    ),
    "intensified_supervision": _Rule(
        AggregateType.INTENSIFIED_SUPERVISION,
        ("id", "provider_id", "state", "concern", "started_on", "started_by_visit_id", "cause_unit_ids", "ended_on"),
        "/intensified-supervision/{id}",
        EventType.INTENSIFIED_SUPERVISION_STARTED,
        EventType.INTENSIFIED_SUPERVISION_CHANGED,
        lambda row: "ended" if row.get("ended_on") is not None else "",
        {"ended": (EventType.INTENSIFIED_SUPERVISION_ENDED, ChangeOperation.CLOSED)},
    ),
    "action_plan": _Rule(
        AggregateType.ACTION_PLAN,
        (
            *("id", "provider_id", "intensified_id", "status", "due_on", "comment_window_ends", "approved_on"),
            *("followed_up_on", "completed_on"),
        ),
        "/action-plans/{id}",
        EventType.ACTION_PLAN_CREATED,
        EventType.ACTION_PLAN_CHANGED,
        _status,
        {
            "approved": (EventType.ACTION_PLAN_APPROVED, ChangeOperation.CHANGED),
            "completed": (EventType.ACTION_PLAN_COMPLETED, ChangeOperation.CLOSED),
        },
    ),
    "supervision_conversation": _Rule(
        AggregateType.CONVERSATION,
        ("id", "provider_id", "type_key", "held_on"),
        "/conversations/{id}",
        EventType.CONVERSATION_RECORDED,
        EventType.CONVERSATION_CHANGED,
    ),
    # An integration's own subscriptions, as the API changes them (the worker's disabling is an event of its own).
    "webhook_subscription": _Rule(
        AggregateType.WEBHOOK_SUBSCRIPTION,
        ("id", "client_id", "status", "event_types"),  # never the URL's secret parts, never the signing secret
        "/webhook-subscriptions/{id}",
        EventType.WEBHOOK_SUBSCRIPTION_CREATED,
        EventType.WEBHOOK_SUBSCRIPTION_CHANGED,
    ),
    "policy_version": _Rule(
        AggregateType.POLICY,
        ("id", "number", "effective_from"),
        "/policy/versions/{number}",
        EventType.POLICY_PUBLISHED,
        None,
    ),
}

# Rows that belong to an aggregate: a change to one is a `.changed` of the aggregate (table, foreign key). The
# parent board's comment and a plan's goals are part of the plan; the follow-up dialogue and the parent board
# informed are steps after a visit; a conversation's follow-ups are what it agreed. Observations are not: they
# are work in progress on a planned visit, and their result arrives as `assessment.made`. Required actions are
# not either: they are deadlines the other events already imply.
CHILD_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "action_plan_item": (("action_plan", "plan_id"),),
    "action_plan_comment": (("action_plan", "plan_id"),),
    "conversation_follow_up": (("supervision_conversation", "conversation_id"),),
    "follow_up_dialogue": (("visit", "visit_id"),),
    "parent_board_notice": (("visit", "visit_id"), ("action_plan", "action_plan_id")),
}
EVENT_TABLES = frozenset(_RULES)
AGGREGATE_OF = {table: rule.aggregate for table, rule in _RULES.items()}
WATCHED_TABLES = EVENT_TABLES | frozenset(CHILD_TABLES)

_DELETED = {a: EventType(f"{a.value}.deleted") for a in AggregateType}


_LINKS = {rule.aggregate: rule.href for rule in _RULES.values()}


def link(aggregate: str, aggregate_id: Any, fields: Row) -> str | None:
    """The API path of an aggregate's object from its id and the fields its path names (an assessment is read
    through its visit, a policy by its version number); None when the fields lack one. The events' `href` and the
    change feed's both come from here."""
    template = _LINKS.get(aggregate)  # AggregateType is a StrEnum: its members are the plain strings as keys
    if template is None:
        return None
    try:
        return API_ROOT + template.format_map({**fields, "id": aggregate_id})
    except KeyError:
        return None


def parent_of(table: str, row: Row) -> tuple[str, Any] | None:
    """The aggregate a child row belongs to, as (table, id), or None when `table` is no child or names none."""
    for parent, key in CHILD_TABLES.get(table, ()):
        if row.get(key) is not None:
            return parent, row[key]
    return None


def _provider_id(table: str, row: Row) -> uuid.UUID | None:
    value = row.get("id") if table == "provider" else row.get("provider_id")
    return uuid.UUID(str(value)) if value is not None else None


def changed_fields(old: Row, new: Row) -> set[str]:
    """The fields whose value differs, bookkeeping aside."""
    return {k for k in new.keys() | old.keys() if k not in _BOOKKEEPING and old.get(k) != new.get(k)}


def events_for_change(
    table: str,
    verb: Verb,
    old: Row,
    new: Row,
    *,
    related: Row | None = None,
    child_changed: bool = False,
) -> list[DomainEvent]:
    """The events a row change makes: none for a table that is no aggregate, or an update that changes nothing.

    `old` and `new` are the row's fields before and after (`old` empty when created, `new` empty when deleted).
    `related` carries what the row alone cannot say: `visit_status`, the status of a concern notice's visit.
    `child_changed`: a row that belongs to this one changed (see CHILD_TABLES), `old` and `new` are this row.
    A state reached has its own type (a visit completed, a report finalised); any other change is `.changed`.
    """
    rule = _RULES.get(table)
    if rule is None:
        return []
    related = related or {}
    row = old if verb is Verb.DELETED else new
    aggregate_id = str(row.get("id"))
    hidden = rule.hidden(row, related)
    if verb is Verb.DELETED:
        payload = {"id": aggregate_id, "provider_id": jsonable(_provider_id(table, row))}
        return [
            DomainEvent(
                _DELETED[rule.aggregate],
                ChangeOperation.DELETED,
                aggregate_id,
                _provider_id(table, row),
                hidden,
                payload,
            )
        ]
    state = rule.state(new)
    reached = rule.transitions.get(state)
    if verb is Verb.CREATED:
        if reached is None:
            kind, operation = rule.created, ChangeOperation.CREATED
        else:  # created in a later state (a loaded history): named by the state, upserted by a mirror all the same
            kind = reached[0]
            operation = reached[1] if reached[1] is ChangeOperation.CLOSED else ChangeOperation.CREATED
    elif reached is not None and rule.state(old) != state:
        kind, operation = reached
    elif rule.changed is not None and (child_changed or changed_fields(old, new)):
        kind, operation = rule.changed, ChangeOperation.CHANGED
    else:
        return []
    return [DomainEvent(kind, operation, aggregate_id, _provider_id(table, new), hidden, _payload(rule, new))]


def _payload(rule: _Rule, row: Row) -> dict[str, Any]:
    payload = {name: jsonable(row.get(name)) for name in rule.fields}
    payload["href"] = link(rule.aggregate, row.get("id"), row)
    return rule.shape(row, payload)


def reveals_notices(old_visit: Row, new_visit: Row) -> bool:
    """Whether a visit's change may reveal the concern notices linked to it (`notices_revealed`): it left planned."""
    return _status(old_visit) == _PLANNED and _status(new_visit) != _PLANNED


def notices_revealed(old_visit: Row, new_visit: Row, notices: list[Row]) -> list[DomainEvent]:
    """A `concern_notice.changed`, shown to the provider, for each notice linked to the visit (`notices`) that was
    kept from the provider while the visit was planned and no longer is now that it is held (or cancelled).

    The notice's own row does not change when its visit is held, yet from then on the API shows the provider's
    people its visit and status: the feed and the webhooks tell them so, or they would never learn it.
    """
    rule = _RULES["concern_notice"]
    before, after = {"visit_status": _status(old_visit)}, {"visit_status": _status(new_visit)}
    return [
        DomainEvent(
            EventType.CONCERN_NOTICE_CHANGED,
            ChangeOperation.CHANGED,
            str(notice.get("id")),
            _provider_id("concern_notice", notice),
            False,
            _payload(rule, notice),
        )
        for notice in notices
        if rule.hidden(notice, before) and not rule.hidden(notice, after)
    ]
