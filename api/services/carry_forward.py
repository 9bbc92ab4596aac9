"""Re-visits that carry forward: the flags domain.carry_forward gives for a visit, from what is stored.

For a visit not yet completed the flags are computed on every read, from the provider's latest earlier results
(per scope: the provider, each unit) and the recommendations and action plans open now. When the visit is completed
(`record`) they are computed once more, re-scored against the new assessment and stored with it
(`parts["carried_forward"]`): the assessment never changes, so the report's before/after does not either.

Reads are a handful of set-based queries per visit (a window function picks each scope's latest scored assessment);
no per-unit or per-visit loops against the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from api.principal import Principal
from api.schemas.carry_forward import (
    CarriedForward,
    CarriedPartRead,
    CarriedReasonRead,
    CarriedScopeRead,
    ObservationItemRead,
)
from api.tables import (
    ActionPlan,
    ActionPlanItem,
    Assessment,
    InstrumentVersion,
    Observation,
    PolicyVersion,
    Provider,
    Recommendation,
    Unit,
    Visit,
)
from domain.carry_forward import (
    EarlierVisit,
    Flag,
    Level,
    Mention,
    Part,
    ReasonKind,
    Rescored,
    carried_forward,
    observation_order,
    report_line,
    rescore,
    shows_dagplejer_results,
)
from domain.instruments import Instrument
from domain.policy import KOLDING_DEFAULT, SupervisionPolicy
from domain.providers import ProviderKind, UnitKind
from domain.reports import CarriedLine
from domain.states import STILL_TO_DO, PlanStatus, ReportScope, VisitStatus

STORED = "carried_forward"  # the key in Assessment.parts

Scope = uuid.UUID | None  # a unit's id, or None for the provider as a whole


def _policy(session: Session, municipality_id: uuid.UUID, number: int | None) -> SupervisionPolicy:
    if not number:
        return KOLDING_DEFAULT
    document = session.exec(
        select(PolicyVersion.document).where(
            PolicyVersion.municipality_id == municipality_id, PolicyVersion.number == number
        )
    ).first()
    return SupervisionPolicy.from_dict(document) if document else KOLDING_DEFAULT


def _instruments(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, Instrument]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(
        select(InstrumentVersion.id, InstrumentVersion.definition).where(InstrumentVersion.id.in_(wanted))
    )
    return {row_id: Instrument.from_dict(definition) for row_id, definition in rows}


def _parts(parts: dict[str, Any], instrument: Instrument | None) -> tuple[Part, ...]:
    """An assessment's stored areas and themes as domain parts (a theme's area from the instrument, if known)."""
    area_of = {t.key: a.key for a in instrument.areas for t in a.themes} if instrument else {}
    areas = tuple(Part(p["key"], p["name"], Level.AREA, p.get("percent")) for p in parts.get("areas") or ())
    themes = tuple(
        Part(p["key"], p["name"], Level.THEME, p.get("percent"), area_of.get(p["key"]))
        for p in parts.get("themes") or ()
    )
    return areas + themes


def _catalogue(instrument: Instrument | None) -> tuple[Part, ...]:
    """The instrument's areas and themes without percents: what a recommendation may name without an earlier score."""
    if instrument is None:
        return ()
    areas = tuple(Part(a.key, a.name, Level.AREA) for a in instrument.areas)
    return areas + tuple(Part(t.key, t.name, Level.THEME, None, a.key) for a in instrument.areas for t in a.themes)


def _latest_scored(session: Session, visit: Visit) -> list[Any]:
    """Per scope (provider, each unit), the latest assessment before `visit` with anything scored."""
    ranked = (
        select(
            Assessment.visit_id,
            Assessment.unit_id,
            Assessment.assessed_on,
            Assessment.parts,
            Visit.instrument_id,
            Visit.policy_version_number,
            func.row_number()
            .over(
                partition_by=Assessment.unit_id,
                order_by=(Assessment.assessed_on.desc(), Assessment.created_at.desc(), Assessment.id.desc()),
            )
            .label("rank"),
        )
        .join(Visit, Visit.id == Assessment.visit_id)
        .where(Assessment.provider_id == visit.provider_id, Assessment.visit_id != visit.id, Assessment.coverage > 0)
    )
    if visit.status == VisitStatus.COMPLETED and visit.held_on is not None:
        ranked = ranked.where(Assessment.assessed_on <= visit.held_on)
    latest = ranked.subquery()
    return list(session.exec(select(*latest.c).where(latest.c.rank == 1)).all())


