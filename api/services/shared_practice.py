"""Shared practice: members share a policy or local instrument version with their network, compare and adopt.

What a member sees follows from `networks.require_member` (a non-member gets a 404) and `networks.active_members`
(a model whose sharer has left the network is no longer listed, read, compared or adopted). The rules are
`domain.shared_practice`; a model is a snapshot: later versions of the sharer's policy never change it.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Row
from sqlmodel import Session, col, select

from api.principal import Principal
from api.schemas.instrument import InstrumentDefinition
from api.schemas.policy import PolicyDocument
from api.schemas.policy_draft import SharingMunicipality
from api.schemas.shared_practice import (
    ComparisonColumn,
    ComparisonRow,
    PolicyComparison,
    SharedModelAdopt,
    SharedModelCreate,
    SharedModelRead,
    SharedModelSummary,
)
from api.services import instruments, networks
from api.services.policy import policy_in_force
from api.tables import InstrumentVersion, Municipality, PolicyDraft, PolicyVersion, SharedModel
from domain.errors import DomainError, ErrorCode, Violation, invalid, not_found
from domain.instruments import Instrument
from domain.policy import SupervisionPolicy
from domain.shared_practice import (
    PolicyDraftState,
    SharedModelKind,
    SharedModelState,
    compare_policies,
    refuse_own_adoption,
    refuse_unless_shared,
)

MAX_COMPARED = 11  # a network has at most 12 members: every other member's model beside your own


def share(
    session: Session, principal: Principal, network_id: uuid.UUID, data: SharedModelCreate, today: date
) -> SharedModel:
    """Copy the version as it is into a model of the network, the caller's municipality named as its sharer."""
    networks.require_member(session, principal, network_id)
    if data.kind is SharedModelKind.POLICY:
        source_id, label, title, content = _policy_source(session, principal, data)
    else:
        source_id, label, title, content = _instrument_source(session, principal, data)
    duplicate = session.exec(
        select(SharedModel.id).where(
            SharedModel.network_id == network_id,
            SharedModel.source_id == source_id,
            SharedModel.state == SharedModelState.SHARED,
        )
    ).first()
    if duplicate is not None:
        message = "This version is shared with the network already; withdraw that model first to share it anew."
        raise DomainError(ErrorCode.DUPLICATE, message, [Violation("body", message)])
    row = SharedModel(
        network_id=network_id,
        municipality_id=principal.municipality_id,
        kind=data.kind,
        source_id=source_id,
        source_label=label,
        title=title,
        note=data.note,
        content=content,
        state=SharedModelState.SHARED,
        shared_on=today,
    )
    session.add(row)
    session.flush()
    return row


def _policy_source(session: Session, principal: Principal, data: SharedModelCreate) -> tuple[uuid.UUID, str, str, dict]:
    if data.policy_version is None:
        raise invalid("body.policy_version", "Name the number of the published policy version to share.")
    row = session.exec(
        select(PolicyVersion).where(
            PolicyVersion.municipality_id == principal.municipality_id, PolicyVersion.number == data.policy_version
        )
    ).first()
    if row is None:
        raise invalid("body.policy_version", f"Your municipality has published no version {data.policy_version}.")
    # Read through the domain, so a version saved before a field existed is shared with that field's default.
    content = SupervisionPolicy.from_dict(row.document).to_dict()
    return row.id, str(row.number), f"Tilsynspolitik, version {row.number}", content


def _instrument_source(
    session: Session, principal: Principal, data: SharedModelCreate
) -> tuple[uuid.UUID, str, str, dict]:
    if data.instrument_id is None:
        raise invalid("body.instrument_id", "Name the id of the instrument version to share.")
    row = session.get(InstrumentVersion, data.instrument_id)
    if row is None or row.municipality_id != principal.municipality_id:
        raise invalid("body.instrument_id", "Your municipality has no instrument version with that id.")
    if not data.own_work:
        raise invalid(
            "body.own_work",
            "Confirm that the instrument is your municipality's own: the texts of licensed instruments such as KIDS "
            "or ECERS-3 may not be passed on to other municipalities.",
        )
    return row.id, f"{row.key} {row.version}", row.name, dict(row.definition)


def _visible(session: Session, network_id: uuid.UUID) -> tuple:
    """The conditions of a model any member may see: shared in this network by a member that has not left."""
    members = networks.active_members(session, network_id)
    return (
        SharedModel.network_id == network_id,
        SharedModel.state == SharedModelState.SHARED,
        col(SharedModel.municipality_id).in_(members),
    )


_SUMMARY_COLUMNS = (
    SharedModel.id,
    SharedModel.network_id,
    SharedModel.kind,
    SharedModel.title,
    SharedModel.source_label,
    SharedModel.shared_on,
    SharedModel.note,
    SharedModel.municipality_id,
    Municipality.name,
    Municipality.kommunekode,
)


def list_models(session: Session, principal: Principal, network_id: uuid.UUID) -> list[SharedModelSummary]:
    """The network's shared models, newest first: one query over columns, without their content."""
    networks.require_member(session, principal, network_id)
    rows = session.exec(
        select(*_SUMMARY_COLUMNS)
        .join(Municipality, col(Municipality.id) == SharedModel.municipality_id)
        .where(*_visible(session, network_id))
        .order_by(col(SharedModel.created_at).desc(), col(SharedModel.id))
    ).all()
    return [_summary(principal, row) for row in rows]


