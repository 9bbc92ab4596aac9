"""The self-assessment of a municipality's supervision practice in a network: questionnaire, answers, evidence,
the member's own before/after and the network's distribution of answers."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints, computed_field

from api.schemas.common import InputModel, ReadModel
from api.schemas.compliance import LawVersionRead, StatusCounts
from domain.law import Minimum
from domain.self_assessment import (
    COMMENT_MAX_LENGTH,
    KEY_MAX_LENGTH,
    Phase,
    PracticeEvidenceKind,
    Scale,
    Section,
    SelfAssessmentStatus,
)

_PHASE = "`before` = answered before the network starts; `after` = at its end."
_STATUS = "`draft` = being answered; `submitted` = frozen, with the evidence as it stood on `answered_on`."
_SCALE = "`yes_partly_no` (no, partly, yes) or `one_to_five` (1 = not at all, 5 = to a very high degree)."
_EVIDENCE_KIND = (
    "`compliance_minimum` = active providers per status for one minimum (`GET /compliance`); `compliant_providers` = "
    "active providers with no minimum `not_met` (`GET /compliance`); `reports_in_time` = reports the law or the "
    "policy asks for, and how many are not overdue (`GET /publication-tracker`)."
)
QuestionKey = Annotated[str, StringConstraints(min_length=1, max_length=KEY_MAX_LENGTH)]
Judgement = Annotated[str, StringConstraints(min_length=1, max_length=20)]
Comment = Annotated[str, StringConstraints(max_length=COMMENT_MAX_LENGTH)]


# --- the questionnaire ------------------------------------------------------------------------------------------


class LevelRead(ReadModel):
    """One answer level of a scale."""

    value: str = Field(description="The value to send as `judgement`.")
    label_da: str = Field(description="The level in Danish.")


class EvidenceSpecRead(ReadModel):
    """A piece of evidence the service fills in beside a question."""

    key: str = Field(description="Its stable key, e.g. `compliance_minimum:follow_up_dialogue`.")
    kind: PracticeEvidenceKind = Field(description=_EVIDENCE_KIND)
    minimum: Minimum | None = Field(description="For `compliance_minimum`: the minimum.")
    label_da: str = Field(description="What it shows, in Danish.")


class QuestionRead(ReadModel):
    """One question: its stable key, Danish text, how it is answered and what the service fills in beside it."""

    key: str = Field(description="The question's stable key (never renamed).")
    section: Section = Field(description="`legal_minimums` or `good_practice` (KL's points).")
    text_da: str = Field(description="The question in Danish.")
    scale: Scale = Field(description=_SCALE)
    levels: list[LevelRead] = Field(description="The answer levels, lowest first.")
    legal_reference: str | None = Field(
        description="For a legal question: the paragraphs as the law in force on the day of answering cites them."
    )
    evidence: list[EvidenceSpecRead] = Field(description="The evidence the service fills in; empty for judgement only.")


class SectionRead(ReadModel):
    """A section of the questionnaire."""

    key: Section = Field(description="The section.")
    label_da: str = Field(description="The section's title in Danish.")
    questions: list[QuestionRead] = Field(description="Its questions, in order.")


class QuestionnaireRead(ReadModel):
    """The questionnaire for the self-assessment of the supervision practice, as answered on one day."""

    version: str = Field(description="Edition and law version, e.g. `1/2025`; a self-assessment keeps its version.")
    edition: str = Field(description="The edition of the questions.")
    law: LawVersionRead = Field(description="The version of the law it cites.")
    on: date = Field(description="The day it is answered on (its law is the one in force that day).")
    sections: list[SectionRead] = Field(description="The legal minimums in force, then KL's points of good practice.")


# --- a self-assessment ------------------------------------------------------------------------------------------


class SelfAssessmentCreate(InputModel):
    """Start the municipality's self-assessment for one phase in the network (one per phase)."""

    phase: Phase = Field(description=_PHASE)


class AnswerChange(InputModel):
    """One question's judgement and comment; a field left out is left as it is, null clears it."""

    question_key: QuestionKey = Field(description="The question's key, from the questionnaire.")
    judgement: Judgement | None = Field(None, description="One of the question's levels (`levels[].value`).")
    comment: Comment | None = Field(None, description="The municipality's own comment, e.g. what it rests on.")


class AnswersUpdate(InputModel):
    """Answers to set on a draft self-assessment."""

    answers: list[AnswerChange] = Field(min_length=1, max_length=100, description="The answers to set.")


class EvidenceValueRead(ReadModel):
    """A figure the service filled in, exactly as the endpoint named in `kind` shows it for the same day."""

    key: str = Field(description="The evidence's stable key.")
    kind: PracticeEvidenceKind = Field(description=_EVIDENCE_KIND)
    minimum: Minimum | None = Field(description="For `compliance_minimum`: the minimum.")
    label_da: str = Field(description="What it shows, in Danish.")
    providers: int | None = Field(description="Compliance: the active providers checked.")
    counts: StatusCounts | None = Field(description="For `compliance_minimum`: providers per status.")
    compliant_providers: int | None = Field(description="For `compliant_providers`: providers with none `not_met`.")
    reports_required: int | None = Field(description="For `reports_in_time`: reports with a due date.")
    reports_overdue: int | None = Field(description="For `reports_in_time`: of those, overdue.")
    share_in_time: float | None = Field(description="For `reports_in_time`: not overdue, in percent of those due.")


