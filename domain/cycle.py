"""A provider's supervision cycle: its dates, and the facts recorded in it that the legal minimums are checked on.

Months are counted the way a Danish period in months is read: a cycle from 15 January over 24 months ends on
14 January two years on, and when the month it reaches has no matching day (a cycle from 31 January over one
month) it ends on that month's last day. Counting days instead (730 for two years) would drift by a day every
leap year, and the report duty's "at least every second year" (dagtilbudsloven §5) is a calendar rule, not a count
of days.

The facts are plain frozen data that `api/` fills from its tables; `domain.compliance` turns them into verdicts.
A fact that is not recorded counts as not done: compliance needs evidence, so every flag defaults to False.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from domain.errors import DomainError, ErrorCode, Violation, invalid
from domain.law import Duty, law_in_force
from domain.policy import ConcernLevel, SupervisionPolicy
from domain.providers import ProviderKind

PROVIDER_SCOPE = "provider"  # one report for the whole provider
COMBINED_SCOPE = "combined"  # the dagpleje's one combined report (samlet tilsynsrapport)


def _month(year: int, month: int, months: int) -> tuple[int, int, int]:
    """The year, month and number of days of the month `months` after (year, month)."""
    target_year, zero_based = divmod(year * 12 + month - 1 + months, 12)
    return target_year, zero_based + 1, calendar.monthrange(target_year, zero_based + 1)[1]


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (earlier when negative), or that month's last day if it has none.

    29 February 2024 plus 24 months is 28 February 2026: a report due "two years after" the last one is not
    pushed into March because February is short.
    """
    year, month, last = _month(day.year, day.month, months)
    return date(year, month, min(day.day, last))


def cycle_end(start: date, months: int) -> date:
    """The last day (inclusive) of a cycle that starts on `start` and lasts `months` months.

    1 January 2024 over 24 months ends on 31 December 2025. From 31 January over one month the matching day
    (31 February) does not exist, so the cycle runs to the end of February rather than losing a day to clamping.
    """
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise invalid("cycle_months", "A cycle lasts a whole number of months, at least one.")
    year, month, last = _month(start.year, start.month, months)
    return date(year, month, last) if start.day > last else date(year, month, start.day) - timedelta(days=1)


def next_cycle_start(end: date) -> date:
    """The first day of the cycle after one ending on `end`: cycles meet without a gap or an overlap."""
    return end + timedelta(days=1)


# --- the last day in time -------------------------------------------------------------------------------------


def last_day_in_time(start: date, *, months: int = 0, days: int = 0) -> date:
    """The last day still in time for a period that begins on `start`: its inclusive end. The one rule for deadlines.

    A period in months ends the day before the same day of the month `months` later (`cycle_end`): a cycle from
    1 January 2024 over 24 months has 31 December 2025 as its last day, and a report due "by the end of the cycle"
    is in time on that day and late the day after. A period in days has `days` days, `start` being the first.
    Give one of `months` or `days`.
    """
    if (months > 0) == (days > 0) or months < 0 or days < 0:
        raise invalid("period", "A period lasts a whole number of months or of days, at least one.")
    return cycle_end(start, months) if months else start + timedelta(days=days - 1)


def due_after(event: date, *, months: int = 0, days: int = 0) -> date:
    """The last day in time for something due within `months` or `days` after `event` (the period starts the next day).

    A follow-up dialogue within 30 days after a visit on 1 June is in time on 1 July; a report due at least every
    24 months after one published on 1 January 2024 is in time on 1 January 2026 (`last_day_in_time`).
    """
    return last_day_in_time(event + timedelta(days=1), months=months, days=days)


class DueStatus(StrEnum):
    """Where a due date stands on a day: later, within the policy's warning window, or passed."""

    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"  # within `Deadlines.due_soon_days` of the due day, the due day itself included
    OVERDUE = "overdue"  # from the day after the due day

    @property
    def label_da(self) -> str:
        return {"upcoming": "kommende", "due_soon": "snart", "overdue": "overskredet"}[self.value]


def due_status(due: date, today: date, warning_days: int) -> DueStatus:
    """UPCOMING, DUE_SOON within `warning_days` before the due day (inclusive), OVERDUE the day after it."""
    if today > due:
        return DueStatus.OVERDUE
    return DueStatus.DUE_SOON if (due - today).days <= warning_days else DueStatus.UPCOMING


