"""The event catalogue: what the service tells the systems around it, and who may be told.

Every domain event has a type `<aggregate>.<what happened>` and a `ChangeOperation`, so one stream serves both
webhook subscribers (who choose event types) and the change feed (which says created, changed, closed or
deleted). An event names ids, kinds, dates, states and links only: never a person's name (a dagplejer unit's
name is a person's), never free text, never who reported a concern notice.

Which row changes make which events is decided in `domain.event_rules` (`events_for_change`), once; the API's
flush listener only applies it. `READ_PERMISSION` says which permission reading an aggregate takes: the change
feed and the webhook fan-out show an event only to a caller who could read the aggregate itself.
"""

from __future__ import annotations

from enum import StrEnum

from domain.access import Permission


class ChangeOperation(StrEnum):
    """What an event did to its aggregate, for a reader that mirrors objects: upsert on the first three."""

    CREATED = "created"
    CHANGED = "changed"
    CLOSED = "closed"  # ended for good but kept: a provider closed, a visit cancelled, intensified supervision ended
    DELETED = "deleted"  # gone: the reader should drop its copy


class AggregateType(StrEnum):
    """The kinds of object events are about."""

    PROVIDER = "provider"
    UNIT = "unit"
    VISIT = "visit"
    ASSESSMENT = "assessment"
    REPORT = "report"
    RECOMMENDATION = "recommendation"
    CONCERN_NOTICE = "concern_notice"
    INTENSIFIED_SUPERVISION = "intensified_supervision"
    ACTION_PLAN = "action_plan"
    CONVERSATION = "conversation"
    POLICY = "policy"
    WEBHOOK_SUBSCRIPTION = "webhook_subscription"


class EventType(StrEnum):
    """The catalogue. Published in the OpenAPI document's `webhooks`, one schema per type."""

    PROVIDER_CREATED = "provider.created"
    PROVIDER_CHANGED = "provider.changed"
    PROVIDER_CLOSED = "provider.closed"
    UNIT_CREATED = "unit.created"
    UNIT_CHANGED = "unit.changed"
    UNIT_CLOSED = "unit.closed"
    VISIT_PLANNED = "visit.planned"
    VISIT_CHANGED = "visit.changed"
    VISIT_COMPLETED = "visit.completed"
    VISIT_CANCELLED = "visit.cancelled"
    ASSESSMENT_MADE = "assessment.made"
    REPORT_DRAFTED = "report.drafted"
    REPORT_CHANGED = "report.changed"
    REPORT_SENT = "report.sent"
    REPORT_FINALISED = "report.finalised"
    REPORT_PUBLISHED = "report.published"
    REPORT_SUPERSEDED = "report.superseded"
    RECOMMENDATION_CREATED = "recommendation.created"
    RECOMMENDATION_CHANGED = "recommendation.changed"
    CONCERN_NOTICE_RECEIVED = "concern_notice.received"
    CONCERN_NOTICE_CHANGED = "concern_notice.changed"
    INTENSIFIED_SUPERVISION_STARTED = "intensified_supervision.started"
    INTENSIFIED_SUPERVISION_CHANGED = "intensified_supervision.changed"
    INTENSIFIED_SUPERVISION_ENDED = "intensified_supervision.ended"
    ACTION_PLAN_CREATED = "action_plan.created"
    ACTION_PLAN_CHANGED = "action_plan.changed"
    ACTION_PLAN_APPROVED = "action_plan.approved"
    ACTION_PLAN_COMPLETED = "action_plan.completed"
    CONVERSATION_RECORDED = "conversation.recorded"
    CONVERSATION_CHANGED = "conversation.changed"
    CONVERSATION_DELETED = "conversation.deleted"
    POLICY_PUBLISHED = "policy.published"
    # A row gone from the database: every aggregate says so the same way, so a mirror can drop its copy.
    PROVIDER_DELETED = "provider.deleted"
    UNIT_DELETED = "unit.deleted"
    VISIT_DELETED = "visit.deleted"
    ASSESSMENT_DELETED = "assessment.deleted"
    REPORT_DELETED = "report.deleted"
    RECOMMENDATION_DELETED = "recommendation.deleted"
    CONCERN_NOTICE_DELETED = "concern_notice.deleted"
    INTENSIFIED_SUPERVISION_DELETED = "intensified_supervision.deleted"
    ACTION_PLAN_DELETED = "action_plan.deleted"
    POLICY_DELETED = "policy.deleted"
    WEBHOOK_SUBSCRIPTION_CREATED = "webhook_subscription.created"
    WEBHOOK_SUBSCRIPTION_CHANGED = "webhook_subscription.changed"
    WEBHOOK_SUBSCRIPTION_DISABLED = "webhook_subscription.disabled"
    WEBHOOK_SUBSCRIPTION_DELETED = "webhook_subscription.deleted"

    @property
    def aggregate_type(self) -> AggregateType:
        """The aggregate the event is about: the part before the dot."""
        return AggregateType(self.value.split(".", 1)[0])


# Reading an aggregate takes this permission; an event about it is shown to no one who lacks it.
READ_PERMISSION: dict[AggregateType, Permission] = {
    AggregateType.PROVIDER: Permission.PROVIDERS_READ,
    AggregateType.UNIT: Permission.UNITS_READ,
    AggregateType.VISIT: Permission.VISITS_READ,
    AggregateType.ASSESSMENT: Permission.VISITS_READ,
    AggregateType.REPORT: Permission.REPORTS_READ,
    AggregateType.RECOMMENDATION: Permission.VISITS_READ,
    AggregateType.CONCERN_NOTICE: Permission.CONCERNS_READ,
    AggregateType.INTENSIFIED_SUPERVISION: Permission.INTENSIFIED_READ,
    AggregateType.ACTION_PLAN: Permission.ACTION_PLANS_READ,
    AggregateType.CONVERSATION: Permission.CONVERSATIONS_READ,
    AggregateType.POLICY: Permission.POLICY_READ,
    AggregateType.WEBHOOK_SUBSCRIPTION: Permission.WEBHOOKS_MANAGE,
}

if set(READ_PERMISSION) != set(AggregateType):  # an aggregate without a row would be shown to no one, silently
    raise RuntimeError("every AggregateType needs a READ_PERMISSION")
