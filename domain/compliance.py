"""The legal minimums of pedagogical supervision, checked per provider and cycle, act by act under the law in force.

This is the control of the supervision practice itself (dagtilbudsloven §§5-5b, listed as nine requirements in
Kolding's framework): did the municipality supervise as the law demands? The facts of a cycle (`ProviderCycle`,
defined in `domain.cycle` and re-exported here) go in; one verdict per minimum comes out. What is due when is
`domain.due`; which law says what, on which day, is `domain.law`.

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
from domain.errors import invalid
from domain.escalation import intensified_start_due
from domain.law import DataRequirement, Duty, LawVersion, Minimum, law_in_force
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
]

Visits = tuple[VisitFact, ...]
Episodes = tuple[ConcernEpisode, ...]


class MinimumStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    PENDING = "pending"  # not done yet, and its deadline has not passed
    NOT_APPLICABLE = "not_applicable"  # e.g. an action plan when no serious concern was raised
    NOT_REQUIRED_BY_LAW = "not_required_by_law"  # every act fell inside an exemption that covers the minimum

    @property
    def label_da(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    MinimumStatus.MET: "opfyldt",
    MinimumStatus.NOT_MET: "ikke opfyldt",
    MinimumStatus.PENDING: "afventer",
    MinimumStatus.NOT_APPLICABLE: "ikke relevant",
    MinimumStatus.NOT_REQUIRED_BY_LAW: "ikke lovkrav i perioden",
}


class DataSource(StrEnum):
    """The data a visit drew on (§5a stk. 4). Values are stable slugs; `other` is for a municipality's own."""

    SYSTEMATIC_OBSERVATION = "systematic_observation"  # KIDS, ECERS-3 and the like
    EARLIER_REPORT = "earlier_report"  # written documentation from earlier visits
    EARLIER_DIALOGUE = "earlier_dialogue"  # knowledge from earlier dialogue with leader and staff
    EARLIER_INTENSIFIED_OR_ACTION_PLAN = "earlier_intensified_or_action_plan"
    KEY_FIGURES = "key_figures"  # nøgletal: sick leave, staff education, notifications ...
    SURVEY = "survey"  # e.g. Læringsledelse, a wellbeing survey
    LANGUAGE_ASSESSMENT = "language_assessment"  # sprogvurdering
    OTHER = "other"

    @property
    def label_da(self) -> str:
        return _SOURCE_LABELS[self]


_SOURCE_LABELS = {
    DataSource.SYSTEMATIC_OBSERVATION: "systematisk observation",
    DataSource.EARLIER_REPORT: "tidligere tilsynsrapporter",
    DataSource.EARLIER_DIALOGUE: "viden fra tidligere dialog",
    DataSource.EARLIER_INTENSIFIED_OR_ACTION_PLAN: "tidligere skærpet tilsyn og handleplaner",
    DataSource.KEY_FIGURES: "nøgletal",
    DataSource.SURVEY: "spørgeskemaundersøgelse",
    DataSource.LANGUAGE_ASSESSMENT: "sprogvurdering",
    DataSource.OTHER: "andre data",
}


class EvidenceKind(StrEnum):
    """What a piece of evidence is."""

    VISIT = "visit"
    FOLLOW_UP_DIALOGUE = "follow_up_dialogue"  # its id is the visit's
    REPORT = "report"
    INTENSIFIED_SUPERVISION = "intensified_supervision"
    ACTION_PLAN = "action_plan"


@dataclass(frozen=True)
class Evidence:
    """One thing that satisfied (part of) a minimum: what it is, its id, its day, and a short note."""

    kind: EvidenceKind
    id: str
    on: date | None
    note: str = ""


