"""Recording the conversations of the continuous supervision (løbende tilsyn) and marking what was agreed done.

The rules are domain.conversations': a conversation's type is one of the policy in force on the day it was held,
that day is not in the future, a follow-up falls due no earlier than the conversation, and who may mark one done.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlmodel import Session, select

from api.pagination import Page, SortKey, paginate
from api.principal import Principal
from api.schemas.conversation import (
    ConversationCreate,
    ConversationRead,
    ConversationUpdate,
    FollowUpComplete,
    FollowUpCreate,
    FollowUpRead,
)
from api.services.common import apply_changes, refuse_nulls
from api.services.policy import policy_in_force
from api.tables import ConversationFollowUp, Provider, SupervisionConversation, UserAccount
from domain.conversations import (
    ConversationType,
    completion_problems,
    conversation_problems,
    follow_up_problems,
    may_complete,
)
from domain.errors import DomainError, ErrorCode, Violation
from domain.states import FollowUpStatus

NEWEST_FIRST = (SortKey(SupervisionConversation.held_on, descending=True), SortKey(SupervisionConversation.id))


def _refuse(problems: list[Violation], prefix: str = "body.") -> None:
    if problems:
        located = [Violation(prefix + p.location, p.message) for p in problems]
        raise DomainError(ErrorCode.INVALID_INPUT, located[0].message, located)


def _types_on(session: Session, municipality_id: uuid.UUID, day: date) -> tuple[ConversationType, ...]:
    """The conversation types of the policy in force on `day`."""
    return policy_in_force(session, municipality_id, day)[1].conversation_types


def _owner_problems(session: Session, principal: Principal, follow_ups: list[FollowUpCreate]) -> list[Violation]:
    problems = []
    wanted = {f.owner_user_id for f in follow_ups if f.owner_user_id is not None}
    users = session.exec(
        select(UserAccount.id).where(
            UserAccount.id.in_(wanted), UserAccount.municipality_id == principal.municipality_id
        )
    ).all()
    for i, f in enumerate(follow_ups):
        if (f.owner_role is None) == (f.owner_user_id is None):
            message = "Give the owner as either `owner_role` or `owner_user_id`, not both or neither."
            problems.append(Violation(f"follow_ups.{i}.owner_role", message))
        elif f.owner_user_id is not None and f.owner_user_id not in users:
            problems.append(Violation(f"follow_ups.{i}.owner_user_id", "No user of your municipality has this id."))
    return problems


def create(
    session: Session, principal: Principal, provider: Provider, data: ConversationCreate, today: date
) -> SupervisionConversation:
    """Record a conversation and the follow-ups agreed in it; every problem is named at once."""
    types = _types_on(session, provider.municipality_id, data.held_on)
    problems = conversation_problems(data.held_on, today, data.type_key, types)
    problems += _owner_problems(session, principal, data.follow_ups)
    for i, f in enumerate(data.follow_ups):
        problems += follow_up_problems(data.held_on, f.due_on, f"follow_ups.{i}")
    _refuse(problems)
    label = {t.key: t.label_da for t in types}[data.type_key]  # the type is the policy's: checked above
    values = data.model_dump(mode="json", exclude={"follow_ups", "held_on"})
    row = SupervisionConversation(
        **values,
        held_on=data.held_on,
        type_label=label,
        municipality_id=provider.municipality_id,
        provider_id=provider.id,
        recorded_by=principal.name,
    )
    session.add(row)
    session.flush()
    for f in data.follow_ups:
        owner_role = f.owner_role.value if f.owner_role else None
        values = {"description": f.description, "due_on": f.due_on, "owner_user_id": f.owner_user_id}
        session.add(
            ConversationFollowUp(**values, owner_role=owner_role, conversation_id=row.id, provider_id=provider.id)
        )
    session.flush()
    return row


def update(
    session: Session, row: SupervisionConversation, data: ConversationUpdate, today: date
) -> SupervisionConversation:
    """Change the conversation's own fields; a new day or type is checked against the policy in force that day."""
    values = data.model_dump(mode="json", exclude_unset=True)
    refuse_nulls(values, ("type_key", "held_on", "participants", "topics", "data_looked_at"))
    if data.held_on is not None:
        values["held_on"] = data.held_on
    held_on, type_key = values.get("held_on", row.held_on), values.get("type_key", row.type_key)
    types = _types_on(session, row.municipality_id, held_on)
    problems = conversation_problems(held_on, today, type_key, types)
    if "held_on" in values:
        for f in follow_ups_of(session, [row.id])[row.id]:
            if f.due_on < held_on or (f.done_on is not None and f.done_on < held_on):
                message = f"A follow-up agreed in it is due or done on {f.done_on or f.due_on}, before this day."
                problems.append(Violation("held_on", message))
                break
    _refuse(problems)
    if "held_on" in values or "type_key" in values:
        values["type_label"] = {t.key: t.label_da for t in types}[type_key]  # the policy's: checked above
    apply_changes(row, values)
    session.flush()
    return row


