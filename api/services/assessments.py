"""Completing a visit: the assessments it gives, for the provider and each observed unit, and the escalation.

A visit may hold several observations (units, observers). Their scores are pooled by domain.instruments.pool:
every scored (observation, item) pair counts. Coverage is the share of the instrument's items that at least
one observation scored; below the policy's threshold there is no percent (insufficient observation).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from api.pagination import Page, SortKey, paginate
from api.schemas.visit import Completion
from api.services import carry_forward
from api.services.escalation import AppliedEscalation, apply_escalation
from api.services.instruments import domain_instrument
from api.services.policy import policy_in_force
from api.services.visits import data_source_values, observations_of, require_impartial_now, require_planned
from api.tables import Assessment, InstrumentVersion, Observation, Provider, Unit, Visit
from api.tables.base import utcnow
from domain.assessment import Assessment as Judgement
from domain.assessment import assess
from domain.cycle import VisitKind
from domain.errors import DomainError, ErrorCode, Violation, invalid
from domain.escalation import UnitAssessment
from domain.instruments import Instrument, PartScore, ScoreResult
from domain.instruments import pool as pool_scores
from domain.law import Duty, law_in_force
from domain.policy import SupervisionPolicy
from domain.privacy import refuse_personal_data
from domain.states import VisitStatus

PROVIDER_ASSESSMENT_ORDER = (
    SortKey(Assessment.assessed_on, descending=True),
    SortKey(Assessment.created_at, descending=True),
    SortKey(Assessment.id, descending=True),
)


@dataclass(frozen=True)
class Completed:
    visit: Visit
    assessments: list[Assessment]
    escalation: AppliedEscalation


def _pool(instrument: Instrument | None, score_sets: list[dict[str, Any]], threshold: float) -> ScoreResult | None:
    """The pooled score of `score_sets` (item key -> score or None) under `instrument`; None without one."""
    return None if instrument is None else pool_scores(instrument, score_sets, threshold)


def _parts(pooled: ScoreResult | None) -> dict[str, Any]:
    """The areas, themes and unscored items as stored with the assessment (percents as shown)."""
    if pooled is None:
        return {}

    def part(p: PartScore) -> dict[str, Any]:
        return {"key": p.key, "name": p.name, "percent": p.display_percent, "scored": p.scored, "total": p.total}

    return {
        "areas": [part(a) for a in pooled.areas],
        "themes": [part(t) for t in pooled.themes],
        "unscored": list(pooled.unscored),
    }


def _row(
    visit: Visit, unit_id: uuid.UUID | None, pooled: ScoreResult | None, judgement: Judgement, number: int
) -> Assessment:
    return Assessment(
        visit_id=visit.id,
        provider_id=visit.provider_id,
        unit_id=unit_id,
        assessed_on=visit.held_on,
        percent=pooled.display_total_percent if pooled else None,
        coverage=pooled.coverage if pooled else None,
        insufficient_observation=pooled.insufficient_observation if pooled else False,
        band_key=judgement.band.key if judgement.band else None,
        band_label=judgement.band.label_da if judgement.band else None,
        concern_from_score=judgement.concern_from_score,
        concern=judgement.concern,
        justification=judgement.justification,
        parts=_parts(pooled),
        policy_version_number=number,
    )


def _refuse_incomplete(visit: Visit, observations: list[Observation], today: date) -> None:
    missing: list[Violation] = []
    law = law_in_force(today)  # a refusal cites the law in force on the day of the request
    if not observations:
        missing.append(
            Violation(
                "observations",
                f"No observation is recorded; observation is required ({law.cite(Duty.OBSERVATION)}).",
            )
        )
    elif visit.kind == VisitKind.ANNOUNCED and not any(
        any(v is not None for v in o.scores.values()) for o in observations
    ):
        missing.append(
            Violation(
                "observations", "An announced visit needs at least one scored observation (systematic observation)."
            )
        )
    if visit.dialogue_held_on is None:
        missing.append(
            Violation(
                "dialogue",
                f"The dialogue with leader and staff during the visit is not recorded ({law.cite(Duty.DIALOGUE)}).",
            )
        )
    if missing:
        raise DomainError(
            ErrorCode.CONFLICT, "The visit cannot be completed yet: " + " ".join(v.message for v in missing), missing
        )


def _percent(pooled: ScoreResult | None) -> float | None:
    return pooled.total_percent if pooled else None


def _judge(policy: SupervisionPolicy, pooled: ScoreResult | None, data: Completion) -> Judgement:
    try:
        return assess(policy, _percent(pooled), concern=data.concern, justification=data.justification)
    except DomainError as exc:
        violations = [Violation(f"body.{v.location}", v.message) for v in exc.violations]
        raise DomainError(ErrorCode.INVALID_INPUT, exc.detail, violations) from exc


def complete_visit(session: Session, visit: Visit, data: Completion, today: date) -> Completed:
    """Assess the visit under the policy in force on the day it was held, then apply the escalation."""
    require_planned(visit, "completed")
    # Strengths and the justification go into the published report and cannot be edited afterwards, so
    # personal data is refused now rather than found later, when it would block the report for good.
    published = {f"body.strengths.{i}": text for i, text in enumerate(data.strengths or [])}
    if data.justification:
        published["body.justification"] = data.justification
    refuse_personal_data(published)
    if data.held_on > today:
        raise invalid("body.held_on", "A visit is completed after it was held; the day cannot be in the future.")
    observations = observations_of(session, visit)
    _refuse_incomplete(visit, observations, today)
    require_impartial_now(session, visit)
    policy_row, policy = policy_in_force(session, visit.municipality_id, data.held_on)
    number = policy_row.number if policy_row else 0
    instrument = domain_instrument(session.get(InstrumentVersion, visit.instrument_id)) if visit.instrument_id else None
    threshold = policy.observation_coverage_threshold
    pooled = _pool(instrument, [o.scores for o in observations], threshold)
    judgement = _judge(policy, pooled, data)

    visit.status, visit.held_on, visit.completed_at = VisitStatus.COMPLETED, data.held_on, utcnow()
    visit.concern_level, visit.concern_justification = data.concern, judgement.justification
    visit.policy_version_number = number
    if data.strengths is not None:
        visit.strengths = list(data.strengths)
    if data.data_sources is not None:
        visit.data_sources = data_source_values(data.data_sources)
    if data.based_on_curriculum is not None:
        visit.based_on_curriculum = data.based_on_curriculum
    rows = [_row(visit, None, pooled, judgement, number)]
    unit_ids = list(dict.fromkeys(o.unit_id for o in observations if o.unit_id is not None))
    names = _unit_names(session, unit_ids)
    units: list[UnitAssessment] = []
    for unit_id in unit_ids:
        # A unit is assessed from its own score only; the supervisor's judgement is about the provider.
        unit_pool = _pool(instrument, [o.scores for o in observations if o.unit_id == unit_id], threshold)
        unit_judgement = assess(policy, _percent(unit_pool))
        rows.append(_row(visit, unit_id, unit_pool, unit_judgement, number))
        units.append(UnitAssessment(str(unit_id), names.get(unit_id, str(unit_id)), unit_judgement))
    carry_forward.record(session, visit, rows, policy, instrument)  # what the visit before flagged, before/after
    session.add_all(rows)
    session.flush()
    # Every scope counts: a unit's own concern escalates the provider as its pooled result would.
    escalation = apply_escalation(session, visit, judgement, data.held_on, policy, units)
    return Completed(visit, rows, escalation)


def _unit_names(session: Session, unit_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not unit_ids:
        return {}
    return dict(session.exec(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all())


def visit_assessments(session: Session, visit: Visit) -> list[Assessment]:
    """The provider's assessment first, then the units' in the visit's order."""
    rows = session.exec(select(Assessment).where(Assessment.visit_id == visit.id)).all()
    order = {unit_id: i for i, unit_id in enumerate(visit.unit_ids)}
    return sorted(rows, key=lambda r: (r.unit_id is not None, order.get(str(r.unit_id), len(order)), str(r.unit_id)))


def provider_assessments(
    session: Session, provider: Provider, *, level: str | None, cursor: str | None, limit: int
) -> Page[Assessment]:
    statement = select(Assessment).where(Assessment.provider_id == provider.id)
    if level == "provider":
        statement = statement.where(Assessment.unit_id.is_(None))
    elif level == "unit":
        statement = statement.where(Assessment.unit_id.is_not(None))
    return paginate(session, statement, PROVIDER_ASSESSMENT_ORDER, cursor, limit)
