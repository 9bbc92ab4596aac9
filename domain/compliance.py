"""The nine legal minimums of pedagogical supervision, checked per provider and cycle.

This is the control of the supervision practice itself (dagtilbudsloven §§5-5b, listed as nine requirements in
Kolding's framework): did the municipality supervise as the law demands? The facts of a cycle (`ProviderCycle`,
defined in `domain.cycle` and re-exported here) go in; nine verdicts come out. What is due when is `domain.due`.

A verdict is PENDING while the thing is not done but its deadline (the cycle's end, or a policy deadline after a
visit or a concern) has not passed; the deadline day itself is still in time. A date after `as_of` is a plan,
not a fact, and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

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
from domain.policy import ConcernLevel, SupervisionPolicy
from domain.providers import ProviderKind

Visits = tuple[VisitFact, ...]
Episodes = tuple[ConcernEpisode, ...]


class MinimumStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    PENDING = "pending"  # not done yet, and its deadline has not passed
    NOT_APPLICABLE = "not_applicable"  # e.g. an action plan when no serious concern was raised

    @property
    def label_da(self) -> str:
        return {"met": "opfyldt", "not_met": "ikke opfyldt", "pending": "afventer", "not_applicable": "ikke relevant"}[
            self.value
        ]


class Minimum(StrEnum):
    """The nine minimums, in the law's order. Values are stable slugs; never rename one."""

    CURRICULUM_FOUNDATION = "curriculum_foundation"
    ANNOUNCED_AND_UNANNOUNCED_VISITS = "announced_and_unannounced_visits"
    IMPARTIALITY = "impartiality"
    DATA_AND_SYSTEMATIC_OBSERVATION = "data_and_systematic_observation"
    DIALOGUE_WITH_LEADERSHIP_AND_STAFF = "dialogue_with_leadership_and_staff"
    FOLLOW_UP_DIALOGUE = "follow_up_dialogue"
    WRITTEN_PUBLISHED_DOCUMENTATION = "written_published_documentation"
    INTENSIFIED_ON_CONCERN = "intensified_on_concern"
    ACTION_PLAN_ON_SERIOUS_CONCERN = "action_plan_on_serious_concern"

    @property
    def label_da(self) -> str:
        return _MINIMUMS[self][0]

    @property
    def legal_reference(self) -> str:
        return "dagtilbudsloven " + _MINIMUMS[self][1]


_MINIMUMS = {
    Minimum.CURRICULUM_FOUNDATION: (
        "Udgangspunkt i det pædagogiske grundlag i den styrkede pædagogiske læreplan",
        "§5a, stk. 1",
    ),
    Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS: ("Anmeldte og uanmeldte tilsyn over tid", "§5a, stk. 2"),
    Minimum.IMPARTIALITY: ("Uvildighed i tilsynet", "§5a, stk. 3"),
    Minimum.DATA_AND_SYSTEMATIC_OBSERVATION: (
        "Kvalitative og kvantitative data, herunder systematiske observationer",
        "§5a, stk. 4-5",
    ),
    Minimum.DIALOGUE_WITH_LEADERSHIP_AND_STAFF: ("Dialog med ledelse og medarbejdere", "§5a, stk. 6"),
    Minimum.FOLLOW_UP_DIALOGUE: ("Opfølgende dialog efter tilsynsbesøget", "§5b, stk. 1"),
    Minimum.WRITTEN_PUBLISHED_DOCUMENTATION: (
        "Skriftlig dokumentation, som offentliggøres",
        "§5, stk. 3, og §5b, stk. 2",
    ),
    Minimum.INTENSIFIED_ON_CONCERN: ("Skærpet tilsyn ved bekymring", "§5b, stk. 3-4"),
    Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN: (
        "Handleplan i samarbejde med ledelsen ved alvorlig bekymring",
        "§5b, stk. 4-5",
    ),
}


@dataclass(frozen=True)
class MinimumVerdict:
    minimum: Minimum
    status: MinimumStatus
    reason: str  # a sentence a municipal user understands
    evidence: tuple[str, ...] = ()  # ids and dates of what satisfied it, so far


def is_compliant(verdicts: tuple[MinimumVerdict, ...]) -> bool:
    """True when no minimum is NOT_MET; PENDING is still in time."""
    return all(v.status != MinimumStatus.NOT_MET for v in verdicts)


# The minimums every visit must show, with the flag that records it and what it records.
_PER_VISIT = {
    Minimum.CURRICULUM_FOUNDATION: ("based_on_curriculum", "based on the pedagogical foundation of the læreplan"),
    Minimum.IMPARTIALITY: ("supervisor_impartial", "led by an impartial supervisor"),
    Minimum.DIALOGUE_WITH_LEADERSHIP_AND_STAFF: (
        "dialogue_with_leadership_and_staff",
        "held in dialogue with the leadership and staff",
    ),
}


