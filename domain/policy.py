"""The municipality's supervision policy (tilsynskoncept) as data, with Kolding Kommune's framework as default.

The framework in a form the service can enforce: the cycle, the visits it requires, the band table that turns an
observation score into a quality band and a concern level, and the deadlines that the law leaves to local policy.
Until 31 December 2024 the law made the council set and publish a framework for the supervision; L 48 (2024-25)
repealed that duty from 1 January 2025, and the policy stays the municipality's own, published voluntarily
(`policy_legal_basis` says which, from domain.law, for the day a version takes effect).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from enum import StrEnum
from itertools import pairwise
from typing import Any

from domain.conversations import KOLDING_CONVERSATION_TYPES, ConversationType, parse_types, type_problems
from domain.errors import DomainError, ErrorCode, Violation
from domain.law import VERSIONS, Duty, LawVersion, kinds_always_under_report_duty, law_in_force
from domain.providers import ProviderKind
from domain.text import unstorable_problem


class ConcernLevel(StrEnum):
    """The control perspective's output (kontrolperspektiv): does the council need to act?"""

    NONE = "none"  # ingen bekymring
    CONCERN = "concern"  # bekymring: intensified supervision (Duty.INTENSIFIED)
    SERIOUS = "serious_concern"  # alvorlig bekymring: intensified supervision and an action plan (Duty.ACTION_PLAN)

    @property
    def rank(self) -> int:
        return _CONCERN_RANK[self]

    @property
    def label_da(self) -> str:
        return _CONCERN_LABEL[self]


_CONCERN_RANK = {ConcernLevel.NONE: 0, ConcernLevel.CONCERN: 1, ConcernLevel.SERIOUS: 2}
_CONCERN_LABEL = {
    ConcernLevel.NONE: "ingen bekymring",
    ConcernLevel.CONCERN: "bekymring",
    ConcernLevel.SERIOUS: "alvorlig bekymring",
}


@dataclass(frozen=True)
class Band:
    """A quality band (udviklingsperspektiv): from `lower_bound` percent up to the next band's lower bound.

    A score exactly on a boundary belongs to the higher band (Kolding's "90-100, 70-90, ..." read that way).
    """

    key: str
    label_da: str
    lower_bound: float
    concern: ConcernLevel


@dataclass(frozen=True)
class Deadlines:
    """Days allowed for each follow-up. The law sets none of these; they are the municipality's policy."""

    follow_up_dialogue_days: int = 30  # opfølgningssamtale after a visit
    leader_comment_days: int = 14  # the leader's window to comment on a draft report
    report_final_days: int = 42  # from the visit to the final report
    report_published_days: int = 56  # from the visit to publication on the provider's website
    action_plan_days: int = 30  # from serious concern to an approved action plan (handleplan)
    parent_board_comment_days: int = 14  # the parent board's window to comment on an action plan
    intensified_first_visit_days: int = 60  # from concern to the first follow-up visit
    intensified_interval_days: int = 90  # between visits while under intensified supervision
    due_soon_days: int = 30  # the warning window: a deadline this close shows as due soon (at most a year)


BAND_KEY_MAX_LENGTH = 40  # a stable English slug, e.g. `good`
BAND_LABEL_MAX_LENGTH = 100  # the Danish name shown in reports and on the public policy page, e.g. `god`

KOLDING_BANDS: tuple[Band, ...] = (
    Band("excellent", "fremragende", 90, ConcernLevel.NONE),
    Band("good", "god", 70, ConcernLevel.NONE),
    Band("adequate", "tilstrækkelig", 50, ConcernLevel.NONE),
    Band("inadequate", "utilstrækkelig", 30, ConcernLevel.CONCERN),
    Band("poor", "ringe", 0, ConcernLevel.SERIOUS),
)