# --- a provider's cycles: fixed calendar periods, one after the other -----------------------------------------


def cycle_origin(
    registered: date, months: int, *, set_start: date | None = None, first_visit: date | None = None
) -> date:
    """The first day of a provider's first cycle; every later cycle follows on from it without a gap.

    The day an admin set (`Provider.cycle_start`) wins. Otherwise the provider's first supervision visit held on or
    after its registration, when it was held within the first cycle counted from registration; otherwise the day it
    was registered. A first visit held later than that does not move the cycles: the provider was already due, and
    a late visit must not wipe out the deadline it missed.
    """
    if set_start is not None:
        return set_start
    if first_visit is not None and registered <= first_visit <= cycle_end(registered, months):
        return first_visit
    return registered


@dataclass(frozen=True)
class Cycle:
    """One cycle of a provider: its first and last day, and the first day of the cycle before (None in the first)."""

    start: date
    end: date
    previous_start: date | None = None


def cycle_on(origin: date, months: int, day: date) -> Cycle:
    """The cycle that `day` falls in, counting successive cycles from `origin`; the first cycle before `origin`."""
    start, end, previous = origin, cycle_end(origin, months), None
    while day > end:
        previous, start = start, next_cycle_start(end)
        end = cycle_end(start, months)
    return Cycle(start, end, previous)


class ReportGround(StrEnum):
    """On which ground a provider's report is due: the law's report duty, the municipality's policy, or none."""

    LAW = "law"
    POLICY = "policy"
    NONE = "none"

    def label_on(self, on_day: date) -> str:
        """The ground in Danish; for the law, "lovkrav" with the report duty as cited in the law in force on
        `on_day` (domain.law), so a report due in 2025 or later cites the renumbered paragraph."""
        if self is ReportGround.LAW:
            return f"lovkrav ({law_in_force(on_day).cite(Duty.REPORT)})"
        return _GROUND_LABELS[self]


_GROUND_LABELS = {ReportGround.POLICY: "kommunens tilsynspolitik", ReportGround.NONE: "ingen pligt"}


def report_ground(kind: ProviderKind, policy: SupervisionPolicy, on_day: date) -> ReportGround:
    """The law for the kinds its report duty names on `on_day` (`LawVersion.report_kinds` in domain.law); for the
    others the policy's `policy_report_kinds`, or no duty. `on_day` is the day of the act: a report's visit, a
    due date, the end of the cycle judged."""
    kind = ProviderKind(kind)
    if kind in law_in_force(on_day).report_kinds:
        return ReportGround.LAW
    return ReportGround.POLICY if kind in policy.policy_report_kinds else ReportGround.NONE


def report_due(since: date, months: int, last_published: date | None) -> date:
    """The last day in time for a scope's next published report (the report duty: at least every second year).

    A cycle after the last report was first published (a correction keeps that date), or, when none has been,
    by the end of the scope's first cycle, which begins on `since` (the provider's cycle origin, or the day a unit
    was registered when that is later).
    """
    if last_published is not None:
        return due_after(last_published, months=months)
    return last_day_in_time(since, months=months)


class VisitKind(StrEnum):
    """The kinds of supervision visit; continuous supervision (løbende tilsyn) is notes, not a visit."""

    ANNOUNCED = "announced"  # anmeldt: with a systematic observation instrument (KIDS) over a whole day
    UNANNOUNCED = "unannounced"  # uanmeldt: follow-up, after concern notices, a snapshot of everyday life
    INTENSIFIED = "intensified"  # skærpet: individual frequency while under intensified supervision

    @property
    def label_da(self) -> str:
        return {"announced": "anmeldt", "unannounced": "uanmeldt", "intensified": "skærpet"}[self.value]

    @property
    def follow_up_dialogue_number(self) -> int:
        """The number of the follow-up dialogue (opfølgningssamtale) after a visit of this kind.

        Kolding's framework: no. 1 after the announced visit, no. 2 after the unannounced one. An intensified visit
        is followed up as an unannounced one is, so its dialogue is no. 2 as well.
        """
        return 1 if self is VisitKind.ANNOUNCED else 2


