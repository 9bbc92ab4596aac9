"""The supervision policy as the API shows and accepts it.

Input types are checked here; every rule about the values (bands without gaps, concern that never falls,
positive deadlines, ...) is checked by domain/policy.py, so one 422 lists every problem at once.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from api.schemas.common import InputModel, ReadModel
from domain.conversations import (
    KOLDING_CONVERSATION_TYPES,
    TYPE_DESCRIPTION_MAX_LENGTH,
    TYPE_KEY_MAX_LENGTH,
    TYPE_LABEL_MAX_LENGTH,
    ConversationFrequency,
)
from domain.policy import BAND_KEY_MAX_LENGTH, BAND_LABEL_MAX_LENGTH, ConcernLevel
from domain.providers import ProviderKind

_CONCERN = "Concern level the band implies: `none` (ingen bekymring), `concern` (bekymring), `serious_concern`."


class BandDocument(InputModel):
    """A quality band: from `lower_bound` percent up to the next band's lower bound (a boundary is in the higher)."""

    key: str = Field(max_length=BAND_KEY_MAX_LENGTH, description="Stable English slug, e.g. `good`.")
    label_da: str = Field(max_length=BAND_LABEL_MAX_LENGTH, description="Danish name shown in reports, e.g. `god`.")
    lower_bound: float = Field(description="Lowest total percent in this band (0 to under 100).")
    concern: ConcernLevel = Field(description=_CONCERN)


class DeadlinesDocument(InputModel):
    """Days allowed for each follow-up; the law leaves these to the municipality."""

    follow_up_dialogue_days: int = Field(30, description="From a visit to the follow-up dialogue with the leader.")
    leader_comment_days: int = Field(14, description="The leader's window to comment on a draft report.")
    report_final_days: int = Field(42, description="From a visit to the final report.")
    report_published_days: int = Field(56, description="From a visit to publication on the provider's website.")
    action_plan_days: int = Field(30, description="From serious concern to an approved action plan (handleplan).")
    parent_board_comment_days: int = Field(14, description="The parent board's window to comment on an action plan.")
    intensified_first_visit_days: int = Field(60, description="From concern to the first intensified visit.")
    intensified_interval_days: int = Field(90, description="Between visits under intensified supervision.")
    due_soon_days: int = Field(
        30,
        description="The warning window (1-366 days): a deadline this close, the due day included, shows as "
        "`due_soon` in `GET /due` and the publication tracker; the day after the due day it is `overdue`.",
    )


_FREQUENCY = (
    "How often one is expected with each provider: "
    + "; ".join(f"`{f.value}` = {f.label_da}" for f in ConversationFrequency)
    + "."
)


class ConversationTypeDocument(InputModel):
    """A kind of conversation of the continuous supervision (løbende tilsyn) held with the providers' leaders."""

    key: str = Field(
        max_length=TYPE_KEY_MAX_LENGTH, description="Stable slug (`a-z`, `0-9`, `_`), e.g. `learning_conversation`."
    )
    label_da: str = Field(max_length=TYPE_LABEL_MAX_LENGTH, description="Danish name, e.g. `læringssamtale`.")
    description: str = Field("", max_length=TYPE_DESCRIPTION_MAX_LENGTH, description="What the conversation is for.")
    frequency: ConversationFrequency = Field(ConversationFrequency.NONE, description=_FREQUENCY)


def _kolding_types() -> list[ConversationTypeDocument]:
    return [ConversationTypeDocument(**t.to_dict()) for t in KOLDING_CONVERSATION_TYPES]


