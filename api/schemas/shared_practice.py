"""Shared practice as the API shows and accepts it: models shared with a network, compared and adopted."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import Field

from api.schemas.common import InputModel, ReadModel
from api.schemas.instrument import InstrumentDefinition, InstrumentSummary
from api.schemas.policy import PolicyDocument
from api.schemas.policy_draft import PolicyDraftRead, SharingMunicipality
from domain.shared_practice import ComparisonGroup, SharedModelKind

_KIND = "`policy` (a published version of the policy) or `instrument` (a version of a local instrument)."


class SharedModelCreate(InputModel):
    """Share one of your policy versions or local instrument versions with the network as a model."""

    kind: SharedModelKind = Field(description=_KIND)
    policy_version: int | None = Field(
        None, ge=1, description="For `policy`: the number of the published version to share."
    )
    instrument_id: uuid.UUID | None = Field(None, description="For `instrument`: the instrument version's id.")
    own_work: bool = Field(
        False,
        description="For `instrument`: true to confirm it is the municipality's own (not a licensed instrument such "
        "as KIDS or ECERS-3, whose texts may not be passed on).",
    )
    note: str | None = Field(None, max_length=2000, description="Why it is worth a look, for the other members.")


class SharedModelSummary(ReadModel):
    """A model shared with the network, without its content."""

    id: uuid.UUID = Field(description="The model's id.")
    network_id: uuid.UUID = Field(description="The network it is shared in.")
    kind: SharedModelKind = Field(description=_KIND)
    title: str = Field(description="What it is, e.g. `Tilsynspolitik, version 2`.")
    version_label: str = Field(
        description="The shared version: the policy's number, or the instrument's `key version`."
    )
    municipality: SharingMunicipality = Field(description="The member that shared it.")
    shared_on: date = Field(description="The day it was shared; the content is as it was that day.")
    note: str | None = Field(description="The sharer's note.")
    is_own: bool = Field(description="True when your municipality shared it (only it may withdraw it).")


class SharedModelRead(SharedModelSummary):
    """A shared model with its content (a snapshot). Its ETag is what withdrawing it sends in If-Match."""

    policy: PolicyDocument | None = Field(description="For `policy`: the policy as shared; else null.")
    instrument: InstrumentDefinition | None = Field(description="For `instrument`: the definition; else null.")


class SharedModelList(ReadModel):
    """The models the network's members share now, newest first; a member that left is not listed."""

    items: list[SharedModelSummary] = Field(description="The models, newest first.")


class SharedModelAdopt(InputModel):
    """Adopt the model as your own: a policy as a draft, an instrument as a new version."""

    note: str | None = Field(None, max_length=1000, description="For a policy: the draft's note.")
    instrument_version: str | None = Field(
        None,
        max_length=30,
        description="For an instrument: the version to store it under, when you have that key and version already.",
    )


class AdoptionRead(ReadModel):
    """What adopting created: a policy draft, or an instrument version of your own."""

    kind: SharedModelKind = Field(description=_KIND)
    model_id: uuid.UUID = Field(description="The adopted model.")
    policy_draft: PolicyDraftRead | None = Field(description="For `policy`: the new draft, with its source.")
    instrument: InstrumentSummary | None = Field(description="For `instrument`: the new instrument version.")


class ComparisonColumn(ReadModel):
    """One policy in the comparison: your own in force, or a shared model."""

    key: str = Field(description="`own` for your policy in force today, else the model's id.")
    title: str = Field(description="What the column shows, e.g. `Tilsynspolitik, version 2`.")
    municipality: str = Field(description="The municipality whose policy it is.")
    version_label: str = Field(description="The policy version's number (`0`: the shipped Kolding default).")
    is_own: bool = Field(description="True for your own policy in force.")


class ComparisonRow(ReadModel):
    """One field of the policies, side by side, and whether they agree."""

    group: ComparisonGroup = Field(
        description="The part of the policy: `cycle`, `visits`, `bands`, `deadlines`, `conversation_types`, `other`."
    )
    key: str = Field(description="Stable path of the field, e.g. `bands.good` or `deadlines.action_plan_days`.")
    label: str = Field(description="The field in plain words.")
    values: list[Any] = Field(
        description="The value in each column, in the order of `columns`; null where the policy lacks it. A band is "
        "`{label_da, lower_bound, upper_bound, concern}`, a conversation type `{label_da, frequency}`."
    )
    equal: bool = Field(description="True when every column holds the same value.")


class PolicyComparison(ReadModel):
    """Policies side by side: your own in force first, then the models asked for, field by field."""

    columns: list[ComparisonColumn] = Field(description="The policies compared, your own first.")
    rows: list[ComparisonRow] = Field(description="One row per field, grouped as a table shows them.")
    different: int = Field(description="How many rows differ.")
