"""What each scope of a report says follows, and the dagpleje's combined result: rules behind domain.reports.

A unit's report leads with what the unit's own concern means on the escalation ladder (`own_consequence`, with
domain.escalation's mapping); the provider's report lists every action its escalation set off. The dagpleje's
combined report counts its dagplejere per band and concern level over the cycle (`combine`) and never names one:
a dagplejer is a person, and their own result stays an internal unit assessment.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from domain.cycle import add_months, cycle_end, next_cycle_start
from domain.escalation import ActionKind, EscalationState, state_for_concern
from domain.instruments import shown_percent
from domain.law import Duty, cite
from domain.policy import ConcernLevel, SupervisionPolicy
from domain.reports import Consequence, CountLine, ScoreLine

NO_CONCERN_TEXT = "Ingen bekymring: det almindelige tilsyn fortsætter"
# The parent board is informed after every visit (Duty.FOLLOW_UP_DIALOGUE); where there is none, the report says so.
NO_PARENT_BOARD_TEXT = (
    "Dagtilbuddet har ingen forældrebestyrelse, så der er ingen forældrebestyrelse at orientere om vurderingen"
)
NOT_SCORED_DA = "ikke scoret"


# What follows: the control perspective of each scope


@dataclass(frozen=True)
class ActionLine:
    """An action the visit's escalation stored (domain.escalation.RequiredAction as the report lists it)."""

    kind: ActionKind | None  # None for a kind this version does not know; it is listed as stored
    label_da: str
    legal_reference: str
    due_on: date | None


_ESCALATING = frozenset(
    {ActionKind.START_INTENSIFIED_SUPERVISION, ActionKind.MAKE_ACTION_PLAN, ActionKind.SCHEDULE_FOLLOW_UP_VISIT}
)
# Of the visit's actions, those a state on the ladder calls for (a scope's own report lists no other).
_ACTIONS_OF_STATE = {
    EscalationState.NORMAL: frozenset({ActionKind.FEED_DEVELOPMENT_PLAN, ActionKind.INFORM_PARENT_BOARD}),
    EscalationState.INTENSIFIED: frozenset(
        {ActionKind.START_INTENSIFIED_SUPERVISION, ActionKind.SCHEDULE_FOLLOW_UP_VISIT, ActionKind.INFORM_PARENT_BOARD}
    ),
    EscalationState.INTENSIFIED_WITH_ACTION_PLAN: _ESCALATING | {ActionKind.INFORM_PARENT_BOARD},
}
# The duties each state on the ladder rests on; cited in the law in force on the visit's day.
_STATE_DUTIES = {
    EscalationState.NORMAL: (Duty.FOLLOW_UP_DIALOGUE, Duty.WRITTEN_DOCUMENTATION),
    EscalationState.INTENSIFIED: (Duty.INTENSIFIED,),
    EscalationState.INTENSIFIED_WITH_ACTION_PLAN: (Duty.ACTION_PLAN,),
}
_ORDER = {kind: i for i, kind in enumerate(ActionKind)}


def own_consequence(concern: ConcernLevel, on_day: date) -> Consequence:
    """The headline of what a scope's own concern means: e.g. "Alvorlig bekymring: skærpet tilsyn med handleplan",
    citing the law in force on `on_day`, the day of the visit."""
    state = state_for_concern(concern)
    reference = cite(on_day, *_STATE_DUTIES[state])
    if state is EscalationState.NORMAL:
        return Consequence(NO_CONCERN_TEXT, reference)
    return Consequence(f"{concern.label_da.capitalize()}: {state.label_da}", reference)


def consequences(
    concern: ConcernLevel,
    actions: Sequence[ActionLine],
    *,
    whole_provider: bool,
    has_parent_board: bool,
    on_day: date,
) -> tuple[Consequence, ...]:
    """What the report says follows from its scope's result, in the order of `ActionKind`.

    `on_day` is the day of the visit: what the report itself adds cites the law in force then. The actions carry
    the reference their decision stored, which is the law of the same day (the assessment's).

    A report on the whole provider lists every action the visit's escalation set off: they are the provider's.
    A report on one scope (a unit; the dagpleje's dagplejere together) leads with what its own concern level means
    (`own_consequence`) and lists, of the visit's actions, only those its own state on the ladder calls for.
    Without a parent board the report says so where it would speak of informing it.
    """
    if whole_provider:
        escalated = any(a.kind in _ESCALATING for a in actions)
        lead = [own_consequence(ConcernLevel.NONE, on_day)] if concern is ConcernLevel.NONE and not escalated else []
        listed = list(actions)
    else:
        lead = [own_consequence(concern, on_day)]
        wanted = _ACTIONS_OF_STATE[state_for_concern(concern)]
        listed = [a for a in actions if a.kind in wanted]
    listed = [a for a in listed if has_parent_board or a.kind is not ActionKind.INFORM_PARENT_BOARD]
    ordered = sorted(listed, key=lambda a: (_ORDER.get(a.kind, len(_ORDER)), a.due_on or date.min))
    lines = [Consequence(f"{a.label_da[:1].upper()}{a.label_da[1:]}", a.legal_reference, a.due_on) for a in ordered]
    if not has_parent_board:
        after = _ORDER[ActionKind.INFORM_PARENT_BOARD]
        at = next((i for i, a in enumerate(ordered) if _ORDER.get(a.kind, len(_ORDER)) > after), len(ordered))
        lines.insert(at, Consequence(NO_PARENT_BOARD_TEXT, cite(on_day, Duty.FOLLOW_UP_DIALOGUE)))
    return (*lead, *lines)