def _lowest_items(
    session: Session, rows: Sequence[Any], instruments: dict[uuid.UUID, Instrument]
) -> dict[tuple[uuid.UUID, Scope], tuple[tuple[str, str], ...]]:
    """Per (earlier visit, scope): the (theme, item) pairs any of its observations scored at the scale's lowest."""
    visit_ids = {r.visit_id for r in rows}
    if not visit_ids:
        return {}
    observed = session.exec(
        select(Observation.visit_id, Observation.unit_id, Observation.scores).where(Observation.visit_id.in_(visit_ids))
    ).all()
    instrument_of = {r.visit_id: instruments.get(r.instrument_id) for r in rows}
    found: dict[tuple[uuid.UUID, Scope], set[str]] = {}
    for visit_id, unit_id, scores in observed:
        instrument = instrument_of.get(visit_id)
        if instrument is None:
            continue
        low = {i.key for i in instrument.items() if scores.get(i.key) is not None and scores[i.key] == i.scale.min}
        found.setdefault((visit_id, None), set()).update(low)
        if unit_id is not None:
            found.setdefault((visit_id, unit_id), set()).update(low)
    out = {}
    for (visit_id, scope), keys in found.items():
        instrument = instrument_of[visit_id]
        out[(visit_id, scope)] = tuple((t.key, i.key) for t in instrument.themes() for i in t.items if i.key in keys)
    return out


def _mentions(session: Session, visit: Visit) -> list[Mention]:
    """Open recommendations from the provider's other visits, and its action plans not yet completed."""
    recommendations = session.exec(
        select(Recommendation.id, Recommendation.text, Visit.held_on, Visit.planned_on)
        .join(Visit, Visit.id == Recommendation.visit_id)
        .where(
            Recommendation.provider_id == visit.provider_id,
            Recommendation.visit_id != visit.id,
            Recommendation.status.in_([s.value for s in STILL_TO_DO]),
        )
    ).all()
    mentions = [
        Mention(ReasonKind.RECOMMENDATION, str(rid), held or planned, text)
        for rid, text, held, planned in recommendations
    ]
    plans = session.exec(
        select(ActionPlan.id, ActionPlan.summary, ActionPlan.created_at).where(
            ActionPlan.provider_id == visit.provider_id, ActionPlan.status != PlanStatus.COMPLETED
        )
    ).all()
    if plans:
        items = session.exec(
            select(
                ActionPlanItem.plan_id, ActionPlanItem.goal, ActionPlanItem.actions, ActionPlanItem.success_criterion
            ).where(ActionPlanItem.plan_id.in_([p.id for p in plans]))
        ).all()
        texts: dict[uuid.UUID, list[str]] = {p.id: [p.summary or ""] for p in plans}
        for plan_id, *parts in items:
            texts[plan_id] += parts
        mentions += [
            Mention(ReasonKind.ACTION_PLAN, str(p.id), p.created_at.date(), "\n".join(texts[p.id])) for p in plans
        ]
    return mentions


def flags_for(session: Session, visit: Visit, instrument: Instrument | None = None) -> dict[Scope, tuple[Flag, ...]]:
    """The flags per scope carried forward to `visit` from before it (the provider's scope always, maybe empty).

    `instrument` is the visit's own: what a recommendation may name when the provider has no earlier score.
    """
    rows = _latest_scored(session, visit)
    instruments = _instruments(session, [r.instrument_id for r in rows])
    lowest = _lowest_items(session, rows, instruments)
    policies: dict[int, SupervisionPolicy] = {}
    by_scope: dict[Scope, Any] = {r.unit_id: r for r in rows}
    flags: dict[Scope, tuple[Flag, ...]] = {}
    for scope in sorted({None, *by_scope}, key=lambda s: (s is not None, str(s))):
        row = by_scope.get(scope)
        earlier, policy = None, KOLDING_DEFAULT
        if row is not None:
            number = row.policy_version_number or 0
            if number not in policies:
                policies[number] = _policy(session, visit.municipality_id, number)
            parts = _parts(row.parts or {}, instruments.get(row.instrument_id))
            earlier = EarlierVisit(str(row.visit_id), row.assessed_on, parts, lowest.get((row.visit_id, scope), ()))
            policy = policies[number]
        # Recommendations and action plans are the provider's: they name themes of the provider's scope only.
        mentions = _mentions(session, visit) if scope is None else ()
        flags[scope] = carried_forward(earlier, policy, mentions=mentions, catalogue=_catalogue(instrument))
    return flags


def _after(parts: dict[str, Any]) -> dict[tuple[Level, str], float | None]:
    after = {(Level.AREA, p["key"]): p.get("percent") for p in parts.get("areas") or ()}
    return after | {(Level.THEME, p["key"]): p.get("percent") for p in parts.get("themes") or ()}


def record(
    session: Session, visit: Visit, rows: Sequence[Assessment], policy: SupervisionPolicy, instrument: Instrument | None
) -> None:
    """Store with each new assessment of the completed `visit` what was carried forward to its scope and how it went
    (bands on `policy`, the one the visit was assessed under). Call before the rows are added."""
    flags = flags_for(session, visit, instrument)
    for row in rows:
        found = flags.get(row.unit_id)
        if found:
            rescored = rescore(found, _after(row.parts or {}), policy)
            row.parts = {**(row.parts or {}), STORED: [r.to_dict() for r in rescored]}


