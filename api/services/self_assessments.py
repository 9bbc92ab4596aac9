"""A network member's self-assessment of its supervision practice: start, answer, submit, read, compare.

The questionnaire is `domain.self_assessment`'s, for the day of answering: a draft is answered against the
questionnaire of today (the law in force today), and submitting fixes it to the questionnaire of the day it is
submitted, the `answered_on` it keeps. Answers to a question that questionnaire no longer asks (a draft begun under
an earlier law) are dropped on submission. The evidence beside the answers is filled in from the figures the service
already shows (`api.services.self_assessment_evidence`) and frozen on submission.

A municipality sees only its own self-assessments: another member's is a 404, as is any self-assessment of a network
the caller's municipality is not a member of (`api.services.networks.require_member`, called by the routes).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from api.principal import Principal
from api.schemas import self_assessment as schema
from api.schemas.compliance import LawVersionRead
from api.services import self_assessment_evidence as evidence
from api.tables import Network, SelfAssessment, SelfAssessmentAnswer
from domain.errors import DomainError, ErrorCode, not_found
from domain.self_assessment import (
    Phase,
    Question,
    Questionnaire,
    SelfAssessmentStatus,
    check_answer,
    check_complete,
    check_draft,
    questionnaire,
    questionnaire_on,
)

# --- the questionnaire --------------------------------------------------------------------------------------------


def _question(q: Question) -> schema.QuestionRead:
    return schema.QuestionRead(
        key=q.key,
        section=q.section,
        text_da=q.text_da,
        scale=q.scale,
        levels=[schema.LevelRead(value=v, label_da=label) for v, label in q.scale.levels],
        legal_reference=q.legal_reference,
        evidence=[
            schema.EvidenceSpecRead(key=e.key, kind=e.kind, minimum=e.minimum, label_da=e.label_da) for e in q.evidence
        ],
    )


def questionnaire_read(day: date) -> schema.QuestionnaireRead:
    q = questionnaire_on(day)
    sections = dict.fromkeys(x.section for x in q.questions)
    return schema.QuestionnaireRead(
        version=q.version,
        edition=q.edition,
        law=LawVersionRead.model_validate(q.law),
        on=day,
        sections=[
            schema.SectionRead(
                key=s, label_da=s.label_da, questions=[_question(x) for x in q.questions if x.section is s]
            )
            for s in sections
        ],
    )


# --- loading ------------------------------------------------------------------------------------------------------


def get_own(session: Session, principal: Principal, network: Network, self_assessment_id: uuid.UUID) -> SelfAssessment:
    """The caller's municipality's self-assessment in the network; anyone else's is a 404."""
    row = session.get(SelfAssessment, self_assessment_id)
    if row is None or row.network_id != network.id or row.municipality_id != principal.municipality_id:
        raise not_found("self-assessment")
    return row


def own(session: Session, municipality_id: uuid.UUID, network_id: uuid.UUID) -> dict[Phase, SelfAssessment]:
    rows = session.exec(
        select(SelfAssessment).where(
            SelfAssessment.network_id == network_id, SelfAssessment.municipality_id == municipality_id
        )
    )
    return {Phase(r.phase): r for r in rows}


def _answers(session: Session, row: SelfAssessment) -> dict[str, SelfAssessmentAnswer]:
    rows = session.exec(select(SelfAssessmentAnswer).where(SelfAssessmentAnswer.self_assessment_id == row.id))
    return {a.question_key: a for a in rows}


def questionnaire_of(row: SelfAssessment, today: date) -> Questionnaire:
    """A submitted self-assessment's own questionnaire; a draft's is today's."""
    if SelfAssessmentStatus(row.status) is SelfAssessmentStatus.SUBMITTED:
        return questionnaire(row.questionnaire_version)
    return questionnaire_on(today)


# --- writing ------------------------------------------------------------------------------------------------------


def create(session: Session, principal: Principal, network: Network, phase: Phase, today: date) -> SelfAssessment:
    """Start the municipality's self-assessment for `phase`: one per phase and member."""
    if phase in own(session, principal.municipality_id, network.id):
        raise DomainError(
            ErrorCode.DUPLICATE,
            f"Your municipality already has a self-assessment for the phase `{phase.value}` in this network.",
        )
    row = SelfAssessment(
        network_id=network.id,
        municipality_id=principal.municipality_id,
        phase=phase,
        status=SelfAssessmentStatus.DRAFT,
        questionnaire_version=questionnaire_on(today).version,
        created_by=principal.name,
    )
    session.add(row)
    session.flush()
    return row


def update_answers(session: Session, row: SelfAssessment, data: schema.AnswersUpdate, today: date) -> SelfAssessment:
    """Set judgements and comments on a draft, each against the questionnaire of today."""
    check_draft(SelfAssessmentStatus(row.status))
    q = questionnaire_on(today)
    existing = _answers(session, row)
    for i, change in enumerate(data.answers):
        values = change.model_dump(exclude_unset=True)
        check_answer(q, change.question_key, values.get("judgement"), f"body.answers.{i}")
        answer = existing.get(change.question_key)
        if answer is None:
            answer = SelfAssessmentAnswer(self_assessment_id=row.id, question_key=change.question_key)
            existing[change.question_key] = answer
            session.add(answer)
        for field in ("judgement", "comment"):
            if field in values:
                setattr(answer, field, values[field])
    row.questionnaire_version = q.version
    row.updated_at = datetime.now(UTC)  # a new version, so the ETag of the whole changes with any answer
    session.flush()
    return row


