"""The event catalogue's payloads as the OpenAPI document shows them: one model per shape, every field described.

The values come from domain.event_rules (`events_for_change`); these models only describe them, and a test holds
the two together. A payload names ids, kinds, dates, states and links: never a name, free text, a CPR number or
who reported a concern notice. Links (`href`) are paths under the service's own address, e.g. `/api/v1/visits/<id>`;
reading them takes the permission the object needs, so an event never tells more than the API would.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from domain.cycle import VisitKind
from domain.escalation import EscalationState
from domain.events import AggregateType, ChangeOperation, EventType
from domain.policy import ConcernLevel
from domain.providers import ProviderKind, UnitKind
from domain.states import (
    ConcernStatus,
    PlanStatus,
    RecommendationStatus,
    RegisterStatus,
    ReportScope,
    ReportStatus,
    VisitStatus,
)
from domain.webhooks import DisabledReason, SubscriptionStatus

_HREF = "The object in the API, as a path under the service's address: read it there for what the event leaves out."


class EventData(BaseModel):
    """What every payload has: the object's id and where to read it."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(description="The id of the object the event is about.")
    href: str = Field(description=_HREF)


class ProviderEventData(EventData):
    """A provider (dagtilbud) created, changed or closed. Its name and address are read through `href`."""

    kind: ProviderKind = Field(description="The kind of provider (the law's categories).")
    dagtilbudsnummer: str = Field(description="The provider's number in the national register of daycare.")
    status: RegisterStatus = Field(description="`active` or `closed`.")
    closed_on: date | None = Field(description="The day it closed; null while active.")


class UnitEventData(EventData):
    """A unit (afdeling, or one dagplejer) created, changed or closed. Never its name: a dagplejer's is a person's."""

    provider_id: uuid.UUID = Field(description="The provider the unit belongs to.")
    kind: UnitKind = Field(description="`department` (afdeling/matrikel) or `childminder` (one dagplejer).")
    status: RegisterStatus = Field(description="`active` or `closed`.")
    closed_on: date | None = Field(description="The day it closed; null while active.")


class VisitEventData(EventData):
    """A visit planned, changed, completed or cancelled. A planned unannounced visit is never told to the
    provider's own people."""

    provider_id: uuid.UUID = Field(description="The provider visited.")
    kind: VisitKind = Field(description="`announced`, `unannounced` or `intensified`.")
    status: VisitStatus = Field(description="`planned`, `completed` or `cancelled`.")
    planned_on: date = Field(description="The day it is planned for.")
    held_on: date | None = Field(description="The day it was held; null until completed.")
    unit_ids: list[uuid.UUID] = Field(description="The units visited; empty when the provider as a whole.")
    supervisor_id: uuid.UUID = Field(description="The supervisor (a user id) responsible for the visit.")


class AssessmentEventData(EventData):
    """The assessment of a completed visit, for the provider or one unit. A unit's own result (a dagplejer's is a
    person's) is not in the event: read it through `href`, which applies who may see it."""

    visit_id: uuid.UUID = Field(description="The completed visit it comes from.")
    provider_id: uuid.UUID = Field(description="The provider assessed.")
    unit_id: uuid.UUID | None = Field(description="The unit assessed; null for the provider as a whole.")
    assessed_on: date = Field(description="The day of the visit.")
    band_key: str | None = Field(description="The quality band, e.g. `good`; null without one, and for a unit.")
    concern: ConcernLevel | None = Field(description="The concern level that drives escalation; null for a unit.")
    policy_version_number: int = Field(description="The policy version the assessment used (0 = the default).")


