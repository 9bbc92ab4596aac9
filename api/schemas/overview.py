"""Read models of the overview: what is due, a visit's evidence and a provider's timeline."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from api.schemas.carry_forward import CarriedForward
from api.schemas.common import ReadModel
from api.schemas.conversation import EvidenceConversation
from api.schemas.indicator import EvidenceIndicatorValue
from api.schemas.own_observation import OwnObservationsSideBySide
from domain.cycle import DueStatus
from domain.escalation import ActionKind


class DueKind(StrEnum):
    """What is due. The first five come from escalation decisions (domain.escalation.ActionKind)."""

    START_INTENSIFIED_SUPERVISION = ActionKind.START_INTENSIFIED_SUPERVISION.value
    MAKE_ACTION_PLAN = ActionKind.MAKE_ACTION_PLAN.value
    SCHEDULE_FOLLOW_UP_VISIT = ActionKind.SCHEDULE_FOLLOW_UP_VISIT.value
    INFORM_PARENT_BOARD = ActionKind.INFORM_PARENT_BOARD.value
    FEED_DEVELOPMENT_PLAN = ActionKind.FEED_DEVELOPMENT_PLAN.value
    FOLLOW_UP_DIALOGUE = "follow_up_dialogue"
    RECOMMENDATION = "recommendation"
    ACTION_PLAN = "action_plan"
    ANNOUNCED_VISIT = "announced_visit"
    UNANNOUNCED_VISIT = "unannounced_visit"
    REPORT_PUBLICATION = "report_publication"
    VISIT_REPORT_FINAL = "visit_report_final"
    VISIT_REPORT_PUBLISHED = "visit_report_published"
    REPORT_COMMENT = "report_comment"
    INTENSIFIED_VISIT = "intensified_visit"
    CONVERSATION_FOLLOW_UP = "conversation_follow_up"

    @property
    def label_da(self) -> str:
        if self.value in _ACTION_KINDS:
            return ActionKind(self.value).label_da
        return _DUE_LABELS[self]


_ACTION_KINDS = frozenset(k.value for k in ActionKind)
_DUE_LABELS = {
    DueKind.FOLLOW_UP_DIALOGUE: "opfølgningssamtale",
    DueKind.RECOMMENDATION: "anbefaling",
    DueKind.ACTION_PLAN: "handleplan godkendt",
    DueKind.ANNOUNCED_VISIT: "anmeldt tilsynsbesøg",
    DueKind.UNANNOUNCED_VISIT: "uanmeldt tilsynsbesøg",
    DueKind.REPORT_PUBLICATION: "tilsynsrapport offentliggjort (mindst hvert andet år)",
    DueKind.VISIT_REPORT_FINAL: "tilsynsrapport endelig",
    DueKind.VISIT_REPORT_PUBLISHED: "tilsynsrapport offentliggjort",
    DueKind.REPORT_COMMENT: "lederens kommentar til rapportudkast",
    DueKind.INTENSIFIED_VISIT: "tilsynsbesøg under skærpet tilsyn",
    DueKind.CONVERSATION_FOLLOW_UP: "opfølgning aftalt i løbende tilsyn",
}
_DUE_KIND = "What is due: " + "; ".join(f"`{k.value}` = {k.label_da}" for k in DueKind) + "."


class DueItem(BaseModel):
    """One thing that must be done by a date, and whether that date has passed."""

    kind: str = Field(description=_DUE_KIND)
    kind_label: str = Field(description="The kind in Danish, for display.")
    provider_id: uuid.UUID = Field(description="The provider it concerns.")
    provider_name: str = Field(description="The provider's name.")
    due_on: date = Field(
        description="The last day that is in time: a fixed calendar day (a cycle's last day, or the policy's "
        "deadline counted from the event), the same day the publication tracker shows for a report."
    )
    status: DueStatus = Field(
        description="`upcoming`; `due_soon` = within the policy's warning window (`deadlines.due_soon_days`, "
        "the due day included); `overdue` = from the day after `due_on`."
    )
    overdue: bool = Field(description="Whether the due day is before today (`status` is `overdue`).")
    reference_type: str = Field(
        description="What the item comes from: `required_action`, `visit` (its follow-up dialogue or its report), "
        "`recommendation`, `action_plan`, `report` (a draft's comment window), `intensified_supervision` (its next "
        "visit), `provider` (a visit the cycle asks for, or the report of the whole provider or the dagpleje), "
        "`unit` (a unit's report) or `conversation_follow_up` (agreed in a conversation of the continuous supervision)."
    )
    reference_id: uuid.UUID = Field(description="The id of that record.")
    legal_reference: str | None = Field(description="The paragraph it rests on, where there is one.")
    description: str = Field(description="What must be done, in plain words.")


class DueList(BaseModel):
    """What is due and overdue, soonest first."""

    as_of: date = Field(description="Today, the day `overdue` is counted from.")
    within_days: int = Field(description="Items not yet overdue are shown when due within this many days.")
    items: list[DueItem] = Field(description="The items, by due day; overdue ones first.")


class EvidenceAssessment(ReadModel):
    """The provider-level assessment of an earlier visit."""

    assessed_on: date = Field(description="The day of the assessment.")
    percent: float | None = Field(description="The total percent, or null when too little was observed.")
    band_key: str | None = Field(description="The quality band (udviklingsperspektiv), e.g. `good`.")
    band_label: str | None = Field(description="The band in Danish, e.g. `god`.")
    concern: str = Field(description="The concern level (kontrolperspektiv): `none`, `concern` or `serious_concern`.")


class EvidenceVisit(ReadModel):
    """An earlier completed visit and its assessment of the whole provider."""

    id: uuid.UUID = Field(description="The visit's id.")
    kind: str = Field(description="`announced`, `unannounced` or `intensified`.")
    held_on: date | None = Field(description="The day it was held.")
    supervisor_id: uuid.UUID = Field(description="The supervisor who led it.")
    assessment: EvidenceAssessment | None = Field(description="The provider-level assessment, if one was made.")


class EvidenceFollowUp(ReadModel):
    """A follow-up dialogue (opfølgningssamtale) after an earlier visit."""

    id: uuid.UUID = Field(description="The dialogue's id.")
    visit_id: uuid.UUID = Field(description="The visit it followed up.")
    number: int = Field(description="1 after an announced visit, 2 after any other (unannounced, intensified).")
    held_on: date = Field(description="The day it was held.")
    summary: str = Field(description="What was talked about.")
    agreed_follow_up: str | None = Field(description="What was agreed, if anything.")


class EvidenceRecommendation(ReadModel):
    """A recommendation from an earlier visit, with its status today."""

    id: uuid.UUID = Field(description="The recommendation's id.")
    visit_id: uuid.UUID = Field(description="The visit it came from.")
    text: str = Field(description="The recommendation.")
    owner: str = Field(description="Who follows it up.")
    due_on: date = Field(description="When it should be done.")
    status: str = Field(description="`open`, `in_progress`, `done` or `dropped`.")
    status_note: str | None = Field(description="The leader's note on the status.")


class EvidenceConcernNotice(ReadModel):
    """A concern notice received before the visit. Who reported is shown: only admin and supervisors read this."""

    id: uuid.UUID = Field(description="The notice's id.")
    received_on: date = Field(description="The day it was received.")
    source: str = Field(description="Who it came from: `parent`, `staff`, `partner`, `anonymous` or `other`.")
    reporter_name: str | None = Field(description="Who reported it (personal data).")
    reporter_contact: str | None = Field(description="How to reach the reporter (personal data).")
    summary: str = Field(description="What the concern is about.")
    status: str = Field(description="`received`, `triaged`, `dismissed` or `visit_planned`.")
    triage_note: str | None = Field(description="The triage's note.")


class EvidenceIntensified(ReadModel):
    """An episode of intensified supervision (skærpet tilsyn) that started before the visit."""

    id: uuid.UUID = Field(description="The episode's id.")
    state: str = Field(description="`intensified` or `intensified_with_action_plan`.")
    concern: str = Field(description="The concern that started it.")
    started_on: date = Field(description="The day it started.")
    ended_on: date | None = Field(description="The day it ended; null while it goes on.")
    end_grounds: str | None = Field(description="The administration's grounds for ending it.")


class EvidenceActionPlan(ReadModel):
    """An action plan (handleplan) made before the visit."""

    id: uuid.UUID = Field(description="The plan's id.")
    status: str = Field(description="`draft`, `comment`, `approved` or `completed`.")
    due_on: date = Field(description="The day it had to be approved by.")
    approved_on: date | None = Field(description="The day it was approved.")
    completed_on: date | None = Field(description="The day it was completed.")
    summary: str | None = Field(description="How quality is to be strengthened.")


class EvidenceReport(ReadModel):
    """A published report of an earlier visit (every published version, a corrected one included)."""

    id: uuid.UUID = Field(description="The report's id.")
    visit_id: uuid.UUID = Field(description="The visit it reports on.")
    scope: str = Field(description="`provider`, `unit` or `combined` (the dagpleje's one report).")
    unit_id: uuid.UUID | None = Field(description="For a unit report: the unit.")
    status: str = Field(description="`published`, or `superseded` when a correction replaced it since.")
    report_version: int = Field(description="1 for the first version; a correction has a higher number.")
    published_on: date = Field(description="The day it was published on the provider's website.")
    summary: str | None = Field(description="The report's summary.")


class VisitEvidence(BaseModel):
    """Everything earlier about the provider that the visit must build on (the data duty of the law)."""

    visit_id: uuid.UUID = Field(description="The visit the evidence is for.")
    provider_id: uuid.UUID = Field(description="The provider visited.")
    provider_name: str = Field(description="The provider's name.")
    before: date | None = Field(
        description="Only what is dated before this day (the day the visit was held); "
        "null for a visit not yet held, which gets everything so far."
    )
    visits: list[EvidenceVisit] = Field(description="Earlier completed visits, newest first.")
    follow_up_dialogues: list[EvidenceFollowUp] = Field(description="Follow-up dialogues after those visits.")
    recommendations: list[EvidenceRecommendation] = Field(description="Recommendations from those visits.")
    concern_notices: list[EvidenceConcernNotice] = Field(description="Concern notices, newest first.")
    intensified_supervision: list[EvidenceIntensified] = Field(description="Episodes of intensified supervision.")
    action_plans: list[EvidenceActionPlan] = Field(description="Action plans.")
    reports: list[EvidenceReport] = Field(
        description="Reports of the provider published before that day, newest first, every version."
    )
    indicators: list[EvidenceIndicatorValue] = Field(
        description="Per indicator that applies to the provider's kind, and per unit, the latest value whose period "
        "had begun by the visit's day (held, or planned); by indicator key."
    )
    own_observations: OwnObservationsSideBySide | None = Field(
        None,
        description="The provider's own observations in the period the visit covers, beside the supervisor's per "
        "area and theme (`source: provider`); never counted in the assessment. Always given by `visits-evidence`.",
    )
    carried_forward: CarriedForward | None = Field(
        None,
        description="What the provider's visit before flags for this visit to re-score, and why (`visits-carried-"
        "forward`). Always given by `visits-evidence`.",
    )
    conversations: list[EvidenceConversation] = Field(
        description="Conversations of the continuous supervision (løbende tilsyn) held since the previous completed "
        "visit and before that day, newest first, with the follow-ups agreed in them that were still open then."
    )


class TimelineKind(StrEnum):
    """What happened. Values are stable slugs; declared in the order things happen within one day."""

    VISIT_PLANNED = "visit_planned"
    CONCERN_RECEIVED = "concern_received"
    CONCERN_TRIAGED = "concern_triaged"
    VISIT_COMPLETED = "visit_completed"
    VISIT_CANCELLED = "visit_cancelled"
    ASSESSMENT_MADE = "assessment_made"
    INTENSIFIED_STARTED = "intensified_started"
    ACTION_PLAN_CREATED = "action_plan_created"
    RECOMMENDATION_CREATED = "recommendation_created"
    FOLLOW_UP_DIALOGUE_HELD = "follow_up_dialogue_held"
    CONVERSATION_HELD = "conversation_held"
    CONVERSATION_FOLLOW_UP_DONE = "conversation_follow_up_done"
    PARENT_BOARD_INFORMED = "parent_board_informed"
    ACTION_PLAN_OPENED_FOR_COMMENTS = "action_plan_opened_for_comments"
    ACTION_PLAN_APPROVED = "action_plan_approved"
    ACTION_PLAN_COMPLETED = "action_plan_completed"
    INTENSIFIED_ENDED = "intensified_ended"


class TimelineEvent(BaseModel):
    """One event in a provider's history."""

    on: date = Field(description="The day it happened.")
    kind: TimelineKind = Field(description="What happened, as a stable slug.")
    title: str = Field(description="A short sentence saying what happened.")
    entity_type: str = Field(description="The kind of record it is about, e.g. `visit` or `action_plan`.")
    entity_id: uuid.UUID = Field(description="The id of that record.")


class ProviderTimeline(BaseModel):
    """A provider's history of supervision, newest first."""

    provider_id: uuid.UUID = Field(description="The provider.")
    provider_name: str = Field(description="The provider's name.")
    events: list[TimelineEvent] = Field(description="The events, newest first.")
