"""The legal minimums of pedagogical supervision, checked per provider and cycle, act by act under the law in force.

This is the control of the supervision practice itself (dagtilbudsloven §§5-5b, listed as nine requirements in
Kolding's framework): did the municipality supervise as the law demands? The facts of a cycle (`ProviderCycle`,
defined in `domain.cycle` and re-exported here) go in; one verdict per minimum comes out. What is due when is
`domain.due`; which law says what, on which day, is `domain.law`; the values a check gives (statuses, evidence,
exemptions) and the collector of acts are `domain.minimum_verdicts`.

Each act is judged under the law in force on its own day (`law_in_force`), so a cycle that spans 1 January 2025 is
judged in two parts: a visit under the law of the day it was held, a concern under the law of the day it was raised,
and the cycle's own duties (its visits, its published reports) under the law of its last day, or of `as_of` when that
is earlier. A verdict cites the paragraphs of every version it applied.

An exemption (e.g. a welfare agreement, velfærdsaftale) lifts the law's demand for the minimums it covers in its
period: an act inside it is reported under the municipality's policy only, and a minimum whose every act fell inside
it is NOT_REQUIRED_BY_LAW, with what the policy's own rules say beside it (`policy_status`).

A verdict is PENDING while the thing is not done but its deadline (the cycle's end, or a policy deadline after a
visit or a concern) has not passed; the deadline day itself is still in time. A date after `as_of` is a plan,
not a fact, and is left out.
"""

from __future__ import annotations

from datetime import date

from domain.cycle import (
    ConcernEpisode,
    ProviderCycle,
    ReportGround,
    VisitFact,
    VisitKind,
    due_after,
    report_ground,
    required_report_scopes,
)
from domain.cycle import concern_episodes as _episodes
from domain.cycle import counted_visits as _counted_visits
from domain.cycle import held_visits as _held_visits
from domain.cycle import publications as _publications
from domain.escalation import intensified_start_due
from domain.law import DataRequirement, Duty, LawVersion, Minimum, law_in_force
from domain.minimum_verdicts import (
    DataSource,
    Evidence,
    EvidenceKind,
    Exemption,
    Findings,
    MinimumStatus,
    MinimumVerdict,
    is_compliant,
    reference_day,
)
from domain.policy import ConcernLevel, SupervisionPolicy
from domain.providers import ProviderKind

__all__ = [
    "ConcernEpisode",
    "DataSource",
    "Evidence",
    "EvidenceKind",
    "Exemption",
    "Minimum",
    "MinimumStatus",
    "MinimumVerdict",
    "ProviderCycle",
    "VisitFact",
    "VisitKind",
    "check_minimums",
    "is_compliant",
    "reference_day",
]

Visits = tuple[VisitFact, ...]
Episodes = tuple[ConcernEpisode, ...]


# The minimums every visit must show, with the flag that records it and what it records.
_PER_VISIT = {
    Minimum.CURRICULUM_FOUNDATION: ("based_on_curriculum", "based on the pedagogical foundation of the læreplan"),
    Minimum.IMPARTIALITY: ("supervisor_impartial", "led by an impartial supervisor"),
    Minimum.DIALOGUE_WITH_LEADERSHIP_AND_STAFF: (
        "dialogue_with_leadership_and_staff",
        "held in dialogue with the leadership and staff",
    ),
}


def check_minimums(
    cycle: ProviderCycle, policy: SupervisionPolicy, exemptions: tuple[Exemption, ...] = ()
) -> tuple[MinimumVerdict, ...]:
    """One verdict per minimum for `cycle` under `policy` and the law of each act's day, in the order of `Minimum`."""
    policy = policy.validated()
    visits, episodes = _held_visits(cycle), _episodes(cycle)

    def findings(minimum: Minimum) -> Findings:
        return Findings(minimum, cycle, tuple(exemptions))

    verdicts = {m: _every_visit(findings(m), visits, *rule) for m, rule in _PER_VISIT.items()}
    verdicts[Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS] = _visit_kinds(
        findings(Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS), policy, visits
    )
    verdicts[Minimum.DATA_AND_SYSTEMATIC_OBSERVATION] = _data_and_observation(
        findings(Minimum.DATA_AND_SYSTEMATIC_OBSERVATION), visits
    )
    verdicts[Minimum.FOLLOW_UP_DIALOGUE] = _follow_up(findings(Minimum.FOLLOW_UP_DIALOGUE), policy, visits)
    verdicts[Minimum.WRITTEN_PUBLISHED_DOCUMENTATION] = _documentation(
        findings(Minimum.WRITTEN_PUBLISHED_DOCUMENTATION), policy, visits
    )
    verdicts[Minimum.INTENSIFIED_ON_CONCERN] = _intensified(findings(Minimum.INTENSIFIED_ON_CONCERN), episodes)
    verdicts[Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN] = _action_plan(
        findings(Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN), policy, episodes
    )
    return tuple(verdicts[m] for m in Minimum)