def check_minimums(cycle: ProviderCycle, policy: SupervisionPolicy) -> tuple[MinimumVerdict, ...]:
    """The nine verdicts for `cycle` under `policy`, in the order of `Minimum`."""
    policy = policy.validated()
    visits, episodes = _held_visits(cycle), _episodes(cycle)
    verdicts = {m: _every_visit(m, cycle, visits, *rule) for m, rule in _PER_VISIT.items()}
    verdicts[Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS] = _visit_kinds(cycle, policy, visits)
    verdicts[Minimum.DATA_AND_SYSTEMATIC_OBSERVATION] = _data_and_observation(cycle, visits)
    verdicts[Minimum.FOLLOW_UP_DIALOGUE] = _follow_up(cycle, policy, visits)
    verdicts[Minimum.WRITTEN_PUBLISHED_DOCUMENTATION] = _documentation(cycle, policy, visits)
    verdicts[Minimum.INTENSIFIED_ON_CONCERN] = _intensified(cycle, policy, episodes)
    verdicts[Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN] = _action_plan(cycle, policy, episodes)
    return tuple(verdicts[m] for m in Minimum)


# --- the rules -----------------------------------------------------------------------------------------------


@dataclass
class _Findings:
    """What one rule found: breaches, things still in time, and the evidence that satisfied it."""

    failed: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    def by_deadline(self, ref: str, what: str, done_on: date | None, due: date, as_of: date) -> None:
        """`what` (its evidence named `ref`) done in time, late, missing past its deadline, or still in time."""
        if done_on is not None and done_on <= due:
            self.evidence.append(f"{ref}: {done_on.isoformat()}")
        elif done_on is not None:
            self.failed.append(f"{what} came on {done_on.isoformat()}, after the deadline {due.isoformat()}.")
        elif as_of > due:
            self.failed.append(f"{what} is missing; the deadline was {due.isoformat()}.")
        else:
            self.waiting.append(f"{what} is due by {due.isoformat()}.")

    def by_cycle_end(self, cycle: ProviderCycle, gap: str) -> None:
        if cycle.as_of <= cycle.cycle_end:
            self.waiting.append(f"{gap} There is time until {cycle.cycle_end.isoformat()}.")
        else:
            self.failed.append(f"{gap} The cycle ended on {cycle.cycle_end.isoformat()}.")

    def verdict(self, minimum: Minimum, met_reason: str) -> MinimumVerdict:
        if self.failed:
            status, reason = MinimumStatus.NOT_MET, " ".join(self.failed + self.waiting)
        elif self.waiting:
            status, reason = MinimumStatus.PENDING, " ".join(self.waiting)
        else:
            status, reason = MinimumStatus.MET, met_reason
        return MinimumVerdict(minimum, status, reason, tuple(self.evidence))


def _every_visit(minimum: Minimum, cycle: ProviderCycle, visits: Visits, flag: str, what: str) -> MinimumVerdict:
    found = _Findings(evidence=[v.id for v in visits if getattr(v, flag)])
    found.failed += [f"Visit {v.id} ({v.held_on}) is not recorded as {what}." for v in visits if not getattr(v, flag)]
    if not visits:
        # How visits are held cannot be shown without a visit; until the cycle ends there is time.
        found.by_cycle_end(cycle, "No visit has been held in the cycle.")
    return found.verdict(minimum, f"Every visit in the cycle ({len(visits)}) was {what}.")


def _visit_kinds(cycle: ProviderCycle, policy: SupervisionPolicy, visits: Visits) -> MinimumVerdict:
    announced, unannounced = _counted_visits(visits)
    want_a, want_u = policy.announced_visits_per_cycle, policy.unannounced_visits_per_cycle
    found = _Findings(evidence=[v.id for v in announced + unannounced])
    short = [f"{len(announced)} of {want_a} announced visit(s) with systematic observation"] * (len(announced) < want_a)
    short += [f"{len(unannounced)} of {want_u} unannounced visit(s)"] * (len(unannounced) < want_u)
    if short:
        unseen = [v.id for v in visits if v.kind == VisitKind.ANNOUNCED and not v.systematic_observation]
        note = f" Announced without systematic observation, so not counted: {', '.join(unseen)}." if unseen else ""
        found.by_cycle_end(cycle, f"The cycle has {' and '.join(short)}.{note}")
    met = f"The cycle has {len(announced)} announced visit(s) with systematic observation"
    met += f" and {len(unannounced)} unannounced, as the policy asks ({want_a} and {want_u})."
    return found.verdict(Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS, met)


def _data_and_observation(cycle: ProviderCycle, visits: Visits) -> MinimumVerdict:
    # Whether a source is qualitative or quantitative cannot be told from its name (municipalities add local
    # ones), so each visit must show that recorded data fed it, and the cycle must hold a systematic observation.
    found = _Findings(evidence=[f"{v.id}: {', '.join(v.data_sources)}" for v in visits if v.data_sources])
    found.failed += [f"Visit {v.id} ({v.held_on}) drew on no recorded data." for v in visits if not v.data_sources]
    observed = [v.id for v in visits if v.systematic_observation]
    found.evidence += [f"{vid}: systematic observation" for vid in observed]
    if not observed:
        found.by_cycle_end(cycle, "No visit in the cycle has used systematic observation.")
    met = f"Every visit drew on recorded data, and the cycle has systematic observation ({', '.join(observed)})."
    return found.verdict(Minimum.DATA_AND_SYSTEMATIC_OBSERVATION, met)


