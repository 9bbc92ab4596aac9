"""Assembling a report's content (domain.reports.ReportContent) from a completed visit and what followed it.

Everything is read as it stands now: a draft or sent report is assembled on every read, so a corrected
recommendation or a late follow-up dialogue shows at once; a final report stores the result and never
reassembles. The band scale is the one of the policy version the visit was assessed under, not today's, and
every legal reference is the law in force on the day the visit was held (domain.law), not today's.

Each scope reads its own result: the provider's pooled assessment, the unit's own, or for the dagpleje's
combined report the latest assessment of each dagplejer over the cycle, counted without names (domain.reports).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from api.services.carry_forward import report_lines
from api.services.report_scopes import ScopeView, of_dagpleje, of_provider, of_unit, unit_assessment
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
from domain.cycle import VisitKind, report_ground
from domain.errors import DomainError, ErrorCode
from domain.escalation import ActionKind
from domain.policy import KOLDING_DEFAULT, SupervisionPolicy
from domain.providers import ProviderKind, UnitKind
from domain.report_scopes import ActionLine, consequences
from domain.reports import BandStep, FollowUpLine, RecommendationLine, ReportContent, legal_basis
from domain.states import ReportScope, ReportStatus, VisitStatus


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
    if scope == ReportScope.UNIT and unit is not None:
        return f"{_unit_kind_label(unit)} {unit.name}"
    if scope == ReportScope.COMBINED or provider.kind == ProviderKind.MUNICIPAL_CHILDMINDING:
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
        .where(
            Report.provider_id == visit.provider_id,
            Report.status == ReportStatus.PUBLISHED,
            Report.visit_id != visit.id,
        )
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


def _actions(session: Session, visit: Visit) -> list[ActionLine]:
    """The actions the visit's escalation stored, with their Danish labels (reasons are for case workers)."""
    lines = []
    for row in session.exec(select(RequiredAction).where(RequiredAction.visit_id == visit.id)).all():
        try:
            kind: ActionKind | None = ActionKind(row.kind)
            label = kind.label_da
        except ValueError:
            kind, label = None, row.kind
        lines.append(ActionLine(kind, label, row.legal_reference, row.due_on))
    return sorted(lines, key=lambda a: (a.label_da, a.due_on or date.min))


def recommendations_of(session: Session, visit: Visit) -> list[Recommendation]:
    """The visit's recommendations, soonest due first: the order their positions in the report refer to."""
    rows = session.exec(select(Recommendation).where(Recommendation.visit_id == visit.id)).all()
    return sorted(rows, key=lambda r: (r.due_on, r.created_at, str(r.id)))


def _follow_up(session: Session, visit: Visit) -> FollowUpLine | None:
    row = session.exec(select(FollowUpDialogue).where(FollowUpDialogue.visit_id == visit.id)).first()
    if row is None:
        return None
    return FollowUpLine(row.held_on, row.number, row.summary, row.agreed_follow_up)


def _covered(own: ScopeView, visit: Visit) -> tuple[str, ...]:
    """For the combined report: the visits to dagplejere it rests on."""
    if own.period_from is None:
        return ()
    period = f"{danish_date(own.period_from)}-{danish_date(visit.held_on)}"
    return (f"Seneste tilsyn hos hver dagplejer i perioden {period} ({own.dagplejere} dagplejere)",)


def assemble(
    session: Session, visit: Visit, scope: str, unit_id: uuid.UUID | None = None, *, report: Report | None = None
) -> ReportContent:
    """The content of the report on a completed `visit` for `scope` (and `unit_id` for a unit report).

    `report`, when given, adds what lives on the report itself: the summary, the leader's comment, and for a
    correction what it replaces.
    """
    if visit.status != VisitStatus.COMPLETED or visit.held_on is None:
        raise DomainError(ErrorCode.CONFLICT, f"The visit is {visit.status}; a report documents a completed visit.")
    provider = session.get(Provider, visit.provider_id)
    municipality = session.get(Municipality, visit.municipality_id)
    current = provider_assessment(session, visit)
    if provider is None or municipality is None or current is None:
        raise DomainError(ErrorCode.CONFLICT, "The visit has no assessment; complete it before reporting on it.")
    policy = policy_of_visit(session, visit)
    unit = session.get(Unit, unit_id) if scope == ReportScope.UNIT and unit_id else None
    if unit is not None:
        own = of_unit(session, visit, unit)
    elif scope == ReportScope.COMBINED:
        own = of_dagpleje(session, visit, provider, current, policy)
    else:
        own = of_provider(session, visit, current)
    replaced = session.get(Report, report.replaces_id) if report is not None and report.replaces_id else None
    return ReportContent(
        municipality_name=municipality.name,
        provider_name=provider.name,
        provider_kind_label_da=ProviderKind(provider.kind).label_da,
        scope_label_da=scope_label(provider, scope, unit),
        unit_names=own.unit_names,
        visit_kind_label_da=_visit_kind_label(visit),
        visit_date=visit.held_on,
        supervisors=_supervisors(session, visit),
        data_used=(*_data_used(session, visit), *_covered(own, visit)),
        percent=own.percent,
        band_label_da=own.band_label,
        concern_label_da=own.concern.label_da,
        concern_justification=own.justification,
        band_scale=_band_scale(policy),
        areas=own.areas,
        themes=own.themes,
        unit_results=own.unit_results,
        consequences=consequences(
            own.concern,
            _actions(session, visit),
            whole_provider=own.whole_provider,
            has_parent_board=provider.has_parent_board,
            on_day=visit.held_on,
        ),
        strengths=tuple(visit.strengths or ()),
        recommendations=tuple(
            RecommendationLine(r.text, r.owner, r.due_on) for r in recommendations_of(session, visit)
        ),
        follow_up=_follow_up(session, visit),
        leader_comment=report.leader_comment if report is not None else None,
        earlier=own.earlier,
        summary=report.summary if report is not None else None,
        report_version=report.report_version if report is not None else 1,
        replaces_version=replaced.report_version if replaced is not None else None,
        correction_note=report.correction_note if report is not None else None,
        policy_version=visit.policy_version_number or 0,
        period_from=own.period_from,
        band_counts=own.band_counts,
        concern_counts=own.concern_counts,
        legal_basis=legal_basis(visit.held_on, report_ground(provider.kind, policy, visit.held_on)),
        carried_forward=report_lines(unit_assessment(session, visit, unit.id) if unit else current, scope),
    )