# --- the rules -----------------------------------------------------------------------------------------------


def _visit(v: VisitFact, note: str = "") -> Evidence:
    return Evidence(EvidenceKind.VISIT, v.id, v.held_on, note)


def _every_visit(found: Findings, visits: Visits, flag: str, what: str) -> MinimumVerdict:
    for v in visits:
        acts = found.at(v.held_on)
        if getattr(v, flag):
            acts.evidence.append(_visit(v))
        else:
            acts.failed.append(f"Visit {v.id} ({v.held_on}) is not recorded as {what}.")
    if not visits:
        # How visits are held cannot be shown without a visit; until the cycle ends there is time.
        found.at_cycle().by_cycle_end(found.cycle, "No visit has been held in the cycle.")
    return found.verdict(f"Every visit in the cycle ({len(visits)}) was {what}.")


def _visit_kinds(found: Findings, policy: SupervisionPolicy, visits: Visits) -> MinimumVerdict:
    # "Over time" is the cycle's duty; how many of each kind is the policy's number.
    announced, unannounced = _counted_visits(visits)
    want_a, want_u = policy.announced_visits_per_cycle, policy.unannounced_visits_per_cycle
    acts = found.at_cycle()
    acts.evidence += [_visit(v, VisitKind(v.kind).label_da) for v in announced + unannounced]
    short = [f"{len(announced)} of {want_a} announced visit(s) with systematic observation"] * (len(announced) < want_a)
    short += [f"{len(unannounced)} of {want_u} unannounced visit(s)"] * (len(unannounced) < want_u)
    if short:
        unseen = [v.id for v in visits if v.kind == VisitKind.ANNOUNCED and not v.systematic_observation]
        note = f" Announced without systematic observation, so not counted: {', '.join(unseen)}." if unseen else ""
        acts.by_cycle_end(found.cycle, f"The cycle has {' and '.join(short)}.{note}")
    met = f"The cycle has {len(announced)} announced visit(s) with systematic observation"
    met += f" and {len(unannounced)} unannounced, as the policy asks ({want_a} and {want_u})."
    return found.verdict(met)


# The earlier things the 2022 data duty names, the fact that lists them, and the source that shows them used.
_EARLIER = (
    ("earlier_reports", DataSource.EARLIER_REPORT, "earlier report(s)"),
    ("earlier_dialogues", DataSource.EARLIER_DIALOGUE, "earlier dialogue(s)"),
    ("earlier_escalations", DataSource.EARLIER_INTENSIFIED_OR_ACTION_PLAN, "earlier intensified supervision"),
)


def _data_gaps(v: VisitFact, law: LawVersion) -> list[str]:
    """What the data duty in force on the visit's day asked of it and the visit does not show."""
    if not v.data_sources:
        return ["drew on no recorded data"]
    if law.data_requirement is DataRequirement.RELEVANT:
        return []  # 2025: "relevante data"; any recorded data counts
    gaps = []
    for fact, source, what in _EARLIER:
        if fact == "earlier_escalations" and not law.earlier_escalation_is_data:
            continue
        if getattr(v, fact) and source.value not in v.data_sources:
            gaps.append(f"does not show the provider's {what} ({', '.join(getattr(v, fact))}) among its data")
    return gaps


def _data_and_observation(found: Findings, visits: Visits) -> MinimumVerdict:
    # Under the 2022 law a visit draws on written documentation from earlier visits, knowledge from earlier
    # dialogue and any earlier intensified supervision or action plan; from 2025 on, on relevant data.
    for v in visits:
        acts, law = found.at(v.held_on), found.law(v.held_on)
        if gaps := _data_gaps(v, law):
            duty = f"{law.cite(Duty.DATA)} in force then ({law.key})"
            acts.failed.append(f"Visit {v.id} ({v.held_on}) {' and '.join(gaps)}, as {duty} asks.")
        else:
            acts.evidence.append(_visit(v, "data: " + ", ".join(v.data_sources)))
    observed = [v for v in visits if v.systematic_observation]
    acts = found.at_cycle()
    acts.evidence += [_visit(v, DataSource.SYSTEMATIC_OBSERVATION.value) for v in observed]
    if not observed:
        acts.by_cycle_end(found.cycle, "No visit in the cycle has used systematic observation.")
    met = "Every visit drew on the data the law in force on its day asks for, and the cycle has systematic"
    met += f" observation ({', '.join(v.id for v in observed)})."
    return found.verdict(met)


