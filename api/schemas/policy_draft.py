"""Drafts of the supervision policy as the API shows and accepts them: changed freely, published as a version.

A draft is checked for its types here; the policy's rules are checked when it is published (as any version), and
`problems` on a read lists what publishing would refuse, so a draft can be worked on in steps.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from api.schemas.common import InputModel, ReadModel
from api.schemas.policy import PolicyDocument
from domain.shared_practice import PolicyDraftState

_STATE = "`draft` (changed freely, never in force) or `published` (saved as the version `published_version`)."


class SharingMunicipality(ReadModel):
    """The member that shared a model; named because it agreed to that by sharing."""

    id: uuid.UUID = Field(description="The municipality's id.")
    name: str = Field(description="The municipality's name.")
    kommunekode: str = Field(description="Its 3-digit kommunekode.")


class PolicyDraftSource(ReadModel):
    """Where an adopted draft came from: a model another member shared with a network."""

    network_id: uuid.UUID = Field(description="The network the model was shared in.")
    model_id: uuid.UUID = Field(description="The shared model that was adopted.")
    municipality: SharingMunicipality = Field(description="The municipality that shared it.")
    version: int = Field(description="The number of the sharing municipality's policy version that was shared.")


class PolicyDraftCreate(InputModel):
    """A new draft of the policy, e.g. to prepare the next version in steps."""

    note: str | None = Field(None, max_length=1000, description="What the draft is for.")
    policy: PolicyDocument = Field(description="The policy as drafted.")


class PolicyDraftUpdate(InputModel):
    """The draft's new content, replacing what it held."""

    note: str | None = Field(None, max_length=1000, description="What the draft is for.")
    policy: PolicyDocument = Field(description="The policy as drafted.")


class PolicyDraftPublish(InputModel):
    """Publish the draft as the next version of the policy, from `effective_from`."""

    effective_from: date = Field(description="First day the version applies; today or later, after the latest version.")
    note: str | None = Field(
        None, max_length=1000, description="What changed and why, e.g. the council's decision; else the draft's note."
    )


class DraftProblem(ReadModel):
    """One thing publishing the draft would refuse."""

    location: str = Field(description="Where in the policy, e.g. `bands` or `deadlines.action_plan_days`.")
    detail: str = Field(description="What is wrong, in plain words.")


class PolicyDraftRead(ReadModel):
    """A draft of the municipality's policy. Its ETag is what a change or publishing sends in If-Match."""

    id: uuid.UUID = Field(description="The draft's id.")
    state: PolicyDraftState = Field(description=_STATE)
    note: str | None = Field(description="What the draft is for.")
    policy: PolicyDocument = Field(description="The policy as drafted.")
    problems: list[DraftProblem] = Field(description="What publishing would refuse; empty when it can be published.")
    source: PolicyDraftSource | None = Field(
        description="The shared model it was adopted from; null for a draft the municipality started itself."
    )
    published_version: int | None = Field(description="The version it was published as; null while a draft.")
    created_by: str = Field(description="Who started or adopted it.")
    created_at: datetime = Field(description="When.")
    updated_at: datetime = Field(description="When it last changed.")


class PolicyDraftList(ReadModel):
    """The municipality's drafts, newest first."""

    items: list[PolicyDraftRead] = Field(description="The drafts, newest first.")
