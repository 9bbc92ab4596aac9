"""Assembling a report's content (domain.reports.ReportContent) from a completed visit and what followed it.

Everything is read as it stands now: a draft or sent report is assembled on every read, so a corrected
recommendation or a late follow-up dialogue shows at once; a final report stores the result and never
reassembles. The band scale is the one of the policy version the visit was assessed under, not today's.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from api.tables import (
    Assessment,
    ConcernNotice,
    FollowUpDialogue,
    InstrumentVersion,
    Municipality,
    PolicyVersion,
    Provider,
    Recommendation,
    Report,
    RequiredAction,
    Unit,
    UserAccount,
    Visit,
)
from domain.cycle import VisitKind
from domain.errors import DomainError, ErrorCode
from domain.escalation import ActionKind
from domain.instruments import Instrument
from domain.policy import KOLDING_DEFAULT, ConcernLevel, SupervisionPolicy
from domain.providers import ProviderKind, UnitKind
from domain.reports import (
    BandStep,
    Consequence,
    EarlierResult,
    FollowUpLine,
    RecommendationLine,
    ReportContent,
    ScoreLine,
    UnitResult,
)

PROVIDER, UNIT, COMBINED = "provider", "unit", "combined"
PUBLISHED = "published"
NO_CONCERN_TEXT = "Ingen bekymring: det almindelige tilsyn fortsætter"
NO_CONCERN_REFERENCE = "dagtilbudsloven §5b, stk. 1-2"
_ACTION_ORDER = {kind.value: i for i, kind in enumerate(ActionKind)}


def danish_date(day: date) -> str:
    """20.11.2026: the numeric form Danish readers expect."""
    return f"{day:%d.%m.%Y}"


def policy_of_visit(session: Session, visit: Visit) -> SupervisionPolicy:
    """The policy the visit was assessed under: version 0 (or none recorded) is the shipped Kolding default."""
    number = visit.policy_version_number or 0
    if number == 0:
        return KOLDING_DEFAULT
    row = session.exec(
        select(PolicyVersion).where(
            PolicyVersion.municipality_id == visit.municipality_id, PolicyVersion.number == number
        )
    ).first()
    return SupervisionPolicy.from_dict(row.document) if row else KOLDING_DEFAULT


def provider_assessment(session: Session, visit: Visit) -> Assessment | None:
    return session.exec(
        select(Assessment).where(Assessment.visit_id == visit.id, Assessment.unit_id.is_(None))  # type: ignore[union-attr]
    ).first()


def scope_label(provider: Provider, scope: str, unit: Unit | None) -> str:
    if scope == UNIT and unit is not None:
        return f"{_unit_kind_label(unit)} {unit.name}"
    if scope == COMBINED or provider.kind == ProviderKind.MUNICIPAL_CHILDMINDING:
        return "samlet rapport for dagplejen"
    return "hele dagtilbuddet"


def _unit_kind_label(unit: Unit) -> str:
    try:
        return UnitKind(unit.kind).label_da
    except ValueError:
        return "afdeling"


def _visit_kind_label(visit: Visit) -> str:
    try:
        return f"{VisitKind(visit.kind).label_da} tilsyn"
    except ValueError:
        return visit.kind


def _concern_label(value: str | None) -> str:
    return ConcernLevel(value or ConcernLevel.NONE).label_da


def _units(session: Session, visit: Visit, unit_ids: list[uuid.UUID]) -> list[Unit]:
    found = {u.id: u for u in session.exec(select(Unit).where(Unit.id.in_(unit_ids)))} if unit_ids else {}  # type: ignore[attr-defined]
    return [found[i] for i in unit_ids if i in found]


def _visit_unit_ids(visit: Visit, unit_assessments: list[Assessment]) -> list[uuid.UUID]:
    """The visit's units in the order planned, then any unit observed without being planned."""
    ordered = [uuid.UUID(str(u)) for u in visit.unit_ids]
    for row in unit_assessments:
        if row.unit_id is not None and row.unit_id not in ordered:
            ordered.append(row.unit_id)
    return ordered