class AnswerRead(ReadModel):
    """One question with the municipality's judgement and the service's evidence beside it."""

    question_key: str = Field(description="The question's key.")
    section: Section = Field(description="The question's section.")
    text_da: str = Field(description="The question in Danish.")
    legal_reference: str | None = Field(description="For a legal question: the paragraphs it rests on.")
    judgement: str | None = Field(description="The municipality's judgement; null while unanswered.")
    judgement_label: str | None = Field(description="The judgement in Danish.")
    comment: str | None = Field(description="The municipality's comment.")
    evidence: list[EvidenceValueRead] = Field(
        description="What the service filled in: frozen on submission; for a draft, as of today."
    )


class SelfAssessmentRead(ReadModel):
    """A member's self-assessment of its supervision practice, with its answers and evidence."""

    id: uuid.UUID = Field(description="The self-assessment's id.")
    network_id: uuid.UUID = Field(description="The network.")
    municipality_id: uuid.UUID = Field(description="The municipality that answers (always the caller's).")
    phase: Phase = Field(description=_PHASE)
    status: SelfAssessmentStatus = Field(description=_STATUS)
    questionnaire_version: str = Field(description="The questionnaire answered, e.g. `1/2025`.")
    law: LawVersionRead = Field(description="The law the questionnaire cites.")
    answered_on: date | None = Field(description="The day it was submitted; null while a draft.")
    submitted_by: str | None = Field(description="Who submitted it.")
    evidence_as_of: date = Field(description="The day the evidence figures are from.")
    unanswered: int = Field(description="Questions still without a judgement.")
    answers: list[AnswerRead] = Field(description="Every question of its questionnaire, in order.")

    @computed_field(description="The phase in Danish.")  # type: ignore[prop-decorator]
    @property
    def phase_label(self) -> str:
        return self.phase.label_da

    @computed_field(description="The status in Danish.")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return self.status.label_da


class SelfAssessmentSummary(ReadModel):
    """A self-assessment in a list."""

    id: uuid.UUID = Field(description="The self-assessment's id.")
    phase: Phase = Field(description=_PHASE)
    status: SelfAssessmentStatus = Field(description=_STATUS)
    questionnaire_version: str = Field(description="The questionnaire answered.")
    answered_on: date | None = Field(description="The day it was submitted; null while a draft.")


class SelfAssessmentList(ReadModel):
    """The caller's municipality's self-assessments in the network (at most one per phase)."""

    items: list[SelfAssessmentSummary] = Field(description="Before first, then after.")


# --- the member's own before and after ----------------------------------------------------------------------------


class QuestionComparison(ReadModel):
    """One question before and after."""

    question_key: str = Field(description="The question's key.")
    section: Section = Field(description="The question's section.")
    text_da: str = Field(description="The question in Danish.")
    before: str | None = Field(description="The judgement before; null if not answered (or not asked then).")
    after: str | None = Field(description="The judgement after; null if not answered (or not asked then).")
    changed: bool = Field(description="Both answered, and differently.")
    evidence_before: list[EvidenceValueRead] = Field(description="The evidence beside the answer before.")
    evidence_after: list[EvidenceValueRead] = Field(description="The evidence beside the answer after.")


class SelfAssessmentComparison(ReadModel):
    """The caller's municipality's own self-assessments before and after, question by question."""

    network_id: uuid.UUID = Field(description="The network.")
    before: SelfAssessmentSummary | None = Field(description="The self-assessment before; null if not started.")
    after: SelfAssessmentSummary | None = Field(description="The self-assessment after; null if not started.")
    questions: list[QuestionComparison] = Field(description="The questions of either questionnaire, in order.")


# --- the network's distribution ------------------------------------------------------------------------------------


class LevelCount(ReadModel):
    """How many municipalities answered one level."""

    value: str = Field(description="The level.")
    label_da: str = Field(description="The level in Danish.")
    municipalities: int = Field(description="How many member municipalities answered it.")


class QuestionDistribution(ReadModel):
    """One question's answers across the network's members, never naming who answered what."""

    question_key: str = Field(description="The question's key.")
    section: Section = Field(description="The question's section.")
    text_da: str = Field(description="The question in Danish.")
    answered: int = Field(description="How many member municipalities answered it in a submitted self-assessment.")
    shown: bool = Field(description="False when fewer than `min_municipalities` answered: the counts are hidden.")
    levels: list[LevelCount] | None = Field(description="Counts per level, lowest first; null when not shown.")
    own: str | None = Field(description="Your municipality's own submitted judgement, beside the network's.")


class NetworkDistribution(ReadModel):
    """The network's submitted self-assessments of one phase: per question, how many answered each level."""

    network_id: uuid.UUID = Field(description="The network.")
    phase: Phase = Field(description=_PHASE)
    min_municipalities: int = Field(description="The network's `m`: a distribution shows from this many answers.")
    members: int = Field(description="The network's current members; one that left counts in nothing.")
    submitted: int = Field(description="Members that submitted a self-assessment for the phase.")
    named_municipalities: list[str] = Field(
        description="Members that submitted and agreed to be named beside the network's figures; empty while "
        "fewer than `min_municipalities` submitted. Who answered what is never shown."
    )
    questions: list[QuestionDistribution] = Field(description="The questions answered, in questionnaire order.")
