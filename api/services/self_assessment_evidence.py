"""The evidence the service fills in beside a self-assessment's answers, taken from the figures it already shows.

Nothing is recomputed here: the compliance figures are `api.services.compliance.municipality_compliance` (what
`GET /compliance` answers) and the reports in time are counted from `api.services.publication.tracker` (the rows
`GET /publication-tracker` lists), both for the same municipality and day. So a self-assessment's evidence matches
those endpoints on the day it was submitted (frozen then), or on the day a draft is read.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from sqlmodel import Session

from api.schemas import self_assessment as schema
from api.services.compliance import municipality_compliance
from api.services.publication import tracker
from domain.self_assessment import EvidenceSpec, PracticeEvidenceKind, Questionnaire, share_in_time

Evidence = dict[str, schema.EvidenceValueRead]  # by EvidenceSpec.key

_FROM_COMPLIANCE = frozenset({PracticeEvidenceKind.COMPLIANCE_MINIMUM, PracticeEvidenceKind.COMPLIANT_PROVIDERS})


def _value(spec: EvidenceSpec, **figures: object) -> schema.EvidenceValueRead:
    blank = dict.fromkeys(
        (
            "providers",
            "counts",
            "compliant_providers",
            "reports_required",
            "reports_overdue",
            "share_in_time",
        )
    )
    return schema.EvidenceValueRead(
        key=spec.key, kind=spec.kind, minimum=spec.minimum, label_da=spec.label_da, **{**blank, **figures}
    )


def evidence_on(session: Session, municipality_id: uuid.UUID, day: date, specs: Iterable[EvidenceSpec]) -> Evidence:
    """Every piece of evidence in `specs` for the municipality on `day`, from one compliance and one tracker read."""
    specs = list(specs)
    kinds = {s.kind for s in specs}
    compliance = municipality_compliance(session, municipality_id, day) if kinds & _FROM_COMPLIANCE else None
    reports = tracker(session, municipality_id, day) if PracticeEvidenceKind.REPORTS_IN_TIME in kinds else None
    found: Evidence = {}
    for spec in specs:
        if spec.kind is PracticeEvidenceKind.COMPLIANCE_MINIMUM and compliance is not None:
            summary = next(m for m in compliance.minimums if m.minimum == spec.minimum)
            found[spec.key] = _value(spec, providers=compliance.providers, counts=summary.counts)
        elif spec.kind is PracticeEvidenceKind.COMPLIANT_PROVIDERS and compliance is not None:
            found[spec.key] = _value(
                spec, providers=compliance.providers, compliant_providers=compliance.compliant_providers
            )
        elif spec.kind is PracticeEvidenceKind.REPORTS_IN_TIME and reports is not None:
            required = sum(1 for item in reports.items if item.next_due is not None)
            overdue = sum(1 for item in reports.items if item.overdue)
            found[spec.key] = _value(
                spec,
                reports_required=required,
                reports_overdue=overdue,
                share_in_time=share_in_time(required, overdue),
            )
    return found


def for_questionnaire(session: Session, municipality_id: uuid.UUID, day: date, q: Questionnaire) -> Evidence:
    """The evidence every question of `q` shows, for the municipality on `day`."""
    return evidence_on(session, municipality_id, day, q.evidence)


def frozen(values: list[dict] | None) -> list[schema.EvidenceValueRead]:
    """The evidence snapshot stored with an answer on submission, read back."""
    return [schema.EvidenceValueRead.model_validate(v) for v in values or []]


def snapshot(values: list[schema.EvidenceValueRead]) -> list[dict]:
    """The evidence as stored with an answer on submission: plain JSON."""
    return [v.model_dump(mode="json") for v in values]
