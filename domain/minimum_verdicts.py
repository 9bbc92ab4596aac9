"""What a check of the legal minimums says: statuses, evidence, exemption periods, and how acts are collected.

`domain.compliance` holds the rules; this module holds the values they produce and the collector that sorts each
act under the law in force on its day (`domain.law.law_in_force`), or, inside an exemption period that covers the
minimum, under the municipality's policy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from domain.cycle import ProviderCycle
from domain.errors import invalid
from domain.law import LawVersion, Minimum, law_in_force


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
    """The data a visit drew on (the data duty of the supervision provisions). Values are stable slugs; `other` is for a
    municipality's own."""

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


def reference_day(cycle: ProviderCycle) -> date:
    """The day whose law governs the cycle's own duties: its last day, or `as_of` when that is earlier."""
    return min(cycle.cycle_end, cycle.as_of)


# --- collecting what the rules find --------------------------------------------------------------------------


@dataclass
class Acts:
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
class Findings:
    """The acts of one minimum, each under the law of its day: judged by the law, or lifted by an exemption."""

    minimum: Minimum
    cycle: ProviderCycle
    exemptions: tuple[Exemption, ...]
    judged: Acts = field(default_factory=Acts)
    exempt: Acts = field(default_factory=Acts)  # acts the law did not require: the policy's rules only
    laws: dict[str, LawVersion] = field(default_factory=dict)
    lifted_by: dict[str, Exemption] = field(default_factory=dict)

    def at(self, day: date) -> Acts:
        """Where an act on `day` goes: under the law in force that day, or, inside an exemption, the policy only."""
        law = law_in_force(day)
        self.laws.setdefault(law.key, law)
        exemption = next((e for e in self.exemptions if e.covers(self.minimum, day)), None)
        acts = self.judged if exemption is None else self.exempt
        if exemption is not None:
            self.lifted_by.setdefault(exemption.id, exemption)
        acts.count += 1
        return acts

    def at_cycle(self) -> Acts:
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
        both = Acts(
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