def submit(session: Session, principal: Principal, row: SelfAssessment, today: date) -> SelfAssessment:
    """Freeze a complete draft under the questionnaire of today, with the evidence as it stands today."""
    check_draft(SelfAssessmentStatus(row.status))
    q = questionnaire_on(today)
    answers = _answers(session, row)
    check_complete(q, {key: a.judgement for key, a in answers.items()})
    filled = evidence.for_questionnaire(session, row.municipality_id, today, q)
    for key, answer in answers.items():
        question = q.question(key)
        if question is None:
            session.delete(answer)
        else:
            answer.evidence = evidence.snapshot([filled[e.key] for e in question.evidence])
    row.status = SelfAssessmentStatus.SUBMITTED
    row.questionnaire_version = q.version
    row.answered_on = today
    row.submitted_by = principal.name
    row.submitted_at = datetime.now(UTC)
    session.flush()
    return row


# --- reading ------------------------------------------------------------------------------------------------------


def _evidence_of(
    session: Session, row: SelfAssessment, q: Questionnaire, today: date
) -> tuple[date, evidence.Evidence | None]:
    if SelfAssessmentStatus(row.status) is SelfAssessmentStatus.SUBMITTED:
        return row.answered_on or today, None  # each answer holds its snapshot
    return today, evidence.for_questionnaire(session, row.municipality_id, today, q)


def answers_read(session: Session, row: SelfAssessment, today: date) -> tuple[date, list[schema.AnswerRead]]:
    """Every question of the self-assessment's questionnaire, with the judgement and the evidence beside it."""
    q = questionnaire_of(row, today)
    as_of, live = _evidence_of(session, row, q, today)
    answers = _answers(session, row)
    shown = []
    for question in q.questions:
        answer = answers.get(question.key)
        judgement = answer.judgement if answer else None
        if live is None:
            values = evidence.frozen(answer.evidence if answer else None)
        else:
            values = [live[e.key] for e in question.evidence]
        shown.append(
            schema.AnswerRead(
                question_key=question.key,
                section=question.section,
                text_da=question.text_da,
                legal_reference=question.legal_reference,
                judgement=judgement,
                judgement_label=dict(question.scale.levels).get(judgement) if judgement else None,
                comment=answer.comment if answer else None,
                evidence=values,
            )
        )
    return as_of, shown


def read(session: Session, row: SelfAssessment, today: date) -> schema.SelfAssessmentRead:
    q = questionnaire_of(row, today)
    as_of, answers = answers_read(session, row, today)
    return schema.SelfAssessmentRead(
        id=row.id,
        network_id=row.network_id,
        municipality_id=row.municipality_id,
        phase=Phase(row.phase),
        status=SelfAssessmentStatus(row.status),
        questionnaire_version=q.version,
        law=LawVersionRead.model_validate(q.law),
        answered_on=row.answered_on,
        submitted_by=row.submitted_by,
        evidence_as_of=as_of,
        unanswered=sum(1 for a in answers if a.judgement is None),
        answers=answers,
    )


def summary(row: SelfAssessment) -> schema.SelfAssessmentSummary:
    return schema.SelfAssessmentSummary(
        id=row.id,
        phase=Phase(row.phase),
        status=SelfAssessmentStatus(row.status),
        questionnaire_version=row.questionnaire_version,
        answered_on=row.answered_on,
    )


def list_own(session: Session, principal: Principal, network: Network) -> schema.SelfAssessmentList:
    rows = own(session, principal.municipality_id, network.id)
    return schema.SelfAssessmentList(items=[summary(rows[p]) for p in Phase if p in rows])


def comparison(
    session: Session, principal: Principal, network: Network, today: date
) -> schema.SelfAssessmentComparison:
    """The municipality's own before and after, question by question, over the questions of either."""
    rows = own(session, principal.municipality_id, network.id)
    read_rows = {p: answers_read(session, r, today)[1] for p, r in rows.items()}
    by_phase = {p: {a.question_key: a for a in answers} for p, answers in read_rows.items()}
    order: dict[str, schema.AnswerRead] = {}
    for phase in (Phase.AFTER, Phase.BEFORE):
        for a in read_rows.get(phase, []):
            order.setdefault(a.question_key, a)
    questions = []
    for key, shown in order.items():
        before, after = by_phase.get(Phase.BEFORE, {}).get(key), by_phase.get(Phase.AFTER, {}).get(key)
        b, a = (before.judgement if before else None), (after.judgement if after else None)
        questions.append(
            schema.QuestionComparison(
                question_key=key,
                section=shown.section,
                text_da=shown.text_da,
                before=b,
                after=a,
                changed=b is not None and a is not None and a != b,
                evidence_before=before.evidence if before else [],
                evidence_after=after.evidence if after else [],
            )
        )
    return schema.SelfAssessmentComparison(
        network_id=network.id,
        before=summary(rows[Phase.BEFORE]) if Phase.BEFORE in rows else None,
        after=summary(rows[Phase.AFTER]) if Phase.AFTER in rows else None,
        questions=questions,
    )


def submitted_rows(session: Session, network_id: uuid.UUID, phase: Phase, members: list[uuid.UUID]):  # type: ignore[no-untyped-def]
    """The submitted self-assessments of `phase` by `members`: columns, not objects."""
    return session.exec(
        select(SelfAssessment.id, SelfAssessment.municipality_id, SelfAssessment.questionnaire_version).where(
            SelfAssessment.network_id == network_id,
            SelfAssessment.phase == phase,
            SelfAssessment.status == SelfAssessmentStatus.SUBMITTED,
            col(SelfAssessment.municipality_id).in_(members),
        )
    ).all()