def _supervisors(session: Session, visit: Visit) -> tuple[str, ...]:
    names = []
    for user_id in (visit.supervisor_id, visit.co_observer_id):
        user = session.get(UserAccount, user_id) if user_id else None
        if user is not None:
            names.append(user.full_name)
    return tuple(names)


def _earlier_published_report(session: Session, visit: Visit) -> Report | None:
    """The provider's latest published report on a visit held before this one."""
    candidates = session.exec(
        select(Report, Visit)
        .join(Visit, Report.visit_id == Visit.id)  # type: ignore[arg-type]
        .where(Report.provider_id == visit.provider_id, Report.status == PUBLISHED, Report.visit_id != visit.id)
    ).all()
    earlier = [r for r, v in candidates if v.held_on is not None and visit.held_on and v.held_on < visit.held_on]
    return max(earlier, key=lambda r: (r.published_on or date.min, r.created_at), default=None)


def _data_used(session: Session, visit: Visit) -> tuple[str, ...]:
    used = []
    instrument = session.get(InstrumentVersion, visit.instrument_id) if visit.instrument_id else None
    if instrument is not None:
        used.append(f"Systematisk observation ({instrument.name}, version {instrument.version})")
    if visit.dialogue_held_on is not None:
        used.append("Dialog med ledelse og medarbejdere")
    earlier = _earlier_published_report(session, visit)
    if earlier is not None:
        used.append(f"Tidligere tilsynsrapport ({danish_date(earlier.published_on or earlier.created_at.date())})")
    notices = session.exec(select(ConcernNotice.id).where(ConcernNotice.visit_id == visit.id)).first()
    if notices is not None:
        used.append("Bekymringshenvendelser")
    return tuple(used)


def _band_scale(policy: SupervisionPolicy) -> tuple[BandStep, ...]:
    return tuple(BandStep(b.label_da, b.lower_bound, b.concern.label_da) for b in policy.bands_high_to_low())


def _theme_areas(session: Session, visit: Visit) -> dict[str, str]:
    """Theme key -> the name of its area, from the instrument definition (the stored parts do not say)."""
    row = session.get(InstrumentVersion, visit.instrument_id) if visit.instrument_id else None
    if row is None:
        return {}
    instrument = Instrument.from_dict(row.definition)
    return {theme.key: area.name for area in instrument.areas for theme in area.themes}


def _score_lines(session: Session, visit: Visit, parts: dict) -> tuple[tuple[ScoreLine, ...], tuple[ScoreLine, ...]]:
    areas = tuple(ScoreLine(p["name"], p.get("percent"), "area") for p in parts.get("areas") or ())
    area_of = _theme_areas(session, visit)
    themes = tuple(
        ScoreLine(p["name"], p.get("percent"), "theme", area_of.get(p.get("key", "")))
        for p in parts.get("themes") or ()
    )
    return areas, themes


def _consequences(session: Session, visit: Visit, concern: str) -> tuple[Consequence, ...]:
    rows = session.exec(select(RequiredAction).where(RequiredAction.visit_id == visit.id)).all()
    rows = sorted(rows, key=lambda r: (_ACTION_ORDER.get(r.kind, len(_ACTION_ORDER)), r.due_on, str(r.id)))
    lines = []
    if concern == ConcernLevel.NONE:
        lines.append(Consequence(NO_CONCERN_TEXT, NO_CONCERN_REFERENCE))
    for row in rows:
        try:
            label = ActionKind(row.kind).label_da
        except ValueError:
            label = row.kind
        # The Danish label, not the stored reason: reasons are written for case workers in English.
        lines.append(Consequence(f"{label[:1].upper()}{label[1:]}", row.legal_reference, row.due_on))
    return tuple(lines)


def recommendations_of(session: Session, visit: Visit) -> list[Recommendation]:
    """The visit's recommendations, soonest due first: the order their positions in the report refer to."""
    rows = session.exec(select(Recommendation).where(Recommendation.visit_id == visit.id)).all()
    return sorted(rows, key=lambda r: (r.due_on, r.created_at, str(r.id)))