class PolicyDocument(InputModel):
    """The municipality's supervision framework (tilsynskoncept) as the service enforces it."""

    cycle_months: int = Field(
        24,
        description="Length of a supervision cycle in months (at most 24: the report duty of dagtilbudsloven §5 asks "
        "for a published report at least every second year).",
    )
    announced_visits_per_cycle: int = Field(1, description="Announced visits with systematic observation per cycle.")
    unannounced_visits_per_cycle: int = Field(1, description="Unannounced visits per cycle.")
    bands: list[BandDocument] = Field(description="The band table, covering 0-100 % without gaps or overlaps.")
    deadlines: DeadlinesDocument = Field(default_factory=DeadlinesDocument, description="Deadlines in days.")
    supervisor_may_raise_concern: bool = Field(
        True, description="Whether supervisors may raise concern above the band's level, with a justification."
    )
    observation_coverage_threshold: float = Field(
        0.8, description="Share of instrument items that must be scored for a total percent (0-1)."
    )
    policy_report_kinds: list[ProviderKind] = Field(
        default_factory=list,
        description="Kinds the law does not ask a published report of (`private_childminding`, `special_daycare`) "
        "whose report the municipality's policy asks for every cycle. They are then due on the policy's ground, "
        "never overdue by law; empty (the default): they are followed without a report duty.",
    )
    conversation_types: list[ConversationTypeDocument] = Field(
        default_factory=_kolding_types,
        max_length=50,
        description="The conversations of the continuous supervision (løbende tilsyn) between the administration "
        "and each leader; a conversation is recorded with one of these keys. Left out: Kolding's list (læringssamtale, "
        "its follow-up, sparring, status conversations for new leaders, network-group conversations, taking part in "
        "internal meetings). A version saved before the list existed reads as that default.",
    )


class PolicyVersionCreate(InputModel):
    """A new version of the policy, in force from `effective_from`."""

    effective_from: date = Field(description="First day the version applies; today or later, after the latest version.")
    note: str | None = Field(None, max_length=1000, description="What changed and why, e.g. the council's decision.")
    policy: PolicyDocument = Field(description="The policy itself.")


class PolicyLegalBasisRead(ReadModel):
    """On which legal ground the policy is published, in the law in force on `judged_on`.

    Until 31 December 2024 dagtilbudsloven made the council set and publish a framework for the supervision; L 48
    (folketingsåret 2024-25) repealed that duty from 1 January 2025. A policy in force after that is the
    municipality's own, published voluntarily, and the law's rules for the visit and what follows it still bind.
    """

    judged_on: date = Field(
        description="The day whose law is read: today for the version in force, else the version's `effective_from`."
    )
    law_version: str = Field(description="The version of the supervision provisions in force that day: `2022`, `2025`.")
    required_by_law: bool = Field(
        description="True while the law asks the council to set and publish a framework for the supervision (before "
        "2025); false once that duty is repealed and the policy is published voluntarily."
    )
    legal_reference: str | None = Field(
        description="The framework duty's paragraph as numbered that day; null once the duty is repealed."
    )
    binding_reference: str = Field(
        description="The paragraphs that bind the supervision whatever the policy says (the visit and what follows)."
    )
    text_da: str = Field(description="The legal ground in Danish, as a public page shows it.")


class PolicyVersionRead(ReadModel):
    """A version of the municipality's supervision policy."""

    number: int = Field(description="Version number; 0 is the shipped default (Kolding's framework), never saved.")
    effective_from: date | None = Field(description="First day it applies; null for the shipped default.")
    is_default: bool = Field(description="True when the municipality has not published a policy of its own.")
    note: str | None = Field(description="What changed and why.")
    created_by: str | None = Field(description="Who published it.")
    created_at: datetime | None = Field(description="When it was published.")
    policy: PolicyDocument = Field(description="The policy itself.")
    legal_basis: PolicyLegalBasisRead = Field(
        description="On which legal ground the version is published: before 2025 the framework duty of "
        "dagtilbudsloven §5; from 2025 voluntarily, as the municipality's own policy, since L 48 (2024-25) repealed "
        "that duty. Read in the law in force today for the version in force, else on its `effective_from`."
    )


class PolicyVersionList(ReadModel):
    """Every published version, newest first."""

    items: list[PolicyVersionRead] = Field(
        description="The versions, newest first; empty when only the default applies."
    )


class PublicPolicy(ReadModel):
    """A municipality's supervision policy as published for everyone; `version.legal_basis` says on which ground."""

    municipality: str = Field(description="The municipality's name.")
    kommunekode: str = Field(description="The municipality's 3-digit kommunekode.")
    version: PolicyVersionRead = Field(description="The version in force today.")