@dataclass(frozen=True)
class SupervisionPolicy:
    """Everything the rules need from the municipality's framework. `KOLDING_DEFAULT` is the shipped value."""

    cycle_months: int = 24  # the report duty (dagtilbudsloven §5): a published report at least every second year
    announced_visits_per_cycle: int = 1  # with systematic observation over a whole day (KIDS)
    unannounced_visits_per_cycle: int = 1
    bands: tuple[Band, ...] = KOLDING_BANDS
    deadlines: Deadlines = field(default_factory=Deadlines)
    supervisor_may_raise_concern: bool = True  # "kvaliteten ... eller andre forhold" (Duty.INTENSIFIED)
    observation_coverage_threshold: float = 0.8  # share of items that must be scored for a total percent
    # Kinds outside the law's report duty (privat pasningsordning, specialdagtilbud) that the municipality's
    # own policy asks to publish a report every cycle. Empty (Kolding): they are followed without a report duty.
    policy_report_kinds: tuple[ProviderKind, ...] = ()
    # The conversations of the continuous supervision (løbende tilsyn), domain.conversations; Kolding's by default.
    conversation_types: tuple[ConversationType, ...] = KOLDING_CONVERSATION_TYPES

    def bands_high_to_low(self) -> tuple[Band, ...]:
        return tuple(sorted(self.bands, key=lambda b: b.lower_bound, reverse=True))

    def band_for(self, percent: float) -> Band:
        """The band a percent falls in; a boundary value belongs to the higher band."""
        if isinstance(percent, bool) or not isinstance(percent, numbers.Real):
            raise DomainError(ErrorCode.INVALID_INPUT, "A percent must be a number.")
        if math.isnan(float(percent)) or not 0 <= percent <= 100:
            raise DomainError(ErrorCode.INVALID_INPUT, f"A percent must be from 0 to 100, not {percent}.")
        for band in self.bands_high_to_low():
            if percent >= band.lower_bound:
                return band
        raise AssertionError("a validated policy has a band from 0")  # pragma: no cover

    def problems(self) -> list[Violation]:
        """Everything wrong with this policy, each with where it is; empty when the policy is valid."""
        return _problems(self)

    def validated(self) -> SupervisionPolicy:
        """This policy, or a DomainError listing every problem."""
        problems = self.problems()
        if problems:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                f"The policy has {len(problems)} problem(s): " + " ".join(p.message for p in problems),
                problems,
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["bands"] = [{**asdict(b), "concern": b.concern.value} for b in self.bands]
        data["policy_report_kinds"] = [getattr(k, "value", k) for k in self.policy_report_kinds]
        data["conversation_types"] = [t.to_dict() for t in self.conversation_types]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SupervisionPolicy:
        """Build a policy from plain data (as stored or sent), validated; DomainError lists every problem."""
        problems: list[Violation] = []
        bands = []
        for i, raw in enumerate(data.get("bands") or []):
            try:
                bound = raw["lower_bound"]
                if isinstance(bound, bool) or not isinstance(bound, int | float):
                    raise TypeError(f"lower_bound must be a number, not {bound!r}")
                bands.append(Band(str(raw["key"]), str(raw["label_da"]), float(bound), ConcernLevel(raw["concern"])))
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(Violation(f"bands[{i}]", f"Band {i + 1} is incomplete or has a wrong value ({exc})."))
        deadline_names = {f.name for f in fields(Deadlines)}
        raw_deadlines = data.get("deadlines") or {}
        problems += [
            Violation(f"deadlines.{name}", f"Unknown deadline `{name}`.")
            for name in sorted(set(raw_deadlines) - deadline_names)
        ]
        kinds = []
        for i, raw in enumerate(data.get("policy_report_kinds") or []):
            try:
                kinds.append(ProviderKind(raw))
            except ValueError:
                problems.append(Violation(f"policy_report_kinds[{i}]", f"Unknown provider kind `{raw}`."))
            else:
                problems += _report_kind_problems(i, kinds[-1])
        conversation_types, unreadable_types = parse_types(data.get("conversation_types"))
        problems += unreadable_types
        structured = ("bands", "deadlines", "policy_report_kinds", "conversation_types")
        scalars = {f.name: data[f.name] for f in fields(cls) if f.name not in structured and f.name in data}
        deadlines = Deadlines(**{k: v for k, v in raw_deadlines.items() if k in deadline_names})
        policy = cls(
            **scalars,
            bands=tuple(bands),
            deadlines=deadlines,
            policy_report_kinds=tuple(kinds),
            conversation_types=conversation_types,
        )
        # With a band unreadable, checks of the table as a whole (gaps, overlaps) would report phantom problems.
        unreadable_band = any(p.location.startswith("bands[") for p in problems)
        problems += [
            p
            for p in policy.problems()
            if not (unreadable_band and p.location == "bands")
            and not p.location.startswith("policy_report_kinds")
            and not (unreadable_types and p.location.startswith("conversation_types"))
        ]
        if problems:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                f"The policy has {len(problems)} problem(s): " + " ".join(p.message for p in problems),
                problems,
            )
        return policy