def _summary(principal: Principal, row: Row) -> SharedModelSummary:
    (model_id, network_id, kind, title, label, shared_on, note, municipality_id, name, kommunekode) = row
    return SharedModelSummary(
        id=model_id,
        network_id=network_id,
        kind=SharedModelKind(kind),
        title=title,
        version_label=label,
        municipality=SharingMunicipality(id=municipality_id, name=name, kommunekode=kommunekode),
        shared_on=shared_on,
        note=note,
        is_own=municipality_id == principal.municipality_id,
    )


def get_model(session: Session, principal: Principal, network_id: uuid.UUID, model_id: uuid.UUID) -> SharedModel:
    """The model, if the caller's municipality is a member and the model is shared by a member; else a 404."""
    networks.require_member(session, principal, network_id)
    row = session.exec(select(SharedModel).where(SharedModel.id == model_id, *_visible(session, network_id))).first()
    if row is None:
        raise not_found("shared model")
    return row


def as_read(session: Session, principal: Principal, row: SharedModel) -> SharedModelRead:
    sharer = session.get(Municipality, row.municipality_id)
    summary = _summary(
        principal,
        (
            row.id,
            row.network_id,
            row.kind,
            row.title,
            row.source_label,
            row.shared_on,
            row.note,
            row.municipality_id,
            sharer.name,
            sharer.kommunekode,
        ),
    )
    kind = SharedModelKind(row.kind)
    return SharedModelRead(
        **summary.model_dump(),
        policy=PolicyDocument.model_validate(row.content) if kind is SharedModelKind.POLICY else None,
        instrument=InstrumentDefinition.model_validate(row.content) if kind is SharedModelKind.INSTRUMENT else None,
    )


def withdraw(session: Session, principal: Principal, row: SharedModel, today: date) -> None:
    """The sharer takes its model back: no longer listed, read or adopted; drafts adopted from it keep their copy."""
    if row.municipality_id != principal.municipality_id:
        raise DomainError(ErrorCode.FORBIDDEN, "Only the municipality that shared a model may withdraw it.")
    refuse_unless_shared(SharedModelState(row.state))
    row.state = SharedModelState.WITHDRAWN
    row.withdrawn_on = today
    session.add(row)
    session.flush()


def adopt(
    session: Session, principal: Principal, row: SharedModel, data: SharedModelAdopt
) -> PolicyDraft | InstrumentVersion:
    """One call: the model becomes a draft of the adopter's policy (or a new instrument version), its source kept."""
    refuse_own_adoption(row.municipality_id, principal.municipality_id)
    if SharedModelKind(row.kind) is SharedModelKind.INSTRUMENT:
        content = dict(row.content)
        if data.instrument_version:
            content["version"] = data.instrument_version
        instrument = Instrument.from_dict(content)
        return instruments.store_new_version(session, principal, instrument, "body.instrument_version", row.id)
    draft = PolicyDraft(
        municipality_id=principal.municipality_id,
        state=PolicyDraftState.DRAFT,
        document=dict(row.content),
        note=data.note,
        source_network_id=row.network_id,
        source_municipality_id=row.municipality_id,
        source_model_id=row.id,
        source_version=int(row.source_label),
        created_by=principal.name,
    )
    session.add(draft)
    session.flush()
    return draft


def compare(
    session: Session, principal: Principal, network_id: uuid.UUID, model_ids: list[uuid.UUID], today: date
) -> PolicyComparison:
    """The caller's policy in force today beside the models asked for, field by field."""
    networks.require_member(session, principal, network_id)
    found = session.exec(
        select(SharedModel, Municipality.name)
        .join(Municipality, col(Municipality.id) == SharedModel.municipality_id)
        .where(col(SharedModel.id).in_(model_ids), *_visible(session, network_id))
    ).all()
    by_id = {model.id: (model, name) for model, name in found}
    if any(m not in by_id for m in model_ids):
        raise not_found("shared model")
    if [m for m in model_ids if SharedModelKind(by_id[m][0].kind) is not SharedModelKind.POLICY]:
        raise invalid("query.models", "Only policies are compared side by side; leave out the instrument models.")
    own_row, own_policy = policy_in_force(session, principal.municipality_id, today)
    own_name = session.get(Municipality, principal.municipality_id).name
    number = own_row.number if own_row else 0
    own_title = f"Tilsynspolitik, version {number}" if own_row else "Kolding Kommunes tilsynskoncept (standard)"
    columns = [
        ComparisonColumn(key="own", title=own_title, municipality=own_name, version_label=str(number), is_own=True)
    ]
    documents = [own_policy.to_dict()]
    for model_id in model_ids:
        model, name = by_id[model_id]
        columns.append(
            ComparisonColumn(
                key=str(model.id), title=model.title, municipality=name, version_label=model.source_label, is_own=False
            )
        )
        documents.append(model.content)
    rows = [
        ComparisonRow(group=r.group, key=r.key, label=r.label, values=list(r.values), equal=r.equal)
        for r in compare_policies(documents)
    ]
    return PolicyComparison(columns=columns, rows=rows, different=sum(not r.equal for r in rows))


def parse_model_ids(raw: str) -> list[uuid.UUID]:
    """`a,b` from the query into model ids: one to MAX_COMPARED, each once, in the order given."""
    try:
        ids = list(dict.fromkeys(uuid.UUID(part.strip()) for part in raw.split(",") if part.strip()))
    except ValueError:
        raise invalid("query.models", "`models` is a comma-separated list of shared model ids.") from None
    if not 1 <= len(ids) <= MAX_COMPARED:
        raise invalid("query.models", f"Compare 1 to {MAX_COMPARED} models with your own policy.")
    return ids