def _follow_up(found: Findings, policy: SupervisionPolicy, visits: Visits) -> MinimumVerdict:
    days = policy.deadlines.follow_up_dialogue_days
    for v in visits:
        what = f"The follow-up dialogue after visit {v.id}"
        done = Evidence(EvidenceKind.FOLLOW_UP_DIALOGUE, v.id, v.follow_up_dialogue_on)
        found.at(v.held_on).by_deadline(what, done, _after(v.held_on, days), found.cycle.as_of)
    if not visits:
        found.at_cycle().by_cycle_end(found.cycle, "No visit has been held in the cycle, so no follow-up dialogue.")
    return found.verdict(f"Every visit was followed by a dialogue with the leader within {days} days.")


def _documentation(found: Findings, policy: SupervisionPolicy, visits: Visits) -> MinimumVerdict:
    # Two duties: each visit's report is published within the policy's deadline (§5b stk. 2), judged under the law
    # of the visit's day, and every scope the law names has a report published in the cycle (the report duty of §5),
    # judged under the law at the cycle's end. A report of a visit late in the cycle may come out after the cycle's
    # end, so a scope stays in time until its latest visit's deadline too. The dagpleje's visits to single
    # dagplejere feed its one combined report, so there no visit has a publication deadline of its own.
    cycle, days = found.cycle, policy.deadlines.report_published_days
    if report_ground(cycle.kind, policy, reference_day(cycle)) is ReportGround.NONE:
        law = law_in_force(reference_day(cycle))
        kind = ProviderKind(cycle.kind).label_da
        reason = f"Neither {law.cite(Duty.REPORT)} nor the policy asks a {kind} to publish a report."
        return found.verdict(reason, MinimumStatus.NOT_APPLICABLE)
    per_visit = () if ProviderKind(cycle.kind).is_childminding else visits
    for v in per_visit:
        what = f"The published report of visit {v.id}"
        done = Evidence(EvidenceKind.REPORT, ", ".join(v.report_ids) or v.id, v.report_published_on, v.report_scope)
        found.at(v.held_on).by_deadline(what, done, _after(v.held_on, days), cycle.as_of)
    published = _publications(cycle, visits, this_cycle=True)
    scopes = required_report_scopes(cycle.kind, cycle.unit_ids)
    acts = found.at_cycle()
    for scope in scopes:
        if scope in published:
            ids = [
                i
                for v in visits
                if v.report_scope == scope and v.report_published_on == published[scope]
                for i in v.report_ids
            ]
            acts.evidence.append(Evidence(EvidenceKind.REPORT, ", ".join(ids) or scope, published[scope], scope))
            continue
        until = max([cycle.cycle_end] + [_after(v.held_on, days) for v in visits if v.report_scope == scope])
        if cycle.as_of <= until:
            acts.waiting.append(f"No report for `{scope}` is published yet; it is due by {until.isoformat()}.")
        else:
            acts.failed.append(f"No report for `{scope}` was published in the cycle.")
    met = f"A report is published in the cycle for every required scope ({', '.join(scopes)})."
    met += f" Each visit's report was published within {days} days." if per_visit else ""
    return found.verdict(met)


def _intensified(found: Findings, episodes: Episodes) -> MinimumVerdict:
    if not episodes:
        return found.verdict("No concern was raised in the cycle.", MinimumStatus.NOT_APPLICABLE)
    for e in episodes:
        # At once on concern and on serious concern ("i umiddelbar forlængelse"), by the rule escalation uses.
        serious = e.concern == ConcernLevel.SERIOUS
        what = f"Intensified supervision after the {'serious ' * serious}concern raised on {e.raised_on.isoformat()}"
        done = Evidence(
            EvidenceKind.INTENSIFIED_SUPERVISION, e.intensified_id or str(e.raised_on), e.intensified_started_on
        )
        found.at(e.raised_on).by_deadline(what, done, intensified_start_due(e.raised_on), found.cycle.as_of)
    return found.verdict("Intensified supervision was started in time on each concern.")


def _action_plan(found: Findings, policy: SupervisionPolicy, episodes: Episodes) -> MinimumVerdict:
    serious = [e for e in episodes if e.concern == ConcernLevel.SERIOUS]
    if not serious:
        return found.verdict("No serious concern was raised in the cycle.", MinimumStatus.NOT_APPLICABLE)
    for e in serious:
        acts = found.at(e.raised_on)
        what = f"The action plan after the serious concern raised on {e.raised_on.isoformat()}"
        if e.action_plan_approved_on is not None and not e.action_plan_with_leader:
            acts.failed.append(f"{what} was approved without being written in dialogue with the leader.")
        else:
            done = Evidence(EvidenceKind.ACTION_PLAN, e.action_plan_id or str(e.raised_on), e.action_plan_approved_on)
            acts.by_deadline(what, done, _after(e.raised_on, policy.deadlines.action_plan_days), found.cycle.as_of)
    return found.verdict("Every serious concern has an action plan, made with the leader in time.")


def _after(day: date, days: int) -> date:
    return due_after(day, days=days)