KOLDING_DEFAULT = SupervisionPolicy()


# --- on which legal ground a policy is published ---------------------------------------------------------------

# What binds the supervision whatever the policy says: the visit (§5a) and what follows it (§5b), in the law's order.
_BINDING = (
    Duty.CURRICULUM_FOUNDATION,
    Duty.VISITS,
    Duty.IMPARTIALITY,
    Duty.DATA,
    Duty.OBSERVATION,
    Duty.DIALOGUE,
    Duty.FOLLOW_UP_DIALOGUE,
    Duty.WRITTEN_DOCUMENTATION,
    Duty.INTENSIFIED,
    Duty.ACTION_PLAN,
    Duty.ACTION_PLAN_CONTENT,
)


@dataclass(frozen=True)
class PolicyLegalBasis:
    """On which legal ground a policy version is published, in the law in force on the day it takes effect."""

    law_version: str  # domain.law's key of the version in force: "2022", "2025"
    required_by_law: bool  # the law makes the council set and publish a framework for the supervision
    legal_reference: str | None  # that duty's citation while it is in force; None once repealed
    binding_reference: str  # what binds the supervision whatever the policy says
    text_da: str


def policy_legal_basis(effective_on: date) -> PolicyLegalBasis:
    """The legal ground of a policy that takes effect on `effective_on` (or is in force then), from domain.law.

    Until 31 December 2024 the law made the council set and publish a framework for the supervision; from
    1 January 2025 (L 48, 2024-25) that duty is repealed, so a policy in force then is the municipality's own,
    published voluntarily, and what still binds is the law's rules for the visit and what follows it.
    """
    law = law_in_force(effective_on)
    binding = law.cite(*(d for d in _BINDING if law.has(d)))
    if law.has(Duty.FRAMEWORK):
        reference = law.cite(Duty.FRAMEWORK)
        text = (
            f"Rammen for tilsynet fastsættes og offentliggøres efter {reference} ({law.source}). "
            f"Tilsynet følger desuden {binding}."
        )
        return PolicyLegalBasis(law.key, True, reference, binding, text)
    text = "Kommunens egen tilsynspolitik, som kommunen offentliggør frivilligt"
    if repeal := _framework_repeal(law):
        had, by = repeal
        text += (
            f": pligten til at fastsætte og offentliggøre en ramme for tilsynet ({had.cite(Duty.FRAMEWORK)} i "
            f"reglerne fra {had.effective_from:%d.%m.%Y}) blev ophævet ved {by.source}, med virkning fra "
            f"{by.effective_from:%d.%m.%Y}"
        )
    text += f". Tilsynet er fortsat bundet af {binding}."
    return PolicyLegalBasis(law.key, False, None, binding, text)