# The dagpleje's combined report


@dataclass(frozen=True)
class ScopeResult:
    """One dagplejer's latest result in the period, as the combined report counts it (without a name)."""

    percent: float | None
    concern: ConcernLevel
    areas: tuple[ScoreLine, ...] = ()
    themes: tuple[ScoreLine, ...] = ()


@dataclass(frozen=True)
class Combined:
    """The dagpleje as a whole: the dagplejere's mean percent and its band (development), the most serious
    concern at any of them (control: any one's concern escalates the dagpleje), and the distributions."""

    percent: float | None
    band_label_da: str | None
    concern: ConcernLevel
    band_counts: tuple[CountLine, ...]
    concern_counts: tuple[CountLine, ...]
    areas: tuple[ScoreLine, ...]
    themes: tuple[ScoreLine, ...]


def combined_period_start(visit_on: date, cycle_months: int, cycle_start: date | None) -> date:
    """The first day the dagpleje's combined report covers: the start of the provider's cycle that holds the
    visit when the provider has a cycle start, else one cycle (`cycle_months`) back from the visit."""
    if cycle_start is None or cycle_start > visit_on:
        return add_months(visit_on, -cycle_months) + timedelta(days=1)
    start = cycle_start
    while (following := next_cycle_start(cycle_end(start, cycle_months))) <= visit_on:
        start = following
    return start


def combine(
    results: Sequence[ScopeResult], policy: SupervisionPolicy, *, at_least: ConcernLevel = ConcernLevel.NONE
) -> Combined:
    """The dagpleje's result from each dagplejer's: every dagplejer weighs the same.

    `at_least` is a concern level set for the dagpleje as a whole (the visit's own assessment), which the
    dagplejere's cannot lower. Every band and every concern level is counted, zeros included, so a reader sees
    the whole scale; dagplejere without a score are counted as "ikke scoret".
    """
    scored = [r.percent for r in results if r.percent is not None]
    percent = shown_percent(math.fsum(scored) / len(scored)) if scored else None
    band = policy.band_for(percent) if percent is not None else None
    concern = max((r.concern for r in results), key=lambda c: c.rank, default=ConcernLevel.NONE)
    concern = max(concern, at_least, band.concern if band else ConcernLevel.NONE, key=lambda c: c.rank)
    bands = policy.bands_high_to_low()
    band_counts = [CountLine(b.label_da, sum(policy.band_for(p) == b for p in scored)) for b in bands]
    if len(scored) < len(results):
        band_counts.append(CountLine(NOT_SCORED_DA, len(results) - len(scored)))
    concern_counts = tuple(CountLine(c.label_da, sum(r.concern is c for r in results)) for c in ConcernLevel)
    return Combined(
        percent,
        band.label_da if band else None,
        concern,
        tuple(band_counts),
        concern_counts,
        _mean_lines([r.areas for r in results]),
        _mean_lines([r.themes for r in results]),
    )


def _mean_lines(per_result: Sequence[tuple[ScoreLine, ...]]) -> tuple[ScoreLine, ...]:
    """Each area's (or theme's) mean over the dagplejere scored in it, in the order first met."""
    first: dict[str, ScoreLine] = {}
    values: dict[str, list[float]] = {}
    for lines in per_result:
        for line in lines:
            first.setdefault(line.name, line)
            if line.percent is not None:
                values.setdefault(line.name, []).append(line.percent)
    return tuple(
        ScoreLine(
            name,
            shown_percent(math.fsum(values[name]) / len(values[name])) if values.get(name) else None,
            line.level,
            line.area,
        )
        for name, line in first.items()
    )