class ReportEventData(EventData):
    """A report drafted, changed, sent to the leader, published or superseded by a correction. A draft is never told
    to the provider's own people."""

    provider_id: uuid.UUID = Field(description="The provider reported on.")
    visit_id: uuid.UUID = Field(description="The completed visit it reports on.")
    unit_id: uuid.UUID | None = Field(description="The unit reported on; null for the provider or the dagpleje.")
    scope: ReportScope = Field(description="`provider`, `unit` or `combined` (the dagpleje as one report).")
    status: ReportStatus = Field(description="`draft`, `sent`, `final`, `published` or `superseded`.")
    report_version: int = Field(description="1 for the first report on the visit, 2 for its first correction, ...")
    replaces_id: uuid.UUID | None = Field(description="The published report this one corrects; null for a first.")
    sent_on: date | None = Field(description="The day it was sent to the leader for comment.")
    comment_window_ends: date | None = Field(description="The last day the leader may comment.")
    finalised_on: date | None = Field(description="The day it became final (its content frozen).")
    published_on: date | None = Field(description="The day it was published on the provider's website.")


class ReportFinalisedEventData(ReportEventData):
    """A report became final or was published: what a case system needs to file it (the PDF, its SHA-256, the KLE
    subject). Publication prints its day on the PDF, so `report.published` carries the new hash."""

    pdf_href: str = Field(description="The report's PDF, as a path under the service's address.")
    pdf_sha256: str | None = Field(
        description="The SHA-256 of the PDF served now (hex), to check the copy filed; null if not recorded."
    )
    kle_classification: str | None = Field(
        description="The KLE subject number the case system files the report under (set per municipality); null "
        "when the municipality has none."
    )


class RecommendationEventData(EventData):
    """A recommendation made after a visit, or its progress. Its text is read through `href`."""

    visit_id: uuid.UUID = Field(description="The visit it came from.")
    provider_id: uuid.UUID = Field(description="The provider it is for.")
    status: RecommendationStatus = Field(description="`open`, `in_progress`, `done` or `dropped`.")
    due_on: date = Field(description="The day it should be followed up by.")


class ConcernNoticeEventData(EventData):
    """A concern notice received or changed. Never who reported it, how, or what it says."""

    provider_id: uuid.UUID = Field(description="The provider the concern is about.")
    received_on: date = Field(description="The day it was received.")
    status: ConcernStatus = Field(description="`received`, `triaged`, `dismissed` or `visit_planned`.")
    visit_id: uuid.UUID | None = Field(description="The unannounced visit planned because of it, if any.")


class IntensifiedSupervisionEventData(EventData):
    """A period of intensified supervision (skærpet tilsyn) started, changed or ended. The grounds are read through
    `href`."""

    provider_id: uuid.UUID = Field(description="The provider under intensified supervision.")
    state: EscalationState = Field(description="`intensified`, or `intensified_with_action_plan`.")
    concern: ConcernLevel = Field(description="The concern that started or last raised it.")
    started_on: date = Field(description="The day it started.")
    started_by_visit_id: uuid.UUID | None = Field(description="The visit whose assessment started it, if any.")
    cause_unit_ids: list[uuid.UUID] = Field(description="The units whose own assessment caused it; empty if none.")
    ended_on: date | None = Field(description="The day the administration ended it; null while it lasts.")


class ActionPlanEventData(EventData):
    """An action plan (handleplan) created, changed (its goals and the parent board's comments included), approved
    or completed."""

    provider_id: uuid.UUID = Field(description="The provider the plan is for.")
    intensified_id: uuid.UUID = Field(description="The period of intensified supervision it belongs to.")
    status: PlanStatus = Field(description="`draft`, `comment`, `approved` or `completed`.")
    due_on: date = Field(description="The day it must be approved by.")
    comment_window_ends: date | None = Field(description="The last day the parent board may comment.")
    approved_on: date | None = Field(description="The day it was approved.")
    followed_up_on: date | None = Field(description="The day it was last followed up.")
    completed_on: date | None = Field(description="The day it was completed.")


class ConversationEventData(EventData):
    """A conversation of the continuous supervision recorded or changed (its agreed follow-ups included)."""

    provider_id: uuid.UUID = Field(description="The provider the conversation was with.")
    type_key: str = Field(description="The conversation type of the municipality's policy, e.g. `laeringssamtale`.")
    held_on: date = Field(description="The day it was held.")