def _framework_repeal(law: LawVersion) -> tuple[LawVersion, LawVersion] | None:
    """The last version up to `law` that had the framework duty, and the version after it that repealed it."""
    found = None
    for earlier, later in pairwise(v for v in VERSIONS if v.effective_from <= law.effective_from):
        if earlier.has(Duty.FRAMEWORK) and not later.has(Duty.FRAMEWORK):
            found = (earlier, later)
    return found


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _problems(policy: SupervisionPolicy) -> list[Violation]:
    problems: list[Violation] = []
    if not _is_int(policy.cycle_months) or not 1 <= policy.cycle_months <= 24:
        # The report duty: a report at least every second year, so a cycle can never be longer than 24 months.
        problems.append(
            Violation(
                "cycle_months",
                "The cycle must be 1 to 24 months: the law asks for a report at least every second year.",
            )
        )
    if not _is_int(policy.announced_visits_per_cycle) or policy.announced_visits_per_cycle < 1:
        problems.append(
            Violation(
                "announced_visits_per_cycle",
                "At least one announced visit with systematic observation per cycle: the law asks for announced "
                "and unannounced visits and observation of the learning environment.",
            )
        )
    if not _is_int(policy.unannounced_visits_per_cycle) or policy.unannounced_visits_per_cycle < 1:
        problems.append(
            Violation(
                "unannounced_visits_per_cycle",
                "At least one unannounced visit per cycle: the law asks for announced and unannounced visits.",
            )
        )
    threshold = policy.observation_coverage_threshold
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 < threshold <= 1:
        problems.append(
            Violation(
                "observation_coverage_threshold", "The coverage threshold is a share above 0 and at most 1 (e.g. 0.8)."
            )
        )
    for name in (f.name for f in fields(Deadlines)):
        value = getattr(policy.deadlines, name)
        if not _is_int(value) or value <= 0:
            problems.append(
                Violation(f"deadlines.{name}", f"The deadline `{name}` must be a whole number of days above 0.")
            )
    if _is_int(policy.deadlines.due_soon_days) and policy.deadlines.due_soon_days > 366:
        problems.append(
            Violation("deadlines.due_soon_days", "The warning window is at most a year (366 days), or all is due soon.")
        )
    for i, kind in enumerate(policy.policy_report_kinds):
        problems += _report_kind_problems(i, kind)
    problems += _band_problems(policy.bands)
    problems += type_problems(policy.conversation_types)
    return problems


def _report_kind_problems(index: int, kind: object) -> list[Violation]:
    # A kind every version of the law asks a report of gains nothing from the policy asking it too.
    if isinstance(kind, ProviderKind) and kind not in kinds_always_under_report_duty():
        return []
    message = (
        f"`{kind}` is under the law's report duty (dagtilbudsloven §5) on every date: the law already asks its report."
    )
    return [Violation(f"policy_report_kinds[{index}]", message)]


def _valid_bound(bound: object) -> bool:
    return not isinstance(bound, bool) and isinstance(bound, int | float) and not math.isnan(bound) and 0 <= bound < 100


def _band_text_problems(index: int, band: Band) -> list[Violation]:
    # The labels are printed in reports and on the public policy page: short, and text a database can store.
    problems = []
    for name, limit in (("key", BAND_KEY_MAX_LENGTH), ("label_da", BAND_LABEL_MAX_LENGTH)):
        value = getattr(band, name)
        if len(value) > limit:
            problems.append(
                Violation(f"bands[{index}].{name}", f"Band {index + 1}'s `{name}` is at most {limit} characters.")
            )
        elif reason := unstorable_problem(value):
            problems.append(Violation(f"bands[{index}].{name}", f"Band {index + 1}'s `{name}`: {reason}"))
    return problems


def _band_problems(bands: tuple[Band, ...]) -> list[Violation]:
    if not bands:
        return [Violation("bands", "The policy needs at least one band.")]
    problems: list[Violation] = []
    for i, band in enumerate(bands):
        if not _valid_bound(band.lower_bound):
            problems.append(
                Violation(f"bands[{i}].lower_bound", f"Band `{band.key}` must start at 0 or above and below 100.")
            )
        if not band.key or not band.label_da:
            problems.append(Violation(f"bands[{i}]", f"Band {i + 1} needs a key and a Danish label."))
        problems += _band_text_problems(i, band)
    keys = [b.key for b in bands]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(Violation("bands", f"Two bands share the key `{key}`."))
    # The table as a whole is checked on the bands whose bounds are usable, so one bad band hides nothing else.
    usable = [b for b in bands if _valid_bound(b.lower_bound)]
    bounds = [b.lower_bound for b in usable]
    if usable and 0 not in bounds:
        problems.append(
            Violation("bands", f"No band starts at 0, so scores from 0 to {min(bounds)} would have no band (a gap).")
        )
    for bound in sorted({b for b in bounds if bounds.count(b) > 1}):
        problems.append(Violation("bands", f"Two bands start at {bound}: they overlap."))
    ordered = sorted(usable, key=lambda b: b.lower_bound, reverse=True)
    for higher, lower in pairwise(ordered):
        if lower.concern.rank < higher.concern.rank:
            problems.append(
                Violation(
                    "bands",
                    f"Concern falls from `{higher.key}` ({higher.concern.value}) to the lower band `{lower.key}` "
                    f"({lower.concern.value}); a lower score can never mean less concern.",
                )
            )
    return problems