def _follow_up(cycle: ProviderCycle, policy: SupervisionPolicy, visits: Visits) -> MinimumVerdict:
    days = policy.deadlines.follow_up_dialogue_days
    found = _Findings()
    for v in visits:
        what = f"The follow-up dialogue after visit {v.id}"
        found.by_deadline(v.id, what, v.follow_up_dialogue_on, _after(v.held_on, days), cycle.as_of)
    if not visits:
        found.by_cycle_end(cycle, "No visit has been held in the cycle, so no follow-up dialogue either.")
    met = f"Every visit was followed by a dialogue with the leader within {days} days."
    return found.verdict(Minimum.FOLLOW_UP_DIALOGUE, met)


def _documentation(cycle: ProviderCycle, policy: SupervisionPolicy, visits: Visits) -> MinimumVerdict:
    # Two duties: each visit's report is published within the policy's deadline (§5b stk. 2), and every scope the
    # law names has a report published in the cycle (§5 stk. 3). A report of a visit late in the cycle may come out
    # after the cycle's end, so a scope stays in time until its latest visit's deadline too. The dagpleje's visits
    # to single dagplejere feed its one combined report, so there no visit has a publication deadline of its own.
    days = policy.deadlines.report_published_days
    found = _Findings()
    if report_ground(cycle.kind, policy) is ReportGround.NONE:
        # A private pasningsordning (§81) or specialdagtilbud publishes only if the policy asks (§5 stk. 3 does not).
        reason = f"Neither §5 stk. 3 nor the policy asks a {ProviderKind(cycle.kind).label_da} to publish a report."
        return MinimumVerdict(Minimum.WRITTEN_PUBLISHED_DOCUMENTATION, MinimumStatus.NOT_APPLICABLE, reason)
    per_visit = () if ProviderKind(cycle.kind).is_childminding else visits
    for v in per_visit:
        what = f"The published report of visit {v.id}"
        found.by_deadline(v.id, what, v.report_published_on, _after(v.held_on, days), cycle.as_of)
    published = _publications(cycle, visits, this_cycle=True)
    scopes = required_report_scopes(cycle.kind, cycle.unit_ids)
    for scope in scopes:
        if scope in published:
            found.evidence.append(f"{scope} report: {published[scope].isoformat()}")
            continue
        until = max([cycle.cycle_end] + [_after(v.held_on, days) for v in visits if v.report_scope == scope])
        if cycle.as_of <= until:
            found.waiting.append(f"No report for `{scope}` is published yet; it is due by {until.isoformat()}.")
        else:
            found.failed.append(f"No report for `{scope}` was published in the cycle.")
    met = f"A report is published in the cycle for every required scope ({', '.join(scopes)})."
    met += f" Each visit's report was published within {days} days." if per_visit else ""
    return found.verdict(Minimum.WRITTEN_PUBLISHED_DOCUMENTATION, met)


def _intensified(cycle: ProviderCycle, policy: SupervisionPolicy, episodes: Episodes) -> MinimumVerdict:
    if not episodes:
        reason = "No concern was raised in the cycle."
        return MinimumVerdict(Minimum.INTENSIFIED_ON_CONCERN, MinimumStatus.NOT_APPLICABLE, reason)
    found = _Findings()
    for e in episodes:
        # At once on concern and on serious concern ("i umiddelbar forlængelse"), by the rule escalation uses.
        serious = e.concern == ConcernLevel.SERIOUS
        what = f"Intensified supervision after the {'serious ' * serious}concern raised on {e.raised_on.isoformat()}"
        due = intensified_start_due(e.raised_on)
        found.by_deadline(str(e.raised_on), what, e.intensified_started_on, due, cycle.as_of)
    return found.verdict(Minimum.INTENSIFIED_ON_CONCERN, "Intensified supervision was started in time on each concern.")


def _action_plan(cycle: ProviderCycle, policy: SupervisionPolicy, episodes: Episodes) -> MinimumVerdict:
    serious = [e for e in episodes if e.concern == ConcernLevel.SERIOUS]
    if not serious:
        reason = "No serious concern was raised in the cycle."
        return MinimumVerdict(Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN, MinimumStatus.NOT_APPLICABLE, reason)
    found = _Findings()
    for e in serious:
        what = f"The action plan after the serious concern raised on {e.raised_on.isoformat()}"
        if e.action_plan_approved_on is not None and not e.action_plan_with_leader:
            found.failed.append(f"{what} was approved without being written in dialogue with the leader.")
        else:
            due = _after(e.raised_on, policy.deadlines.action_plan_days)
            found.by_deadline(str(e.raised_on), what, e.action_plan_approved_on, due, cycle.as_of)
    met = "Every serious concern has an action plan, made with the leader in time."
    return found.verdict(Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN, met)


# --- reading the cycle ---------------------------------------------------------------------------------------


def _after(day: date, days: int) -> date:
    return due_after(day, days=days)