def stored(parts: dict[str, Any] | None) -> tuple[Rescored, ...]:
    return tuple(Rescored.from_dict(d) for d in (parts or {}).get(STORED) or ())


def report_lines(assessment: Assessment | None, scope: str) -> tuple[CarriedLine, ...]:
    """The report's "Opfølgning fra sidste tilsyn": the scope's own assessment's stored lines; on the dagpleje's
    combined report without percents or bands (a dagplejer is a person)."""
    if assessment is None:
        return ()
    with_percent = scope != ReportScope.COMBINED
    return tuple(report_line(r, with_percent=with_percent) for r in stored(assessment.parts))


def _part_read(flag: Flag, done: Rescored | None, with_percent: bool) -> CarriedPartRead:
    shown = with_percent
    return CarriedPartRead(
        key=flag.part.key,
        name=flag.part.name,
        level=flag.part.level,
        area_key=flag.part.area_key,
        reasons=[
            CarriedReasonRead(
                kind=r.kind,
                text_da=r.text_da(with_percent=shown),
                on=r.on,
                visit_id=uuid.UUID(r.visit_id) if r.visit_id else None,
                percent=r.percent if shown else None,
                reference_id=uuid.UUID(r.reference_id) if r.reference_id else None,
                items=list(r.items),
            )
            for r in flag.reasons
        ],
        before_visit_id=uuid.UUID(flag.before_visit_id) if flag.before_visit_id else None,
        before_on=flag.before_on,
        before_percent=flag.part.percent if shown else None,
        before_band_label_da=flag.before_band_label_da if shown else None,
        after_percent=done.after_percent if done and shown else None,
        after_band_label_da=done.after_band_label_da if done and shown else None,
        change=done.change if done and shown else None,
        outcome=done.outcome if done else None,
        outcome_label_da=done.outcome.label_da if done else None,
    )


def view(session: Session, visit: Visit, principal: Principal) -> CarriedForward:
    """What is carried forward to `visit`, as `principal` may see it: a dagplejer's own scope only for the
    administration and its supervisors, and for anyone else the dagpleje's scope without percents."""
    kind = session.exec(select(Provider.kind).where(Provider.id == visit.provider_id)).one()
    unit_kinds = dict(session.exec(select(Unit.id, Unit.kind).where(Unit.provider_id == visit.provider_id)).all())
    instruments = _instruments(session, [visit.instrument_id])
    instrument = instruments.get(visit.instrument_id) if visit.instrument_id else None
    done: dict[Scope, dict[tuple[Level, str], Rescored]] = {}
    if visit.status == VisitStatus.COMPLETED:
        rows = session.exec(select(Assessment.unit_id, Assessment.parts).where(Assessment.visit_id == visit.id)).all()
        results = {unit_id: stored(parts) for unit_id, parts in rows}
        flags = {scope: tuple(r.flag for r in found) for scope, found in results.items() if found or scope is None}
        flags.setdefault(None, ())
        done = {s: {(r.flag.part.level, r.flag.part.key): r for r in found} for s, found in results.items()}
    else:
        flags = flags_for(session, visit, instrument)
        if visit.unit_ids:  # the units the visit is planned for; without any, every unit with something to carry
            flags = {s: f for s, f in flags.items() if s is None or str(s) in visit.unit_ids}
    full = shows_dagplejer_results(principal.role)
    scopes, shown_flags = [], []
    for scope in sorted(flags, key=lambda s: (s is not None, str(s))):
        unit_kind = UnitKind(unit_kinds[scope]) if scope is not None and scope in unit_kinds else None
        if scope is not None and (unit_kind is None or not flags[scope]):
            continue
        if unit_kind is UnitKind.CHILDMINDER and not full:
            continue
        dagpleje = ProviderKind(kind).is_childminding or unit_kind is UnitKind.CHILDMINDER
        with_percent = full or not dagpleje
        parts = [_part_read(f, done.get(scope, {}).get((f.part.level, f.part.key)), with_percent) for f in flags[scope]]
        scopes.append(CarriedScopeRead(unit_id=scope, unit_kind=unit_kind, parts=parts))
        shown_flags += flags[scope]
    items = [(i.key, t.key, a.key) for a in instrument.areas for t in a.themes for i in t.items] if instrument else []
    order = [
        ObservationItemRead(key=k, theme_key=t, area_key=a, carried_forward=c, lowest_before=low)
        for k, t, a, c, low in observation_order(items, shown_flags)
    ]
    return CarriedForward(
        visit_id=visit.id,
        provider_id=visit.provider_id,
        status=VisitStatus(visit.status),
        recorded=visit.status == VisitStatus.COMPLETED,
        scopes=scopes,
        observation_order=order,
    )
