"""From an observation score and the supervisor's judgement to a quality band and a concern level.

The two purposes of supervision meet here and stay apart: the band is the development perspective, the
concern level the control perspective. The band sets a floor for concern; the supervisor may raise concern
on other grounds ("kvaliteten af læringsmiljøerne eller andre forhold", §5b stk. 3-4), never lower it, and
never silently: a raise needs a written justification that the report shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError, ErrorCode, Violation
from domain.instruments import shown_percent_text
from domain.policy import Band, ConcernLevel, SupervisionPolicy

MIN_JUSTIFICATION_LENGTH = 20  # a sentence, not "se notat"


@dataclass(frozen=True)
class Assessment:
    """The outcome of one assessment, for the provider or for one unit."""

    percent: float | None  # None without a score (an unannounced snapshot, a concern notice, too few items)
    band: Band | None  # development perspective; None without a score
    concern_from_score: ConcernLevel | None  # what the band alone implies
    concern: ConcernLevel  # control perspective: the level that drives escalation
    justification: str | None  # why concern is above what the score implies; shown in the report

    @property
    def raised_on_judgement(self) -> bool:
        floor = self.concern_from_score or ConcernLevel.NONE
        return self.concern.rank > floor.rank


def assess(
    policy: SupervisionPolicy,
    percent: float | None,
    *,
    concern: ConcernLevel | None = None,
    justification: str | None = None,
) -> Assessment:
    """Assess a score (or its absence) under `policy`, with the supervisor's concern level if they gave one.

    `concern` is the level the supervisor sets; leaving it out keeps the level the band implies.
    Raises DomainError naming every problem: a lowered concern, a raise without justification, or a raise
    the policy does not allow.
    """
    band = policy.band_for(percent) if percent is not None else None
    floor = band.concern if band else None
    final = concern or floor or ConcernLevel.NONE
    problems: list[Violation] = []
    if floor is not None and final.rank < floor.rank:
        problems.append(
            Violation(
                "concern",
                f"A score of {shown_percent_text(percent)} % is `{band.label_da}`, which means {floor.label_da}; "
                "concern can be raised on other grounds, never lowered.",
            )
        )
    raised = final.rank > (floor or ConcernLevel.NONE).rank
    text = (justification or "").strip()
    if raised and not policy.supervisor_may_raise_concern:
        problems.append(
            Violation("concern", "The municipality's policy does not let supervisors raise concern on judgement.")
        )
    if raised and len(text) < MIN_JUSTIFICATION_LENGTH:
        problems.append(
            Violation(
                "justification",
                f"Raising concern to {final.label_da} on other grounds than the score needs a written justification "
                f"(at least {MIN_JUSTIFICATION_LENGTH} characters); the report will show it.",
            )
        )
    if problems:
        raise DomainError(ErrorCode.INVALID_INPUT, " ".join(p.message for p in problems), problems)
    return Assessment(percent, band, floor, final, text if raised else None)