@dataclass(frozen=True)
class Exemption:
    """A period in which a municipality may deviate from the law's minimums (e.g. a welfare agreement).

    `first_day` and `last_day` are both inside the period. It covers the listed minimums, by default all.
    """

    id: str
    legal_basis: str
    first_day: date
    last_day: date
    minimums: frozenset[Minimum] = frozenset(Minimum)

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise invalid("last_day", "An exemption's last day cannot come before its first day.")
        if not self.minimums:
            raise invalid("minimums", "An exemption covers at least one minimum.")

    def covers(self, minimum: Minimum, day: date) -> bool:
        return minimum in self.minimums and self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class MinimumVerdict:
    minimum: Minimum
    status: MinimumStatus
    reason: str  # a sentence a municipal user understands
    evidence: tuple[Evidence, ...] = ()  # what satisfied it, so far
    label_da: str = ""  # the minimum as the law in force at the cycle's end words it
    legal_reference: str = ""  # the paragraphs of every version applied, e.g. "dagtilbudsloven §5a, stk. 1"
    law_versions: tuple[str, ...] = ()  # the keys of the versions applied (domain.law.LawVersion.key), oldest first
    policy_status: MinimumStatus | None = None  # under the policy alone, when an exemption lifted the law's demand
    exemption_ids: tuple[str, ...] = ()  # the exemptions that lifted it for some or all acts


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


def check_minimums(
    cycle: ProviderCycle, policy: SupervisionPolicy, exemptions: tuple[Exemption, ...] = ()
) -> tuple[MinimumVerdict, ...]:
    """One verdict per minimum for `cycle` under `policy` and the law of each act's day, in the order of `Minimum`."""
    policy = policy.validated()
    visits, episodes = _held_visits(cycle), _episodes(cycle)

    def findings(minimum: Minimum) -> _Findings:
        return _Findings(minimum, cycle, tuple(exemptions))

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


def reference_day(cycle: ProviderCycle) -> date:
    """The day whose law governs the cycle's own duties: its last day, or `as_of` when that is earlier."""
    return min(cycle.cycle_end, cycle.as_of)


# --- collecting what the rules find --------------------------------------------------------------------------


@dataclass
class _Acts:
    """What one rule found among some acts: breaches, things still in time, and the evidence that satisfied it."""

    count: int = 0
    failed: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    def by_deadline(self, what: str, done: Evidence, due: date, as_of: date) -> None:
        """`what` (`done` when it was done, `done.on` None if not) done in time, late, missing, or still in time."""
        if done.on is not None and done.on <= due:
            self.evidence.append(done)
        elif done.on is not None:
            self.failed.append(f"{what} came on {done.on.isoformat()}, after the deadline {due.isoformat()}.")
        elif as_of > due:
            self.failed.append(f"{what} is missing; the deadline was {due.isoformat()}.")
        else:
            self.waiting.append(f"{what} is due by {due.isoformat()}.")

    def by_cycle_end(self, cycle: ProviderCycle, gap: str) -> None:
        if cycle.as_of <= cycle.cycle_end:
            self.waiting.append(f"{gap} There is time until {cycle.cycle_end.isoformat()}.")
        else:
            self.failed.append(f"{gap} The cycle ended on {cycle.cycle_end.isoformat()}.")

    def status(self) -> MinimumStatus:
        if self.failed:
            return MinimumStatus.NOT_MET
        return MinimumStatus.PENDING if self.waiting else MinimumStatus.MET

    def reason(self, met_reason: str) -> str:
        status = self.status()
        if status is MinimumStatus.NOT_MET:
            return " ".join(self.failed + self.waiting)
        return " ".join(self.waiting) if status is MinimumStatus.PENDING else met_reason


