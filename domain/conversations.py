"""Continuous supervision (løbende tilsyn) as a stream of conversations between the administration and each leader.

Kolding's framework names the conversations through which the administration keeps its insight into each provider
between visits: the yearly læringssamtale (the whole leadership team, in the network group) and its follow-up,
sparring on the leader's or the administration's initiative, status conversations every second month in a new
leader's first year, network-group conversations, and the administration's taking part in the provider's own
meetings. Which types a municipality uses is policy data (`SupervisionPolicy.conversation_types`), with Kolding's
list as the default; a policy version saved before the list existed reads as that default.

The follow-up dialogues after a visit (opfølgningssamtale 1 and 2) are not here: they belong to their visit.
A conversation is recorded by who took part in which role, never by name, and never names a child.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from domain.access import Role
from domain.errors import Violation
from domain.text import unstorable_problem

TYPE_KEY_MAX_LENGTH = 40  # a stable English slug, e.g. `learning_conversation`
TYPE_LABEL_MAX_LENGTH = 100  # the Danish name, e.g. `læringssamtale`
TYPE_DESCRIPTION_MAX_LENGTH = 500
MAX_TYPES = 50
_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


class ConversationFrequency(StrEnum):
    """How often the policy expects a conversation of a type with each provider; `none` is as needed (ad hoc)."""

    YEARLY = "yearly"
    TWICE_YEARLY = "twice_yearly"
    EVERY_SECOND_MONTH = "every_second_month"
    NONE = "none"

    @property
    def label_da(self) -> str:
        return _FREQUENCY_LABELS[self]


_FREQUENCY_LABELS = {
    ConversationFrequency.YEARLY: "årligt",
    ConversationFrequency.TWICE_YEARLY: "to gange årligt",
    ConversationFrequency.EVERY_SECOND_MONTH: "hver anden måned",
    ConversationFrequency.NONE: "efter behov",
}


class ParticipantRole(StrEnum):
    """Who took part in a conversation, or owns what was agreed, by role: the record never names a person."""

    LEADER = "leader"  # dagtilbudsleder
    DEPUTY_LEADER = "deputy_leader"  # souschef or afdelingsleder: the rest of the leadership team
    STAFF = "staff"  # medarbejdere
    SUPERVISOR = "supervisor"  # tilsynsførende, pædagogisk konsulent, dagplejekonsulent
    ADMINISTRATION = "administration"  # forvaltningsledelsen
    PARENT_BOARD = "parent_board"  # forældrebestyrelsen
    NETWORK_GROUP = "network_group"  # the other leaders of the provider's network group
    EXTERNAL = "external"  # another professional, e.g. PPR or a psychologist

    @property
    def label_da(self) -> str:
        return _PARTICIPANT_LABELS[self]


_PARTICIPANT_LABELS = {
    ParticipantRole.LEADER: "dagtilbudsleder",
    ParticipantRole.DEPUTY_LEADER: "souschef eller afdelingsleder",
    ParticipantRole.STAFF: "medarbejdere",
    ParticipantRole.SUPERVISOR: "tilsynsførende eller pædagogisk konsulent",
    ParticipantRole.ADMINISTRATION: "forvaltningen",
    ParticipantRole.PARENT_BOARD: "forældrebestyrelsen",
    ParticipantRole.NETWORK_GROUP: "netværksgruppen",
    ParticipantRole.EXTERNAL: "anden fagperson",
}


@dataclass(frozen=True)
class ConversationType:
    """A kind of conversation the municipality holds with its providers, as its policy lists it."""

    key: str
    label_da: str
    description: str = ""
    frequency: ConversationFrequency = ConversationFrequency.NONE

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label_da": self.label_da,
            "description": self.description,
            "frequency": ConversationFrequency(self.frequency).value,
        }


KOLDING_CONVERSATION_TYPES: tuple[ConversationType, ...] = (
    ConversationType(
        "learning_conversation",
        "læringssamtale",
        "Årlig læringssamtale med hele ledelsesteamet i netværksgruppen, med afsæt i data.",
        ConversationFrequency.YEARLY,
    ),
    ConversationType(
        "learning_conversation_follow_up",
        "opfølgning på læringssamtale",
        "Opfølgning på læringssamtalen i netværksgruppen.",
        ConversationFrequency.YEARLY,
    ),
    ConversationType(
        "sparring",
        "sparringssamtale",
        "Sparring ad hoc på dagtilbudslederens eller forvaltningens initiativ, individuelt eller i netværket.",
        ConversationFrequency.NONE,
    ),
    ConversationType(
        "new_leader_status",
        "statussamtale for ny leder",
        "Statussamtale hver anden måned i den nye leders første år (dagtilbudsområdets forløb for nye ledere).",
        ConversationFrequency.EVERY_SECOND_MONTH,
    ),
    ConversationType(
        "network_group",
        "netværksgruppesamtale",
        "Samtale i netværksgruppen på netværksgruppens eller forvaltningens initiativ.",
        ConversationFrequency.NONE,
    ),
    ConversationType(
        "internal_meeting",
        "deltagelse i internt møde",
        "Forvaltningens deltagelse ad hoc i dagtilbuddets interne møder, fx personale- eller bestyrelsesmøder.",
        ConversationFrequency.NONE,
    ),
)


def type_named(types: tuple[ConversationType, ...], key: str) -> ConversationType | None:
    """The policy's type with this key, or None when the policy has no such type."""
    return next((t for t in types if t.key == key), None)