class PolicyEventData(EventData):
    """A new version of the municipality's supervision policy published."""

    number: int = Field(description="The version's number: 1, 2, 3, ... per municipality.")
    effective_from: date = Field(description="The day the version is in force from.")


class DeletedEventData(BaseModel):
    """An object deleted: a reader that keeps a copy should drop it."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(description="The id of the object that is gone.")
    provider_id: uuid.UUID | None = Field(description="The provider it concerned; null if none.")


class WebhookSubscriptionEventData(EventData):
    """One of the integration's webhook subscriptions created or changed through the API (its URL and secret are
    read, by whom may, through `href`)."""

    client_id: uuid.UUID = Field(description="The integration client the subscription belongs to.")
    status: SubscriptionStatus = Field(description="`active` or `disabled`.")
    event_types: list[str] = Field(description="The event types it receives; empty: every type the client may read.")


class WebhookSubscriptionDisabledEventData(BaseModel):
    """A webhook subscription disabled (after persistent failure, or its endpoint answered 410 Gone); it receives
    nothing until it is enabled again. Written by the worker (api.webhooks.queue.disable)."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(description="The subscription's id: read it at `/api/v1/webhook-subscriptions/{id}`.")
    status: SubscriptionStatus = Field(description="`disabled`.")
    reason: DisabledReason = Field(description="`persistent_failure` or `endpoint_gone` (the endpoint answered 410).")
    disabled_at: datetime = Field(description="When it was disabled (UTC).")


_BY_AGGREGATE: dict[AggregateType, type[BaseModel]] = {
    AggregateType.PROVIDER: ProviderEventData,
    AggregateType.UNIT: UnitEventData,
    AggregateType.VISIT: VisitEventData,
    AggregateType.ASSESSMENT: AssessmentEventData,
    AggregateType.REPORT: ReportEventData,
    AggregateType.RECOMMENDATION: RecommendationEventData,
    AggregateType.CONCERN_NOTICE: ConcernNoticeEventData,
    AggregateType.INTENSIFIED_SUPERVISION: IntensifiedSupervisionEventData,
    AggregateType.ACTION_PLAN: ActionPlanEventData,
    AggregateType.CONVERSATION: ConversationEventData,
    AggregateType.POLICY: PolicyEventData,
    AggregateType.WEBHOOK_SUBSCRIPTION: WebhookSubscriptionEventData,
}


def data_model(event_type: EventType) -> type[BaseModel]:
    """The payload shape of an event type."""
    if event_type in {EventType.REPORT_FINALISED, EventType.REPORT_PUBLISHED}:
        return ReportFinalisedEventData
    if event_type is EventType.WEBHOOK_SUBSCRIPTION_DISABLED:
        return WebhookSubscriptionDisabledEventData
    if event_type.value.endswith(f".{ChangeOperation.DELETED.value}"):
        return DeletedEventData
    return _BY_AGGREGATE[event_type.aggregate_type]


def _envelope(data: type[BaseModel]) -> type[BaseModel]:
    types = tuple(t.value for t in EventType if data_model(t) is data)
    return create_model(
        data.__name__.removesuffix("Data"),
        __doc__=f"What a webhook delivers (Standard Webhooks) for {', '.join(f'`{t}`' for t in types)}.",
        type=(Literal[types], Field(description="The event type.")),  # type: ignore[valid-type]
        timestamp=(datetime, Field(description="When the event happened (UTC, ISO 8601), not when it is delivered.")),
        data=(data, Field(description="The event's payload.")),
    )


# The body a webhook receives, per payload shape: {"type": ..., "timestamp": ..., "data": {...}}, as the worker
# builds it (api.webhooks.delivery.envelope_for).
ENVELOPES: dict[type[BaseModel], type[BaseModel]] = {
    data: _envelope(data) for data in dict.fromkeys(data_model(t) for t in EventType)
}