@dataclass
class _Findings:
    """The acts of one minimum, each under the law of its day: judged by the law, or lifted by an exemption."""

    minimum: Minimum
    cycle: ProviderCycle
    exemptions: tuple[Exemption, ...]
    judged: _Acts = field(default_factory=_Acts)
    exempt: _Acts = field(default_factory=_Acts)  # acts the law did not require: the policy's rules only
    laws: dict[str, LawVersion] = field(default_factory=dict)
    lifted_by: dict[str, Exemption] = field(default_factory=dict)

    def at(self, day: date) -> _Acts:
        """Where an act on `day` goes: under the law in force that day, or, inside an exemption, the policy only."""
        law = law_in_force(day)
        self.laws.setdefault(law.key, law)
        exemption = next((e for e in self.exemptions if e.covers(self.minimum, day)), None)
        acts = self.judged if exemption is None else self.exempt
        if exemption is not None:
            self.lifted_by.setdefault(exemption.id, exemption)
        acts.count += 1
        return acts

    def at_cycle(self) -> _Acts:
        """Where the cycle's own duty goes: under the law at the cycle's end (or as_of, if earlier)."""
        return self.at(reference_day(self.cycle))

    def law(self, day: date) -> LawVersion:
        return law_in_force(day)

    def verdict(self, met_reason: str, status: MinimumStatus | None = None) -> MinimumVerdict:
        """The verdict: `status` when given (not applicable), else from the judged acts and any exempt ones."""
        if not self.laws:  # no act at all: cite the law at the cycle's end
            law = law_in_force(reference_day(self.cycle))
            self.laws[law.key] = law
        laws = sorted(self.laws.values(), key=lambda v: v.effective_from)
        citations = list(dict.fromkeys(v.cite_minimum(self.minimum) for v in laws))
        if len(citations) > 1:
            citations = [f"{v.cite_minimum(self.minimum)} ({v.key})" for v in laws]
        common = {
            "label_da": law_in_force(reference_day(self.cycle)).minimums[self.minimum].label_da,
            "legal_reference": "; ".join(citations),
            "law_versions": tuple(v.key for v in laws),
            "exemption_ids": tuple(self.lifted_by),
        }
        evidence = tuple(self.judged.evidence + self.exempt.evidence)
        if status is not None:
            return MinimumVerdict(self.minimum, status, met_reason, evidence, **common)
        if not self.lifted_by:
            return MinimumVerdict(
                self.minimum, self.judged.status(), self.judged.reason(met_reason), evidence, **common
            )
        both = _Acts(
            failed=self.judged.failed + self.exempt.failed,
            waiting=self.judged.waiting + self.exempt.waiting,
        )
        lifted = "; ".join(
            f"{e.legal_basis} ({e.first_day.isoformat()} to {e.last_day.isoformat()})" for e in self.lifted_by.values()
        )
        policy = f"Under the municipality's policy: {both.status().label_da}. {both.reason(met_reason)}"
        if self.judged.count == 0:
            reason = f"Not required by law in the period of the exemption {lifted}. {policy}"
            return MinimumVerdict(
                self.minimum, MinimumStatus.NOT_REQUIRED_BY_LAW, reason, evidence, policy_status=both.status(), **common
            )
        reason = f"{self.judged.reason(met_reason)} Acts inside the exemption {lifted} are not judged by law. {policy}"
        return MinimumVerdict(
            self.minimum, self.judged.status(), reason, evidence, policy_status=both.status(), **common
        )


# --- the rules -----------------------------------------------------------------------------------------------


def _visit(v: VisitFact, note: str = "") -> Evidence:
    return Evidence(EvidenceKind.VISIT, v.id, v.held_on, note)


def _every_visit(found: _Findings, visits: Visits, flag: str, what: str) -> MinimumVerdict:
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


def _visit_kinds(found: _Findings, policy: SupervisionPolicy, visits: Visits) -> MinimumVerdict:
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


def _data_and_observation(found: _Findings, visits: Visits) -> MinimumVerdict:
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


def _follow_up(found: _Findings, policy: SupervisionPolicy, visits: Visits) -> MinimumVerdict:
    days = policy.deadlines.follow_up_dialogue_days
    for v in visits:
        what = f"The follow-up dialogue after visit {v.id}"
        done = Evidence(EvidenceKind.FOLLOW_UP_DIALOGUE, v.id, v.follow_up_dialogue_on)
        found.at(v.held_on).by_deadline(what, done, _after(v.held_on, days), found.cycle.as_of)
    if not visits:
        found.at_cycle().by_cycle_end(found.cycle, "No visit has been held in the cycle, so no follow-up dialogue.")
    return found.verdict(f"Every visit was followed by a dialogue with the leader within {days} days.")


def _documentation(found: _Findings, policy: SupervisionPolicy, visits: Visits) -> MinimumVerdict:
    # Two duties: each visit's report is published within the policy's deadline (§5b stk. 2), judged under the law
    # of the visit's day, and every scope the law names has a report published in the cycle (the report duty of §5),
    # judged under the law at the cycle's end. A report of a visit late in the cycle may come out after the cycle's
    # end, so a scope stays in time until its latest visit's deadline too. The dagpleje's visits to single
    # dagplejere feed its one combined report, so there no visit has a publication deadline of its own.
    cycle, days = found.cycle, policy.deadlines.report_published_days
    if report_ground(cycle.kind, policy) is ReportGround.NONE:
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


def _intensified(found: _Findings, episodes: Episodes) -> MinimumVerdict:
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


def _action_plan(found: _Findings, policy: SupervisionPolicy, episodes: Episodes) -> MinimumVerdict:
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
