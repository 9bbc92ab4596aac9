"""Reading and publishing versions of the supervision policy, each with the legal ground it is published on."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from api.principal import Principal
from api.schemas.policy import PolicyDocument, PolicyLegalBasisRead, PolicyVersionCreate, PolicyVersionRead
from api.services.common import in_request_body
from api.tables import PolicyVersion
from domain.errors import DomainError, invalid
from domain.policy import KOLDING_DEFAULT, SupervisionPolicy, policy_legal_basis


def policy_in_force(
    session: Session, municipality_id: uuid.UUID, on: date
) -> tuple[PolicyVersion | None, SupervisionPolicy]:
    """The version in force on `on` and the policy it holds; the Kolding default when none was published."""
    row = session.exec(
        select(PolicyVersion)
        .where(PolicyVersion.municipality_id == municipality_id, PolicyVersion.effective_from <= on)
        .order_by(PolicyVersion.effective_from.desc())
    ).first()
    return row, SupervisionPolicy.from_dict(row.document) if row else KOLDING_DEFAULT


def list_versions(session: Session, municipality_id: uuid.UUID) -> list[PolicyVersion]:
    return list(
        session.exec(
            select(PolicyVersion)
            .where(PolicyVersion.municipality_id == municipality_id)
            .order_by(PolicyVersion.number.desc())
        )
    )


def publish_version(session: Session, principal: Principal, data: PolicyVersionCreate, today: date) -> PolicyVersion:
    """Validate the policy as a whole and save it as the next version; old versions stay as they were."""
    document = data.policy.model_dump(mode="json")
    try:
        policy = SupervisionPolicy.from_dict(document)
    except DomainError as exc:
        raise in_request_body(exc, "body.policy.") from exc
    if data.effective_from < today:
        raise invalid(
            "body.effective_from",
            "A new policy cannot apply to the past; assessments keep the policy they were made under.",
        )
    versions = list_versions(session, principal.municipality_id)
    if versions and data.effective_from <= versions[0].effective_from:
        latest = versions[0]
        message = f"Version {latest.number} applies from {latest.effective_from}; a new version must start later."
        raise invalid("body.effective_from", message)
    row = PolicyVersion(
        municipality_id=principal.municipality_id,
        number=(versions[0].number + 1) if versions else 1,
        effective_from=data.effective_from,
        document=policy.to_dict(),
        note=data.note,
        created_by=principal.name,
    )
    session.add(row)
    session.flush()
    return row


def legal_basis(judged_on: date) -> PolicyLegalBasisRead:
    """The policy's legal ground in the law in force on `judged_on` (domain.policy.policy_legal_basis)."""
    basis = policy_legal_basis(judged_on)
    return PolicyLegalBasisRead(judged_on=judged_on, **vars(basis))


def as_read(row: PolicyVersion | None, policy: SupervisionPolicy, in_force_on: date) -> PolicyVersionRead:
    """The version as the API shows it. `in_force_on` is today when it is the version in force (the default is only
    ever read so), and otherwise its `effective_from`: the day whose law says on which ground it is published."""
    document = PolicyDocument.model_validate(policy.to_dict())
    ground = legal_basis(in_force_on)
    if row is None:
        return PolicyVersionRead(
            number=0,
            effective_from=None,
            is_default=True,
            note="Kolding Kommunes tilsynskoncept (standard).",
            created_by=None,
            created_at=None,
            policy=document,
            legal_basis=ground,
        )
    return PolicyVersionRead(
        number=row.number,
        effective_from=row.effective_from,
        is_default=False,
        note=row.note,
        created_by=row.created_by,
        created_at=row.created_at,
        policy=document,
        legal_basis=ground,
    )


def as_read_version(row: PolicyVersion, in_force: PolicyVersion | None, today: date) -> PolicyVersionRead:
    """A saved version: judged on today while it is the one in force, else on the day it takes effect."""
    judged_on = today if in_force is not None and row.id == in_force.id else row.effective_from
    return as_read(row, SupervisionPolicy.from_dict(row.document), judged_on)
