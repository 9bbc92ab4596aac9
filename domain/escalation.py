"""What must happen after an assessment, as a decision value: the escalation ladder of dagtilbudsloven §5b.

The control perspective ends here. A visit's concern level moves a provider along a ladder
(normal cycle -> skærpet tilsyn -> skærpet tilsyn med handleplan) and produces the actions the law and the
municipality's deadlines require, each with a due date and the paragraph it rests on in the law in force on the day
of the assessment (domain.law: a `Duty`, never a typed paragraph number). Every scope assessed at
the visit counts: a unit is supervised on its own, so its concern escalates the provider it belongs to, and
the episode names it until a new assessment shows the concern has gone. The ladder only goes up
on its own: a good score while under intensified supervision is evidence for ending it, not the end itself.
Ending is a decision of the administration (Kolding's framework), taken with domain.intensified.end_intensified.

Decisions are values, not exceptions (house style): `api/` persists the new state and turns actions into
deadlines that show as overdue when missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.assessment import Assessment
from domain.instruments import shown_percent_text
from domain.law import Duty, law_in_force
from domain.policy import ConcernLevel, SupervisionPolicy

_INFORM_ASSESSMENT = "The parent board is informed of the assessment, as after every visit."
_INFORMED = (Duty.FOLLOW_UP_DIALOGUE,)  # the parent board informed of the assessment


def intensified_start_due(concern_raised_on: date) -> date:
    """The last day in time to start intensified supervision on a concern: the day the concern is raised.

    §5b stk. 3-4: concern starts intensified supervision, and serious concern starts it "i umiddelbar
    forlængelse" (straks). The law gives no window, so no policy deadline widens it. Escalation dates its
    start action by this rule and compliance judges the start by it.
    """
    return concern_raised_on


class EscalationState(StrEnum):
    """Where a provider stands on the escalation ladder: the normal cycle, intensified supervision (skærpet tilsyn), or
    intensified supervision with an action plan. Only ending it (a decision of the administration) lowers it."""

    NORMAL = "normal"  # ingen bekymring: the normal supervision cycle
    INTENSIFIED = "intensified"  # skærpet tilsyn (§5b stk. 3)
    INTENSIFIED_WITH_ACTION_PLAN = "intensified_with_action_plan"  # skærpet tilsyn og handleplan (§5b stk. 4)

    @property
    def rank(self) -> int:
        return _STATE_RANK[self]

    @property
    def label_da(self) -> str:
        return _STATE_LABEL[self]

    @property
    def is_intensified(self) -> bool:
        return self is not EscalationState.NORMAL

    @property
    def has_action_plan(self) -> bool:
        return self is EscalationState.INTENSIFIED_WITH_ACTION_PLAN


_STATE_RANK = {
    EscalationState.NORMAL: 0,
    EscalationState.INTENSIFIED: 1,
    EscalationState.INTENSIFIED_WITH_ACTION_PLAN: 2,
}
_STATE_LABEL = {
    EscalationState.NORMAL: "almindeligt tilsyn",
    EscalationState.INTENSIFIED: "skærpet tilsyn",
    EscalationState.INTENSIFIED_WITH_ACTION_PLAN: "skærpet tilsyn med handleplan",
}
# The lowest state each concern level demands; the new state is the higher of this and the current one.
_STATE_FOR_CONCERN = {
    ConcernLevel.NONE: EscalationState.NORMAL,
    ConcernLevel.CONCERN: EscalationState.INTENSIFIED,
    ConcernLevel.SERIOUS: EscalationState.INTENSIFIED_WITH_ACTION_PLAN,
}


def state_for_concern(concern: ConcernLevel) -> EscalationState:
    """The lowest state on the §5b ladder that `concern` demands: bekymring -> skærpet tilsyn, and so on."""
    return _STATE_FOR_CONCERN[concern]


class ActionKind(StrEnum):
    """Something that must be done by a date because of a decision. Declaration order is the order in a decision."""

    START_INTENSIFIED_SUPERVISION = "start_intensified_supervision"
    MAKE_ACTION_PLAN = "make_action_plan"
    SCHEDULE_FOLLOW_UP_VISIT = "schedule_follow_up_visit"
    INFORM_PARENT_BOARD = "inform_parent_board"
    FEED_DEVELOPMENT_PLAN = "feed_development_plan"

    @property
    def label_da(self) -> str:
        return _ACTION_LABEL[self]


_ACTION_LABEL = {
    ActionKind.START_INTENSIFIED_SUPERVISION: "iværksæt skærpet tilsyn",
    ActionKind.MAKE_ACTION_PLAN: "udarbejd handleplan",
    ActionKind.SCHEDULE_FOLLOW_UP_VISIT: "planlæg opfølgende tilsynsbesøg",
    ActionKind.INFORM_PARENT_BOARD: "orienter forældrebestyrelsen",
    ActionKind.FEED_DEVELOPMENT_PLAN: "indarbejd i dagtilbuddets udviklingsplan",
}
_ACTION_ORDER = {kind: i for i, kind in enumerate(ActionKind)}


@dataclass(frozen=True)
class RequiredAction:
    """One thing that must happen by `due`, with the paragraph it rests on and why, for the caseworker."""

    kind: ActionKind
    due: date
    legal_reference: str  # the duties' citation in the law in force on the decision's day (domain.law.cite)
    reason: str


@dataclass(frozen=True)
class UnitAssessment:
    """A unit's own assessment at a visit, named for the caseworker.

    The name is internal text: it goes into required actions, which are never published, so a dagplejer's name
    may stand beside their concern there and nowhere public.
    """

    unit_id: str
    name: str
    assessment: Assessment


@dataclass(frozen=True)
class EscalationDecision:
    """The state before and after, the concern that drove it, and what must now be done (in `ActionKind` order)."""

    previous: EscalationState
    state: EscalationState
    concern: ConcernLevel
    actions: tuple[RequiredAction, ...]
    grounds: str | None = None  # the administration's written reasons; set only when intensified supervision ends
    cause_unit_ids: tuple[str, ...] = ()  # the units whose own assessment showed concern, in the visit's order

    @property
    def changed(self) -> bool:
        return self.state != self.previous

    def action(self, kind: ActionKind) -> RequiredAction | None:
        """The action of `kind`, or None; a decision holds at most one of each kind."""
        return next((a for a in self.actions if a.kind is kind), None)


def episode_cause_units(recorded: Sequence[str], decision: EscalationDecision) -> tuple[str, ...]:
    """The units an episode of intensified supervision names after `decision`: every unit that showed concern
    while it ran, the earlier ones first. A unit is never dropped; domain.intensified judges when it has cleared."""
    return tuple(dict.fromkeys((*recorded, *decision.cause_unit_ids)))


def decide(
    current: EscalationState,
    assessment: Assessment,
    assessed_on: date,
    policy: SupervisionPolicy,
    *,
    units: Sequence[UnitAssessment] = (),
    action_plan_completed: bool = False,
) -> EscalationDecision:
    """Decide what follows from a visit assessed on `assessed_on`, for a provider now in state `current`.

    Every scope assessed at the visit counts: the provider as a whole (`assessment`) and each of `units`, its
    units' own assessments. The most serious concern at any scope drives the provider's ladder (a unit at ringe
    starts intensified supervision with an action plan however well the provider scores pooled), and the
    decision names the units that showed concern, in `cause_unit_ids` and in the actions' reasons.
    The state becomes the higher of `current` and what the concern demands; it never goes down here.
    `action_plan_completed` is read only when `current` has an action plan: a serious concern that recurs after
    the plan was completed needs a new plan, while one that recurs during an unfinished plan does not.
    """
    causes = tuple(u for u in units if u.assessment.concern is not ConcernLevel.NONE)
    concern = max((assessment.concern, *(u.assessment.concern for u in causes)), key=lambda c: c.rank)
    target = state_for_concern(concern)
    state = target if target.rank > current.rank else current
    days = policy.deadlines
    law = law_in_force(assessed_on)  # every action cites the law of the day it was decided, not of today
    actions: list[RequiredAction] = []

    def add(kind: ActionKind, due: date, duties: tuple[Duty, ...], reason: str) -> None:
        actions.append(RequiredAction(kind, due, law.cite(*duties), reason))

    def after(days: int) -> date:
        return assessed_on + timedelta(days=days)

    if concern is ConcernLevel.NONE:
        add(
            ActionKind.FEED_DEVELOPMENT_PLAN,
            after(days.follow_up_dialogue_days),
            (Duty.FOLLOW_UP_DIALOGUE, Duty.WRITTEN_DOCUMENTATION),
            f"{_describe(assessment)} The results and recommendations feed the provider's development plan, "
            "agreed in the follow-up dialogue with the leader.",
        )
        if current.is_intensified:
            # Kolding: only the administration ends intensified supervision, so a good result is recorded, not acted on.
            add(
                ActionKind.INFORM_PARENT_BOARD,
                after(days.follow_up_dialogue_days),
                (Duty.FOLLOW_UP_DIALOGUE,),
                f"The parent board is informed of the assessment. The provider stays under {current.label_da} "
                "until the administration decides to end it.",
            )
        else:
            add(ActionKind.INFORM_PARENT_BOARD, after(days.follow_up_dialogue_days), _INFORMED, _INFORM_ASSESSMENT)
    else:
        paragraph = (Duty.INTENSIFIED,) if concern is ConcernLevel.CONCERN else (Duty.ACTION_PLAN,)
        why = _why(assessment, causes, ConcernLevel.CONCERN)
        if not current.is_intensified:
            add(
                ActionKind.START_INTENSIFIED_SUPERVISION,
                intensified_start_due(assessed_on),
                paragraph,
                f"{why} Intensified supervision (skærpet tilsyn) starts now.",
            )
        plan_needed = concern is ConcernLevel.SERIOUS and (not current.has_action_plan or action_plan_completed)
        if plan_needed:
            again = " The earlier plan is completed, so a new one is needed." if current.has_action_plan else ""
            add(
                ActionKind.MAKE_ACTION_PLAN,
                after(days.action_plan_days),
                (Duty.ACTION_PLAN, Duty.ACTION_PLAN_CONTENT),
                f"{_why(assessment, causes, ConcernLevel.SERIOUS)} An action plan (handleplan) is made with the "
                f"leader: how quality will be strengthened and how it is followed up.{again}",
            )
        # The policy's first-visit deadline (not the longer interval) even when already intensified: a fresh
        # concern is followed up as soon as a new one would be.
        add(
            ActionKind.SCHEDULE_FOLLOW_UP_VISIT,
            after(days.intensified_first_visit_days),
            paragraph,
            f"{why} A follow-up visit under intensified supervision is scheduled.",
        )
        if plan_needed:
            add(
                ActionKind.INFORM_PARENT_BOARD,
                after(days.follow_up_dialogue_days),
                (Duty.FOLLOW_UP_DIALOGUE, Duty.ACTION_PLAN_CONTENT),
                "The parent board is informed of the assessment and of the action plan, which it may comment on "
                "before the plan is final.",
            )
        else:
            add(ActionKind.INFORM_PARENT_BOARD, after(days.follow_up_dialogue_days), _INFORMED, _INFORM_ASSESSMENT)

    actions.sort(key=lambda a: _ACTION_ORDER[a.kind])
    causing = tuple(u.unit_id for u in causes)
    return EscalationDecision(current, state, concern, tuple(actions), cause_unit_ids=causing)


def _why(provider: Assessment, units: Sequence[UnitAssessment], at_least: ConcernLevel) -> str:
    """Why an action is required: each scope at `at_least` or above, the provider first, then units by concern."""
    sentences = []
    if provider.concern.rank >= at_least.rank:
        sentences.append(_describe(provider, "the provider as a whole" if units else None))
    for level in sorted(ConcernLevel, key=lambda c: c.rank, reverse=True):
        named = [u for u in units if u.assessment.concern is level and level.rank >= at_least.rank]
        if named:
            results = [_unit_result(u) for u in named]
            which = results[0] if len(results) == 1 else ", ".join(results[:-1]) + " and " + results[-1]
            sentences.append(
                f"The unit{'s' * (len(named) > 1)} {which} show{'s' * (len(named) == 1)} {level.label_da}."
            )
    return " ".join(sentences)


def _unit_result(unit: UnitAssessment) -> str:
    """A unit's name with its result, compact enough for several in one reason: "Vest (25.0 %, ringe)"."""
    a = unit.assessment
    if a.raised_on_judgement:
        return f"{unit.name} (raised on other grounds than the score)"
    if a.percent is None or a.band is None:
        return unit.name
    return f"{unit.name} ({shown_percent_text(a.percent)} %, {a.band.label_da})"


def _describe(assessment: Assessment, scope: str | None = None) -> str:
    """One sentence on why the concern level is what it is, for an action's reason; `scope` names whose it is."""
    level = assessment.concern.label_da
    if assessment.raised_on_judgement:
        text = f"the supervisor raised the concern to {level} on other grounds than the score."
    elif assessment.percent is None or assessment.band is None:
        text = f"the assessment shows {level}."
    else:
        text = (
            f"a score of {shown_percent_text(assessment.percent)} % is {assessment.band.label_da}, which means {level}."
        )
    return f"For {scope}, {text}" if scope else text[0].upper() + text[1:]
