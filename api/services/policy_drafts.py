"""Drafts of the supervision policy: started by the municipality or adopted from a shared model, then published.

A published policy version never changes, so a draft lives beside the versions (`policy_draft`), never in force.
Publishing a draft goes through `policy.publish_version`: the same rules, the same next number, the same audit.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, col, select

from api.principal import Principal
from api.schemas.policy import PolicyDocument, PolicyVersionCreate
from api.schemas.policy_draft import (
    DraftProblem,
    PolicyDraftCreate,
    PolicyDraftPublish,
    PolicyDraftRead,
    PolicyDraftSource,
    PolicyDraftUpdate,
    SharingMunicipality,
)
from api.services import policy
from api.tables import Municipality, PolicyDraft
from domain.errors import DomainError, ErrorCode, Violation, not_found
from domain.policy import SupervisionPolicy
from domain.shared_practice import PolicyDraftState, refuse_unless_draft


def create(session: Session, principal: Principal, data: PolicyDraftCreate) -> PolicyDraft:
    row = PolicyDraft(
        municipality_id=principal.municipality_id,
        state=PolicyDraftState.DRAFT,
        document=data.policy.model_dump(mode="json"),
        note=data.note,
        created_by=principal.name,
    )
    session.add(row)
    session.flush()
    return row


def list_drafts(session: Session, municipality_id: uuid.UUID) -> list[PolicyDraft]:
    statement = select(PolicyDraft).where(PolicyDraft.municipality_id == municipality_id)
    return list(session.exec(statement.order_by(col(PolicyDraft.created_at).desc(), col(PolicyDraft.id))))


def get(session: Session, municipality_id: uuid.UUID, draft_id: uuid.UUID) -> PolicyDraft:
    """The draft, if it is the municipality's; another municipality's is a 404."""
    row = session.get(PolicyDraft, draft_id)
    if row is None or row.municipality_id != municipality_id:
        raise not_found("policy draft")
    return row


def update(session: Session, draft: PolicyDraft, data: PolicyDraftUpdate) -> PolicyDraft:
    refuse_unless_draft(PolicyDraftState(draft.state))
    draft.document = data.policy.model_dump(mode="json")
    draft.note = data.note
    session.add(draft)
    session.flush()
    return draft


def publish(
    session: Session, principal: Principal, draft: PolicyDraft, data: PolicyDraftPublish, today: date
) -> PolicyDraft:
    """Validate the draft as any policy and publish it as the next version; the draft keeps that number."""
    refuse_unless_draft(PolicyDraftState(draft.state))
    if problems := _problems(draft):
        # Every problem at once, pointed into the draft (not the request body, which only holds the date).
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"The draft has {len(problems)} problem(s); change it and publish again.",
            [Violation(f"draft.policy.{p.location}", p.detail) for p in problems],
        )
    document = PolicyDocument.model_validate(draft.document)
    note = data.note if data.note is not None else draft.note
    version = policy.publish_version(
        session, principal, PolicyVersionCreate(effective_from=data.effective_from, note=note, policy=document), today
    )
    draft.state = PolicyDraftState.PUBLISHED
    draft.published_version = version.number
    session.add(draft)
    session.flush()
    return draft


def delete(session: Session, draft: PolicyDraft) -> None:
    refuse_unless_draft(PolicyDraftState(draft.state))
    session.delete(draft)
    session.flush()


def _problems(draft: PolicyDraft) -> list[DraftProblem]:
    try:
        SupervisionPolicy.from_dict(draft.document)
    except DomainError as exc:
        return [DraftProblem(location=v.location, detail=v.message) for v in exc.violations]
    return []


def as_read(session: Session, draft: PolicyDraft) -> PolicyDraftRead:
    source = None
    if draft.source_model_id is not None and draft.source_municipality_id is not None:
        sharer = session.get(Municipality, draft.source_municipality_id)
        source = PolicyDraftSource(
            network_id=draft.source_network_id,
            model_id=draft.source_model_id,
            municipality=SharingMunicipality.model_validate(sharer),
            version=draft.source_version,
        )
    return PolicyDraftRead(
        id=draft.id,
        state=PolicyDraftState(draft.state),
        note=draft.note,
        policy=PolicyDocument.model_validate(draft.document),
        problems=_problems(draft),
        source=source,
        published_version=draft.published_version,
        created_by=draft.created_by,
        created_at=draft.created_at,
        updated_at=draft.updated_at,
    )