def _follow_up(session: Session, visit: Visit) -> FollowUpLine | None:
    row = session.exec(select(FollowUpDialogue).where(FollowUpDialogue.visit_id == visit.id)).first()
    if row is None:
        return None
    return FollowUpLine(row.held_on, row.number, row.summary, row.agreed_follow_up)


def _earlier(session: Session, visit: Visit, current: Assessment) -> EarlierResult | None:
    """The provider's provider-level assessment just before this visit's, for comparison."""
    rows = session.exec(
        select(Assessment).where(
            Assessment.provider_id == visit.provider_id,
            Assessment.unit_id.is_(None),  # type: ignore[union-attr]
            Assessment.visit_id != visit.id,
        )
    ).all()
    before = [r for r in rows if (r.assessed_on, r.created_at) < (current.assessed_on, current.created_at)]
    if not before:
        return None
    latest = max(before, key=lambda r: (r.assessed_on, r.created_at))
    return EarlierResult(latest.assessed_on, latest.percent, latest.band_label)


def assemble(
    session: Session, visit: Visit, scope: str, unit_id: uuid.UUID | None = None, *, report: Report | None = None
) -> ReportContent:
    """The content of the report on a completed `visit` for `scope` (and `unit_id` for a unit report).

    `report`, when given, adds what lives on the report itself: the summary, the leader's comment, and for a
    correction what it replaces.
    """
    if visit.status != "completed" or visit.held_on is None:
        raise DomainError(ErrorCode.CONFLICT, f"The visit is {visit.status}; a report documents a completed visit.")
    provider = session.get(Provider, visit.provider_id)
    municipality = session.get(Municipality, visit.municipality_id)
    current = provider_assessment(session, visit)
    if provider is None or municipality is None or current is None:
        raise DomainError(ErrorCode.CONFLICT, "The visit has no assessment; complete it before reporting on it.")
    unit_rows = [
        r
        for r in session.exec(select(Assessment).where(Assessment.visit_id == visit.id)).all()
        if r.unit_id is not None
    ]
    unit = session.get(Unit, unit_id) if scope == UNIT and unit_id else None
    unit_ids = [unit.id] if unit is not None else _visit_unit_ids(visit, unit_rows)
    units = _units(session, visit, unit_ids)
    by_unit = {r.unit_id: r for r in unit_rows}
    unit_results = tuple(
        UnitResult(u.name, by_unit[u.id].percent, by_unit[u.id].band_label, _concern_label(by_unit[u.id].concern))
        for u in units
        if u.id in by_unit
    )
    areas, themes = _score_lines(session, visit, current.parts or {})
    replaced = session.get(Report, report.replaces_id) if report is not None and report.replaces_id else None
    return ReportContent(
        municipality_name=municipality.name,
        provider_name=provider.name,
        provider_kind_label_da=ProviderKind(provider.kind).label_da,
        scope_label_da=scope_label(provider, scope, unit),
        unit_names=tuple(u.name for u in units),
        visit_kind_label_da=_visit_kind_label(visit),
        visit_date=visit.held_on,
        supervisors=_supervisors(session, visit),
        data_used=_data_used(session, visit),
        percent=current.percent,
        band_label_da=current.band_label,
        concern_label_da=_concern_label(current.concern),
        concern_justification=current.justification,
        band_scale=_band_scale(policy_of_visit(session, visit)),
        areas=areas,
        themes=themes,
        unit_results=unit_results,
        consequences=_consequences(session, visit, current.concern),
        strengths=tuple(visit.strengths or ()),
        recommendations=tuple(
            RecommendationLine(r.text, r.owner, r.due_on) for r in recommendations_of(session, visit)
        ),
        follow_up=_follow_up(session, visit),
        leader_comment=report.leader_comment if report is not None else None,
        earlier=_earlier(session, visit, current),
        summary=report.summary if report is not None else None,
        report_version=report.report_version if report is not None else 1,
        replaces_version=replaced.report_version if replaced is not None else None,
        correction_note=report.correction_note if report is not None else None,
        policy_version=visit.policy_version_number or 0,
    )