@dataclass(frozen=True, kw_only=True)
class VisitFact:
    """One visit as the API's tables record it. A visit dated after the cycle's `as_of` is planned, not held."""

    id: str
    kind: VisitKind
    held_on: date
    unit_ids: tuple[str, ...] = ()  # the units visited; empty means the provider as a whole
    systematic_observation: bool = False  # an observation instrument such as KIDS was used (Duty.OBSERVATION)
    based_on_curriculum: bool = False  # the læreplan's pedagogical foundation was the starting point
    dialogue_with_leadership_and_staff: bool = False
    follow_up_dialogue_on: date | None = None  # opfølgningssamtale with the leader
    supervisor_impartial: bool = False  # neither leader nor staff there, and no declared conflict of interest
    data_sources: tuple[str, ...] = ()  # `domain.compliance.DataSource` values, e.g. "earlier_report"
    report_published_on: date | None = None  # this visit's report on the provider's website
    report_scope: str = PROVIDER_SCOPE  # "provider", a unit id, or "combined"
    report_ids: tuple[str, ...] = ()  # the visit's published reports, for the evidence
    # What the provider had before this visit, which the 2022 data duty (§5a stk. 4) asks the visit to draw on:
    # its published reports, dialogues of earlier visits, and intensified supervision or action plans (ids).
    earlier_reports: tuple[str, ...] = ()
    earlier_dialogues: tuple[str, ...] = ()
    earlier_escalations: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ConcernEpisode:
    """A concern (bekymring) or serious concern (alvorlig bekymring) about the provider, and what followed."""

    concern: ConcernLevel
    raised_on: date
    intensified_started_on: date | None = None  # before raised_on: the provider was already under it
    action_plan_approved_on: date | None = None
    action_plan_with_leader: bool = False  # written in dialogue with the leader (Duty.ACTION_PLAN_CONTENT)
    visit_id: str | None = None  # the visit whose assessment raised it, for the evidence
    intensified_id: str | None = None
    action_plan_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class ProviderCycle:
    """Everything the minimums are checked on for one provider in one cycle.

    `cycle_end` is the last day, inclusive: `cycle_end(cycle_start, policy.cycle_months)`. `as_of` is the day of
    the check; nothing reads a clock, so a verdict can be reproduced. `last_published_report_on` holds the latest
    publication per report scope, whichever visit it came from (the day its first version was published).
    `previous_cycle_start` is the first day of the cycle before (`cycle_on`), None in the provider's first cycle:
    a visit it lacked stays overdue until one is held. `report_due_from` is, per report scope, the first day of
    the scope's first cycle (the provider's cycle origin, or a unit's registration); a scope it does not name counts
    from `cycle_start`. Raises DomainError naming every inconsistency.
    """

    provider_id: str
    kind: ProviderKind
    unit_ids: tuple[str, ...]
    cycle_start: date
    cycle_end: date
    visits: tuple[VisitFact, ...] = ()
    concerns: tuple[ConcernEpisode, ...] = ()
    last_published_report_on: Mapping[str, date] = field(default_factory=dict)
    previous_cycle_start: date | None = None
    report_due_from: Mapping[str, date] = field(default_factory=dict)
    as_of: date

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise DomainError(ErrorCode.INVALID_INPUT, " ".join(p.message for p in problems), problems)


