"""What the continuous supervision (løbende tilsyn) adds to the overview reads: `/due`, a visit's evidence and a
provider's timeline. Each is one function called from its reader, so those readers stay as they were.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import func, true
from sqlmodel import Session, SQLModel, select

from api.schemas import overview as schema
from api.schemas.conversation import EvidenceConversation, FollowUpRead
from api.services.conversations import follow_ups_of
from api.tables import ConversationFollowUp, SupervisionConversation, UserAccount, Visit
from domain.conversations import ParticipantRole
from domain.states import FollowUpStatus, VisitStatus

C, F = SupervisionConversation, ConversationFollowUp
REFERENCE_TYPE = "conversation_follow_up"


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _owner(role: str | None, user_name: str | None) -> str:
    if role in set(ParticipantRole):
        return ParticipantRole(role).label_da
    return user_name or "a user"


def due_follow_ups(session: Session, provider_ids: list[uuid.UUID]) -> Iterator[dict[str, Any]]:
    """The open follow-ups of these providers as `/due` items, due on the day agreed.

    Their status (upcoming, due soon, overdue) is read by the rule every item of `/due` follows. They rest on what
    was agreed with the provider, not on a paragraph, so they cite none. `owner_id` is a user who owns one, so that
    `mine=true` shows a supervisor the follow-ups they own.
    """
    found = session.exec(
        select(F.id, F.provider_id, F.due_on, F.description, F.owner_role, F.owner_user_id, C.type_label, C.held_on)
        .add_columns(UserAccount.full_name)
        .join(C, C.id == F.conversation_id)
        .outerjoin(UserAccount, UserAccount.id == F.owner_user_id)
        .where(F.provider_id.in_(provider_ids), F.status == FollowUpStatus.OPEN)
    )
    for f in found:
        owner = _owner(f.owner_role, f.full_name)
        text = f"Follow up what was agreed in the {f.type_label} on {f.held_on.isoformat()} ({owner}): {f.description}"
        kind = schema.DueKind.CONVERSATION_FOLLOW_UP
        yield {
            "kind": kind,
            "provider_id": f.provider_id,
            "due_on": f.due_on,
            "reference_type": REFERENCE_TYPE,
            "reference_id": f.id,
            "legal_reference": None,
            "description": text,
            "owner_id": f.owner_user_id,
        }


def evidence_conversations(session: Session, visit: Visit) -> list[EvidenceConversation]:
    """The provider's conversations held since the previous completed visit (that day included) and before the day
    of this one (everything since, for a visit not yet held), newest first, each with the follow-ups that were still
    open on the visit's day (or are open now)."""
    before = visit.held_on
    held_before = Visit.held_on < before if before else true()
    previous = session.exec(
        select(func.max(Visit.held_on)).where(
            Visit.provider_id == visit.provider_id,
            Visit.id != visit.id,
            Visit.status == VisitStatus.COMPLETED,
            held_before,
        )
    ).one()
    since = C.held_on >= previous if previous else true()
    until = C.held_on < before if before else true()
    found = list(
        session.exec(select(C).where(C.provider_id == visit.provider_id, since, until).order_by(C.held_on.desc(), C.id))
    )
    follow_ups = follow_ups_of(session, [c.id for c in found])

    def still_open(f: ConversationFollowUp) -> bool:
        if f.status == FollowUpStatus.OPEN:
            return True
        return before is not None and f.done_on is not None and f.done_on >= before

    return [
        EvidenceConversation.model_validate(
            {
                **c.model_dump(),
                "open_follow_ups": [FollowUpRead.model_validate(f) for f in follow_ups[c.id] if still_open(f)],
            }
        )
        for c in found
    ]


def timeline_events(
    session: Session, provider_id: uuid.UUID
) -> list[tuple[SQLModel, list[tuple[date | None, schema.TimelineKind, str]]]]:
    """Each conversation held, and each follow-up agreed in one marked done, as the provider's timeline shows them."""
    found = list(session.exec(select(C).where(C.provider_id == provider_id)))
    labels = {c.id: (c.type_label, c.held_on) for c in found}
    done = session.exec(select(F).where(F.provider_id == provider_id, F.done_on.is_not(None)))
    events: list[tuple[SQLModel, list[tuple[date | None, schema.TimelineKind, str]]]] = []
    for c in found:
        topics = f": {_short(', '.join(c.topics))}" if c.topics else ""
        title = f"{c.type_label[:1].upper()}{c.type_label[1:]} held{topics}"
        events.append((c, [(c.held_on, schema.TimelineKind.CONVERSATION_HELD, title)]))
    for f in done:
        label, held_on = labels.get(f.conversation_id, ("conversation", None))
        title = f"Follow-up from the {label} on {held_on} done: {_short(f.description)}"
        events.append((f, [(f.done_on, schema.TimelineKind.CONVERSATION_FOLLOW_UP_DONE, title)]))
    return events
