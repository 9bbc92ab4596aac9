"""Compliance with the legal minimums (per provider and cycle, and for the municipality) and exemption periods."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints, computed_field

from api.schemas.common import InputModel, ReadModel
from domain.compliance import EvidenceKind, Minimum, MinimumStatus

_MINIMUM = "The legal minimum: " + "; ".join(f"`{m.value}`" for m in Minimum) + "."
_STATUS = "Status: " + "; ".join(f"`{s.value}` = {s.label_da}" for s in MinimumStatus) + "."
_EVIDENCE = (
    "What it is: `visit`; `follow_up_dialogue` (its id is the visit's); `report`; `intensified_supervision`; "
    "`action_plan`."
)
LegalBasis = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class LawVersionRead(ReadModel):
    """A version of the supervision provisions of dagtilbudsloven that was applied."""

    key: str = Field(description="The version's stable key, e.g. `2022` or `2025`.")
    title_da: str = Field(description="The version's name in Danish.")
    source: str = Field(description="The act that made it, e.g. `lov nr. 2594 af 28. december 2021`.")
    effective_from: date = Field(description="The first day it was in force.")


class EvidenceRead(ReadModel):
    """One thing that satisfied (part of) a minimum."""

    kind: EvidenceKind = Field(description=_EVIDENCE)
    id: str = Field(description="Its id (a report's may list several ids, comma-separated, or name the scope).")
    on: date | None = Field(description="The day it was held, published, started or approved.")
    note: str = Field(description="A short note, e.g. the data a visit drew on or the report's scope.")


class MinimumVerdictRead(ReadModel):
    """One legal minimum in one provider's cycle: its status, why, what shows it and the law behind it."""

    minimum: Minimum = Field(description=_MINIMUM)
    label_da: str = Field(description="The minimum in Danish, as the law in force at the cycle's end words it.")
    status: MinimumStatus = Field(description=_STATUS)
    reason: str = Field(description="Why, in a sentence or two; a breach names the visit, concern or scope.")
    evidence: list[EvidenceRead] = Field(description="What satisfied it so far: visits, reports, dialogues, plans.")
    legal_reference: str = Field(
        description="The paragraphs in force on the days of the acts judged, as `domain.law` cites them; "
        "when two versions applied with different numbering, each with its version's key in brackets."
    )
    law_versions: list[str] = Field(description="The keys of the law versions applied to this minimum, oldest first.")
    policy_status: MinimumStatus | None = Field(
        description="Where an exemption lifted the law's demand for some or all acts: the verdict under the "
        "municipality's own policy; null otherwise."
    )
    exemption_ids: list[uuid.UUID] = Field(description="The exemptions that lifted the law's demand for some acts.")

    @computed_field(description="The status in Danish.")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return self.status.label_da


class ProviderCompliance(ReadModel):
    """A provider's compliance with the legal minimums in one supervision cycle, as of today."""

    provider_id: uuid.UUID = Field(description="The provider.")
    provider_name: str = Field(description="The provider's name.")
    cycle_start: date = Field(description="The first day of the cycle.")
    cycle_end: date = Field(description="The last day of the cycle.")
    as_of: date = Field(description="The day of the check; later acts are not yet facts.")
    policy_version: int = Field(description="The policy version in force today (0 = the default policy).")
    compliant: bool = Field(description="No minimum is `not_met` (`pending` is still in time).")
    law_versions: list[LawVersionRead] = Field(description="The law versions applied in the cycle, oldest first.")
    minimums: list[MinimumVerdictRead] = Field(description="One verdict per minimum, in the law's order.")


class StatusCounts(ReadModel):
    """How many providers have each status for one minimum."""

    met: int = Field(description="Providers that meet it.")
    not_met: int = Field(description="Providers that do not meet it.")
    pending: int = Field(description="Providers where it is not done yet but still in time.")
    not_applicable: int = Field(description="Providers where it does not apply (e.g. no serious concern).")
    not_required_by_law: int = Field(description="Providers where an exemption lifted the law's demand.")


class Shortfall(ReadModel):
    """A provider that does not meet a minimum."""

    provider_id: uuid.UUID = Field(description="The provider.")
    provider_name: str = Field(description="The provider's name.")
    cycle_start: date = Field(description="The first day of the provider's cycle.")
    reason: str = Field(description="Why it is not met.")


class MinimumSummary(ReadModel):
    """One legal minimum across the municipality's active providers."""

    minimum: Minimum = Field(description=_MINIMUM)
    label_da: str = Field(description="The minimum in Danish, as the law in force today words it.")
    legal_reference: str = Field(description="The paragraphs the minimum rests on in the law in force today.")
    counts: StatusCounts = Field(description="Providers per status.")
    not_met: list[Shortfall] = Field(description="The providers that do not meet it, by name.")


class MunicipalityCompliance(ReadModel):
    """The municipality's compliance with the legal minimums: each active provider in its current cycle."""

    as_of: date = Field(description="The day of the check.")
    policy_version: int = Field(description="The policy version in force today (0 = the default policy).")
    providers: int = Field(description="How many active providers were checked.")
    compliant_providers: int = Field(description="How many of them have no minimum `not_met`.")
    law_versions: list[LawVersionRead] = Field(description="The law versions applied in any cycle, oldest first.")
    minimums: list[MinimumSummary] = Field(description="One summary per minimum, in the law's order.")


# --- exemption periods ----------------------------------------------------------------------------------------

_COVERS = "The minimums the exemption covers; omit it (or send every one) for all of them."


class ExemptionCreate(InputModel):
    """A period in which the municipality may deviate from the legal minimums, e.g. under a velfærdsaftale."""

    legal_basis: LegalBasis = Field(
        description="The legal ground, e.g. `Velfærdsaftale for dagtilbud, jf. lov nr. ... af ...`."
    )
    first_day: date = Field(description="The first day of the period.")
    last_day: date = Field(description="The last day of the period (included); not before `first_day`.")
    minimums: list[Minimum] | None = Field(None, min_length=1, description=_COVERS)


class ExemptionEnd(InputModel):
    """Ending an exemption early: its new last day."""

    last_day: date = Field(description="The new last day (included); between the first day and the old last day.")


class ExemptionRead(ReadModel):
    """An exemption period of the municipality."""

    id: uuid.UUID = Field(description="The exemption's id.")
    legal_basis: str = Field(description="The legal ground.")
    first_day: date = Field(description="The first day of the period.")
    last_day: date = Field(description="The last day of the period (included).")
    minimums: list[Minimum] = Field(description="The minimums it covers.")
    created_by: str = Field(description="Who recorded it.")
    created_at: datetime = Field(description="When it was recorded.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")


class ExemptionList(ReadModel):
    """The municipality's exemption periods, latest first."""

    items: list[ExemptionRead] = Field(description="The exemptions.")