def _problems(cycle: ProviderCycle) -> list[Violation]:
    # Caught here rather than producing a quiet wrong verdict: an unknown scope would never satisfy a report
    # requirement, and a dialogue "before" its visit is a data error, not a fast follow-up.
    problems = [Violation("cycle_end", "The cycle ends before it starts.")] * (cycle.cycle_end < cycle.cycle_start)
    scopes, seen = {PROVIDER_SCOPE, COMBINED_SCOPE, *cycle.unit_ids}, set()
    for i, v in enumerate(cycle.visits):
        if v.id in seen:
            problems.append(Violation(f"visits[{i}].id", f"Two visits share the id `{v.id}`."))
        seen.add(v.id)
        if unknown := sorted(set(v.unit_ids) - set(cycle.unit_ids)):
            message = f"Visit {v.id} names units the provider does not have: {', '.join(unknown)}."
            problems.append(Violation(f"visits[{i}].unit_ids", message))
        if v.report_scope not in scopes:
            message = f"Visit {v.id} has the unknown report scope `{v.report_scope}`."
            problems.append(Violation(f"visits[{i}].report_scope", message))
        for name in ("follow_up_dialogue_on", "report_published_on"):
            if (day := getattr(v, name)) is not None and day < v.held_on:
                problems.append(Violation(f"visits[{i}].{name}", f"Visit {v.id}: `{name}` is before the visit."))
    for name in ("last_published_report_on", "report_due_from"):
        for scope in sorted(set(getattr(cycle, name)) - scopes):
            problems.append(Violation(name, f"Unknown report scope `{scope}`."))
    if cycle.previous_cycle_start is not None and cycle.previous_cycle_start >= cycle.cycle_start:
        problems.append(Violation("previous_cycle_start", "The previous cycle starts after this one."))
    for i, e in enumerate(cycle.concerns):
        if e.action_plan_approved_on is not None and e.action_plan_approved_on < e.raised_on:
            message = "An action plan cannot be approved before the concern it answers."
            problems.append(Violation(f"concerns[{i}].action_plan_approved_on", message))
    return problems


# --- reading the cycle ---------------------------------------------------------------------------------------


def required_report_scopes(kind: ProviderKind, unit_ids: tuple[str, ...]) -> tuple[str, ...]:
    """The report scopes the report duty (dagtilbudsloven §5) requires to be published at least every second year.

    The law asks for "en tilsynsrapport for hver enkelt enhed" in an institution with several units, so each unit
    gets its own report in place of one for the institution; the dagpleje gets one combined report however many
    dagplejere (its units) it has. Everything else, a private pasningsordning included, has one provider report.
    """
    if ProviderKind(kind).is_childminding:
        return (COMBINED_SCOPE,)
    return tuple(unit_ids) if len(unit_ids) > 1 else (PROVIDER_SCOPE,)


def _within(day: date, cycle: ProviderCycle) -> bool:
    return cycle.cycle_start <= day <= min(cycle.cycle_end, cycle.as_of)


def held_visits(cycle: ProviderCycle) -> tuple[VisitFact, ...]:
    """The visits held in the cycle up to its `as_of`, in the order they were held."""
    return tuple(sorted((v for v in cycle.visits if _within(v.held_on, cycle)), key=lambda v: (v.held_on, v.id)))


def concern_episodes(cycle: ProviderCycle) -> tuple[ConcernEpisode, ...]:
    """The concerns raised in the cycle up to its `as_of`, oldest first."""
    # An episode at "no concern" asks nothing of the municipality; it is left out rather than rejected.
    relevant = (e for e in cycle.concerns if ConcernLevel(e.concern).rank > 0 and _within(e.raised_on, cycle))
    return tuple(sorted(relevant, key=lambda e: e.raised_on))


def counted_visits(visits: tuple[VisitFact, ...]) -> tuple[list[VisitFact], list[VisitFact]]:
    """The announced and the unannounced visits that count towards what a cycle asks for."""
    # An announced visit counts only with systematic observation (Kolding: KIDS over a whole day); intensified
    # visits come on top of the cycle and count as neither.
    announced = [v for v in visits if v.kind == VisitKind.ANNOUNCED and v.systematic_observation]
    return announced, [v for v in visits if v.kind == VisitKind.UNANNOUNCED]


def publications(cycle: ProviderCycle, visits: tuple[VisitFact, ...], *, this_cycle: bool) -> dict[str, date]:
    """The latest publication per scope up to as_of: from `visits`, and from the recorded latest publications.

    A visit's own report counts for its scope even when published after the cycle's end; a recorded latest
    publication counts for `this_cycle` only when it falls inside the cycle.
    """
    found: dict[str, date] = {}
    candidates = [(v.report_scope, v.report_published_on) for v in visits]
    recorded = cycle.last_published_report_on.items()
    candidates += [(scope, day) for scope, day in recorded if not this_cycle or _within(day, cycle)]
    for scope, day in candidates:
        if day is not None and day <= cycle.as_of and day > found.get(scope, date.min):
            found[scope] = day
    return found