def parse_types(raw: object) -> tuple[tuple[ConversationType, ...], list[Violation]]:
    """The types from plain data (as stored or sent) and every problem with them; None means Kolding's default.

    A policy version saved before conversation types existed has no list: it reads as the default.
    """
    if raw is None:
        return KOLDING_CONVERSATION_TYPES, []
    if not isinstance(raw, list):
        return (), [Violation("conversation_types", "The conversation types are a list.")]
    types, problems = [], []
    for i, item in enumerate(raw):
        try:
            frequency = ConversationFrequency(item.get("frequency", ConversationFrequency.NONE))
            types.append(ConversationType(item["key"], item["label_da"], item.get("description") or "", frequency))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            message = f"Conversation type {i + 1} is incomplete or has a wrong value ({exc})."
            problems.append(Violation(f"conversation_types[{i}]", message))
    return tuple(types), problems


def type_problems(types: tuple[ConversationType, ...]) -> list[Violation]:
    """Everything wrong with a policy's list of conversation types, each with where it is."""
    if not types:
        return [Violation("conversation_types", "The policy needs at least one conversation type.")]
    if len(types) > MAX_TYPES:
        return [Violation("conversation_types", f"At most {MAX_TYPES} conversation types.")]
    problems = []
    limits = (("key", TYPE_KEY_MAX_LENGTH), ("label_da", TYPE_LABEL_MAX_LENGTH))
    for i, t in enumerate(types):
        for name, limit in (*limits, ("description", TYPE_DESCRIPTION_MAX_LENGTH)):
            value = getattr(t, name)
            where = f"conversation_types[{i}].{name}"
            if not isinstance(value, str) or (not value and name != "description"):
                problems.append(Violation(where, f"Conversation type {i + 1} needs a `{name}` (text)."))
            elif len(value) > limit:
                problems.append(
                    Violation(where, f"Conversation type {i + 1}'s `{name}` is at most {limit} characters.")
                )
            elif reason := unstorable_problem(value):
                problems.append(Violation(where, f"Conversation type {i + 1}'s `{name}`: {reason}"))
        if isinstance(t.key, str) and t.key and not _SLUG.match(t.key):
            message = f"`{t.key}` is not a slug: lower-case letters, digits and `_`, starting with a letter."
            problems.append(Violation(f"conversation_types[{i}].key", message))
    keys = [t.key for t in types]
    for key in sorted({k for k in keys if keys.count(k) > 1}, key=str):
        problems.append(Violation("conversation_types", f"Two conversation types share the key `{key}`."))
    return problems


# --- a conversation and what was agreed in it -------------------------------------------------------------------


def conversation_problems(
    held_on: date, today: date, type_key: str, types: tuple[ConversationType, ...]
) -> list[Violation]:
    """What is wrong with a conversation's day and type: not in the future, a type of the policy in force that day."""
    problems = []
    if held_on > today:
        problems.append(Violation("held_on", "This day has not come yet; record the conversation once it is held."))
    if type_named(types, type_key) is None:
        known = ", ".join(f"`{t.key}`" for t in types)
        message = f"`{type_key}` is not a conversation type of the policy in force on {held_on}; it has {known}."
        problems.append(Violation("type_key", message))
    return problems


def follow_up_problems(held_on: date, due_on: date, where: str) -> list[Violation]:
    """A follow-up is agreed in the conversation, so it cannot fall due before it."""
    if due_on < held_on:
        return [Violation(f"{where}.due_on", f"This is before the conversation ({held_on}).")]
    return []


def completion_problems(held_on: date, done_on: date, today: date) -> list[Violation]:
    """A follow-up is done on a day from the conversation up to today."""
    if done_on > today:
        return [Violation("done_on", "This day has not come yet; mark the follow-up done once it is.")]
    if done_on < held_on:
        return [Violation("done_on", f"This is before the conversation ({held_on}) in which it was agreed.")]
    return []


def may_complete(role: Role, subject: str, owner_role: str | None, owner_user_id: str | None) -> bool:
    """Whether a role may mark a follow-up done: the administration and supervisors any; the provider's leader
    those owned by the leader (the role, or the leader's own account)."""
    if role in (Role.ADMIN, Role.SUPERVISOR):
        return True
    if role is Role.LEADER:
        return owner_role == ParticipantRole.LEADER or (owner_user_id is not None and owner_user_id == subject)
    return False
