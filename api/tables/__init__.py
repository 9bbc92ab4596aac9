"""SQLModel tables, one module per aggregate. Importing this package registers them all on the metadata."""

from api.tables.action_plan import ActionPlan, ActionPlanComment, ActionPlanItem
from api.tables.audit import AuditEvent
from api.tables.calendar import CalendarFeed
from api.tables.compliance import Exemption
from api.tables.concern import ConcernNotice
from api.tables.conversation import ConversationFollowUp, SupervisionConversation
from api.tables.council_summary import CouncilSummary
from api.tables.escalation import IntensifiedSupervision, RequiredAction
from api.tables.follow_up import FollowUpDialogue, ParentBoardNotice, Recommendation
from api.tables.idempotency import IdempotencyRecord
from api.tables.identity import IntegrationClient, UserAccount
from api.tables.impartiality import ImpartialityDeclaration
from api.tables.imports import HistoricalAssessment, ImportRowError, ImportRun
from api.tables.indicator import Indicator, IndicatorValue
from api.tables.instrument import InstrumentVersion
from api.tables.municipality import Municipality
from api.tables.network import Network, NetworkMaterial, NetworkMeeting, NetworkMembership, NetworkParticipant
from api.tables.outbox import OutboxEvent
from api.tables.own_observation import OwnObservation
from api.tables.policy import PolicyVersion
from api.tables.provider import Provider, Unit
from api.tables.report import Report
from api.tables.self_assessment import SelfAssessment, SelfAssessmentAnswer
from api.tables.shared_practice import PolicyDraft, SharedModel
from api.tables.sign_in import SignInLimit
from api.tables.visit import Assessment, Observation, Visit
from api.tables.webhook import WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = [
    "ActionPlan",
    "ActionPlanComment",
    "ActionPlanItem",
    "Assessment",
    "AuditEvent",
    "CalendarFeed",
    "ConcernNotice",
    "ConversationFollowUp",
    "CouncilSummary",
    "Exemption",
    "FollowUpDialogue",
    "HistoricalAssessment",
    "IdempotencyRecord",
    "ImpartialityDeclaration",
    "ImportRowError",
    "ImportRun",
    "Indicator",
    "IndicatorValue",
    "InstrumentVersion",
    "IntegrationClient",
    "IntensifiedSupervision",
    "Municipality",
    "Network",
    "NetworkMaterial",
    "NetworkMeeting",
    "NetworkMembership",
    "NetworkParticipant",
    "Observation",
    "OutboxEvent",
    "OwnObservation",
    "ParentBoardNotice",
    "PolicyDraft",
    "PolicyVersion",
    "Provider",
    "Recommendation",
    "Report",
    "RequiredAction",
    "SelfAssessment",
    "SelfAssessmentAnswer",
    "SharedModel",
    "SignInLimit",
    "SupervisionConversation",
    "Unit",
    "UserAccount",
    "Visit",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
]