def complete(
    session: Session,
    principal: Principal,
    conversation: SupervisionConversation,
    follow_up: ConversationFollowUp,
    data: FollowUpComplete,
    today: date,
) -> ConversationFollowUp:
    """Mark an agreed follow-up done; a leader only one the leader owns (domain.conversations.may_complete)."""
    owner_user = str(follow_up.owner_user_id) if follow_up.owner_user_id else None
    if not may_complete(principal.role, principal.subject, follow_up.owner_role, owner_user):
        raise DomainError(
            ErrorCode.FORBIDDEN,
            f"Your role ({principal.role.value}) may mark done only the follow-ups the leader owns; "
            f"this one is owned by {follow_up.owner_role or 'another user'}.",
        )
    if follow_up.status == FollowUpStatus.DONE:
        raise DomainError(ErrorCode.CONFLICT, f"The follow-up was already marked done on {follow_up.done_on}.")
    _refuse(completion_problems(conversation.held_on, data.done_on, today))
    apply_changes(
        follow_up,
        {
            "status": FollowUpStatus.DONE.value,
            "done_on": data.done_on,
            "done_by": principal.name,
            "done_note": data.note,
        },
    )
    session.flush()
    return follow_up


def list_conversations(
    session: Session, provider: Provider, *, type_key: str | None, cursor: str | None, limit: int
) -> Page[SupervisionConversation]:
    statement = select(SupervisionConversation).where(SupervisionConversation.provider_id == provider.id)
    if type_key is not None:
        statement = statement.where(SupervisionConversation.type_key == type_key)
    return paginate(session, statement, NEWEST_FIRST, cursor, limit)


def follow_ups_of(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[ConversationFollowUp]]:
    """Each conversation's follow-ups, soonest due first, in one query."""
    found: dict[uuid.UUID, list[ConversationFollowUp]] = defaultdict(list)
    if ids:
        f = ConversationFollowUp
        for row in session.exec(select(f).where(f.conversation_id.in_(ids)).order_by(f.due_on, f.id)):
            found[row.conversation_id].append(row)
    return found


def reads(session: Session, rows: list[SupervisionConversation]) -> list[ConversationRead]:
    follow_ups = follow_ups_of(session, [r.id for r in rows])
    return [read(r, follow_ups[r.id]) for r in rows]


def read(row: SupervisionConversation, follow_ups: list[Any]) -> ConversationRead:
    shaped = [FollowUpRead.model_validate(f) for f in follow_ups]
    return ConversationRead.model_validate({**row.model_dump(), "follow_ups": shaped})


def follow_up_of(
    session: Session, conversation: SupervisionConversation, follow_up_id: uuid.UUID
) -> ConversationFollowUp:
    row = session.get(ConversationFollowUp, follow_up_id)
    if row is None or row.conversation_id != conversation.id:
        raise DomainError(ErrorCode.NOT_FOUND, "No follow-up with that id was agreed in this conversation.")
    return row
