"""What is due next in a provider's cycle, and by when: visits, reports, follow-up dialogues and action plans.

Every date is a fixed calendar day counted by one rule (`domain.cycle.last_day_in_time`), so `GET /due`, the
publication tracker and the compliance checks agree on it; its status (due soon within the policy's warning
window, overdue from the day after) is read on the cycle's `as_of`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.cycle import (
    PROVIDER_SCOPE,
    DueStatus,
    ProviderCycle,
    ReportGround,
    concern_episodes,
    counted_visits,
    cycle_end,
    due_after,
    due_status,
    held_visits,
    next_cycle_start,
    publications,
    report_due,
    report_ground,
    required_report_scopes,
)
from domain.policy import ConcernLevel, SupervisionPolicy


class DueKind(StrEnum):
    ANNOUNCED_VISIT = "announced_visit"
    UNANNOUNCED_VISIT = "unannounced_visit"
    REPORT_PUBLICATION = "report_publication"
    FOLLOW_UP_DIALOGUE = "follow_up_dialogue"
    ACTION_PLAN = "action_plan"


@dataclass(frozen=True)
class DueItem:
    what: DueKind
    scope: str  # "provider", a report scope, or the id of the visit a follow-up dialogue belongs to
    due: date  # the last day that is in time (domain.cycle.last_day_in_time)
    status: DueStatus  # due soon within the policy's warning window; overdue from the day after `due`
    ground: ReportGround | None = None  # a report's: whether the law or the municipality's policy asks for it

    @property
    def overdue(self) -> bool:
        return self.status is DueStatus.OVERDUE


def due_dates(cycle: ProviderCycle, policy: SupervisionPolicy) -> tuple[DueItem, ...]:
    """What is due next and by when: visits, report publication per required scope, open follow-ups and plans.

    Every date is a fixed calendar day (domain.cycle.last_day_in_time), so it comes closer, is due soon within the
    policy's warning window and overdue the day after. A visit the previous cycle lacked stays overdue from that
    cycle's last day until one is held; a report follows the law or the policy (`report_ground`), or is not due.
    A report's ground is read in the law in force on its due date: the day by which the duty must be met.
    """
    policy, deadlines = policy.validated(), policy.deadlines
    visits = held_visits(cycle)
    # Once this cycle's visits are held, the next ones are due by the end of the next cycle.
    next_end = cycle_end(next_cycle_start(cycle.cycle_end), policy.cycle_months)
    now = counted_visits(visits)
    before = None
    if cycle.previous_cycle_start is not None:
        previous_end = cycle.cycle_start - timedelta(days=1)
        earlier = (v for v in cycle.visits if cycle.previous_cycle_start <= v.held_on <= min(previous_end, cycle.as_of))
        before = counted_visits(tuple(earlier))

    def visit_due(i: int, wanted: int) -> date:
        if len(now[i]) >= wanted:
            return next_end
        if before is not None and len(before[i]) < wanted:
            return cycle.cycle_start - timedelta(days=1)  # missed in the previous cycle, and still not held
        return cycle.cycle_end

    wanted = (policy.announced_visits_per_cycle, policy.unannounced_visits_per_cycle)
    items: list[tuple[DueKind, str, date, ReportGround | None]] = [
        (DueKind.ANNOUNCED_VISIT, PROVIDER_SCOPE, visit_due(0, wanted[0]), None),
        (DueKind.UNANNOUNCED_VISIT, PROVIDER_SCOPE, visit_due(1, wanted[1]), None),
    ]
    latest = publications(cycle, cycle.visits, this_cycle=False)
    for scope in required_report_scopes(cycle.kind, cycle.unit_ids):
        # At least every second year: a cycle after the last publication, or by the end of the scope's first cycle.
        due = report_due(cycle.report_due_from.get(scope, cycle.cycle_start), policy.cycle_months, latest.get(scope))
        # A duty that falls due is judged by the law in force on the day it must be met.
        ground = report_ground(cycle.kind, policy, due)
        if ground is not ReportGround.NONE:
            items.append((DueKind.REPORT_PUBLICATION, scope, due, ground))
    items += [
        (DueKind.FOLLOW_UP_DIALOGUE, v.id, due_after(v.held_on, days=deadlines.follow_up_dialogue_days), None)
        for v in visits
        if v.follow_up_dialogue_on is None
    ]
    items += [
        (DueKind.ACTION_PLAN, PROVIDER_SCOPE, due_after(e.raised_on, days=deadlines.action_plan_days), None)
        for e in concern_episodes(cycle)
        if e.concern == ConcernLevel.SERIOUS and e.action_plan_approved_on is None
    ]
    warning = deadlines.due_soon_days
    return tuple(
        DueItem(what, scope, due, due_status(due, cycle.as_of, warning), ground) for what, scope, due, ground in items
    )
