"""Intensified supervision once it runs: when its visits are due, and the administration's decision to end it.

Ending is a decision of the administration (Kolding's framework), taken with `end_intensified`, which refuses
with every unmet condition named at once so the caseworker can fix them in one go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from domain.assessment import Assessment
from domain.errors import DomainError, ErrorCode, Violation
from domain.escalation import ActionKind, EscalationDecision, EscalationState, RequiredAction
from domain.law import Duty, cite
from domain.policy import ConcernLevel, SupervisionPolicy

MIN_GROUNDS_LENGTH = 20  # the administration's reasons are recorded: a sentence, not "ok"


@dataclass(frozen=True)
class CauseUnit:
    """A unit that caused intensified supervision, with its latest assessment (None when it has none)."""

    unit_id: str
    name: str
    latest: Assessment | None
    latest_assessed_on: date | None


def end_intensified(
    current: EscalationState,
    *,
    intensified_since: date,
    latest: Assessment | None,
    latest_assessed_on: date | None,
    action_plan_completed: bool,
    grounds: str | None,
    decided_on: date,
    policy: SupervisionPolicy,
    cause_units: Sequence[CauseUnit] = (),
) -> EscalationDecision:
    """End intensified supervision by the administration's decision on `decided_on`, or refuse.

    The conditions (domain.md, "Escalation"): the provider is under intensified supervision; `latest`, the
    provider's latest assessment as a whole, was made after the day it started (`intensified_since`), on or
    before `decided_on`, is scored (a percent, not insufficient observation) and shows no concern; the latest
    assessment of each of `cause_units`, the units that caused it, is likewise new, scored and without concern;
    any action plan is completed; and `grounds`, the written reasons, are at least `MIN_GROUNDS_LENGTH`
    characters. Raises DomainError(CONFLICT) with one Violation per failing condition, naming the unit.
    On success the state is NORMAL, the parent board is to be informed (citing the law in force on `decided_on`:
    the parent board informed of the assessment, about the intensified supervision that ends), and the stripped
    grounds travel with the decision so they are recorded with it.
    """
    problems: list[Violation] = []
    if not current.is_intensified:
        problems.append(Violation("state", f"The provider is under {current.label_da}, not intensified supervision."))
    if latest is None:
        problems.append(
            Violation("latest_assessment", "There is no assessment to show that the concern has gone; assess first.")
        )
    else:
        if latest.concern is not ConcernLevel.NONE:
            problems.append(
                Violation(
                    "latest_assessment",
                    f"The latest assessment shows {latest.concern.label_da}; "
                    "ending needs one that shows ingen bekymring.",
                )
            )
        if latest.percent is None:
            problems.append(Violation("latest_assessment.percent", f"The latest assessment {_UNSCORED}"))
    # A new assessment: one from the day intensified supervision started was the reason for it, not its outcome.
    if latest_assessed_on is None or latest_assessed_on <= intensified_since:
        problems.append(
            Violation(
                "latest_assessed_on",
                f"No assessment has been made since intensified supervision started on {intensified_since:%Y-%m-%d}; "
                "the one that started it does not count.",
            )
        )
    elif latest_assessed_on > decided_on:
        problems.append(
            Violation(
                "decided_on",
                f"The decision ({decided_on.isoformat()}) cannot come before the assessment it rests on "
                f"({latest_assessed_on.isoformat()}).",
            )
        )
    for unit in cause_units:
        problems += _unit_not_cleared(unit, intensified_since)
    if current.has_action_plan and not action_plan_completed:
        problems.append(Violation("action_plan", "The action plan (handleplan) is not completed."))
    text = (grounds or "").strip()
    if len(text) < MIN_GROUNDS_LENGTH:
        problems.append(
            Violation(
                "grounds",
                f"The administration's written grounds are needed (at least {MIN_GROUNDS_LENGTH} characters); "
                "they are recorded with the decision.",
            )
        )
    if problems:
        raise DomainError(
            ErrorCode.CONFLICT,
            "Intensified supervision cannot end yet: " + " ".join(p.message for p in problems),
            problems,
        )
    inform = RequiredAction(
        ActionKind.INFORM_PARENT_BOARD,
        decided_on + timedelta(days=policy.deadlines.follow_up_dialogue_days),
        cite(decided_on, Duty.FOLLOW_UP_DIALOGUE, Duty.INTENSIFIED),
        "The parent board is informed that intensified supervision has ended and why.",
    )
    return EscalationDecision(current, EscalationState.NORMAL, ConcernLevel.NONE, (inform,), grounds=text)


_UNSCORED = (
    "has no score (no instrument, or too few items observed: insufficient observation); "
    "ending needs a scored assessment."
)


def _unit_not_cleared(unit: CauseUnit, since: date) -> list[Violation]:
    """What keeps a unit that caused intensified supervision from showing that its concern has gone."""
    where = f"cause_units.{unit.unit_id}"
    if unit.latest is None or unit.latest_assessed_on is None or unit.latest_assessed_on <= since:
        return [
            Violation(
                where,
                f"{unit.name}, which caused intensified supervision, has not been assessed since it started on "
                f"{since.isoformat()}; ending needs a new assessment of each unit that caused it.",
            )
        ]
    latest, problems = unit.latest, []
    on = unit.latest_assessed_on.isoformat()
    if latest.concern is not ConcernLevel.NONE:
        problems.append(
            Violation(
                where,
                f"The latest assessment of {unit.name} ({on}) shows {latest.concern.label_da}; ending needs "
                "ingen bekymring at every unit that caused intensified supervision.",
            )
        )
    if latest.percent is None:
        problems.append(Violation(where, f"The latest assessment of {unit.name} ({on}) {_UNSCORED}"))
    return problems


def next_intensified_visit_due(last_visit_on: date | None, intensified_since: date, policy: SupervisionPolicy) -> date:
    """When the next visit under intensified supervision is due.

    The first visit is due `intensified_first_visit_days` after the start; after that, each visit is due
    `intensified_interval_days` after the last one. A visit on or before the start day (the one that caused
    it) is not a visit under intensified supervision.
    """
    days = policy.deadlines
    if last_visit_on is None or last_visit_on <= intensified_since:
        return intensified_since + timedelta(days=days.intensified_first_visit_days)
    return last_visit_on + timedelta(days=days.intensified_interval_days)
