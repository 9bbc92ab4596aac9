"""The network's distribution of self-assessment answers: per question, how many members answered each level.

Only the submitted self-assessments of the network's current members count (`active_members`: one that left counts
in nothing computed afterwards). A question's counts are shown only when at least `m` municipalities answered it
(the network's small-numbers rule, `domain.self_assessment.distribution`), and no answer is ever tied to a
municipality: the members that submitted are named only where they agreed to be named beside the network's figures
(`domain.networks.may_be_named`), and only once `m` have submitted.

Three queries, whatever the network's size: the submitted self-assessments, the answer counts grouped by question
and level, and the names of members that agreed to be named.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from api.principal import Principal
from api.schemas import self_assessment as schema
from api.services.networks import active_members, thresholds
from api.services.self_assessments import submitted_rows
from api.tables import Municipality, Network, NetworkMembership, SelfAssessmentAnswer
from domain.networks import MembershipStatus, may_be_named
from domain.self_assessment import Phase, Question, distribution, questionnaire


def _questions(versions: set[str]) -> list[Question]:
    """The questions of every questionnaire answered, newest law first, each key once."""
    found: dict[str, Question] = {}
    for version in sorted(versions, key=lambda v: questionnaire(v).law.effective_from, reverse=True):
        for q in questionnaire(version).questions:
            found.setdefault(q.key, q)
    return list(found.values())


def _named(session: Session, network: Network, municipality_ids: list) -> list[str]:
    rows = session.exec(
        select(Municipality.name, NetworkMembership.status, NetworkMembership.named_beside_figures)
        .join(NetworkMembership, col(NetworkMembership.municipality_id) == Municipality.id)
        .where(NetworkMembership.network_id == network.id, col(Municipality.id).in_(municipality_ids))
        .order_by(Municipality.name)
    ).all()
    return [name for name, status, named in rows if may_be_named(MembershipStatus(status), named)]


def network_distribution(
    session: Session, principal: Principal, network: Network, phase: Phase
) -> schema.NetworkDistribution:
    members = active_members(session, network.id)
    m = thresholds(network).m
    submitted = submitted_rows(session, network.id, phase, members)
    ids = [r.id for r in submitted]
    grouped = session.exec(
        select(SelfAssessmentAnswer.question_key, SelfAssessmentAnswer.judgement, func.count())
        .where(col(SelfAssessmentAnswer.self_assessment_id).in_(ids), col(SelfAssessmentAnswer.judgement).is_not(None))
        .group_by(SelfAssessmentAnswer.question_key, SelfAssessmentAnswer.judgement)
    ).all()
    judgements: dict[str, list[str]] = {}
    for key, judgement, n in grouped:
        judgements.setdefault(key, []).extend([judgement] * n)
    own_id = next((r.id for r in submitted if r.municipality_id == principal.municipality_id), None)
    own: dict[str, str] = {}
    if own_id is not None:
        own = dict(
            session.exec(
                select(SelfAssessmentAnswer.question_key, SelfAssessmentAnswer.judgement).where(
                    SelfAssessmentAnswer.self_assessment_id == own_id
                )
            ).all()
        )
    questions = []
    for question in _questions({r.questionnaire_version for r in submitted}):
        d = distribution(question, judgements.get(question.key, []), m)
        labels = dict(question.scale.levels)
        questions.append(
            schema.QuestionDistribution(
                question_key=question.key,
                section=question.section,
                text_da=question.text_da,
                answered=d.answered,
                shown=d.shown,
                levels=[schema.LevelCount(value=v, label_da=labels[v], municipalities=n) for v, n in d.counts]
                if d.counts is not None
                else None,
                own=own.get(question.key),
            )
        )
    enough = len(submitted) >= m
    return schema.NetworkDistribution(
        network_id=network.id,
        phase=phase,
        min_municipalities=m,
        members=len(members),
        submitted=len(submitted),
        named_municipalities=_named(session, network, [r.municipality_id for r in submitted]) if enough else [],
        questions=questions,
    )
