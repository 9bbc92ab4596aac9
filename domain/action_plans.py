"""When an action plan (handleplan) may be approved: made with the leader, the parent board informed and heard.

The plan is made with the leader; the parent board is informed and may comment before the plan is final. A
provider without a parent board (e.g. a private pasningsordning) has no board to inform, so its plan skips the
comment window and is approved directly, and says why. A provider with a board still needs the window.
Every text that cites the law cites the version in force on the day of the act (domain.law).
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.errors import DomainError, ErrorCode, Violation
from domain.law import Duty, cite
from domain.states import PlanStatus


def no_parent_board_text(on_day: date) -> str:
    """Why a plan is approved without comments, citing the plan duty in the law in force on `on_day`."""
    return (
        "Dagtilbuddet har ingen forældrebestyrelse; handleplanen godkendes uden kommentering "
        f"({cite(on_day, Duty.ACTION_PLAN_CONTENT)})."
    )


def _conflict(location: str, message: str) -> DomainError:
    return DomainError(ErrorCode.CONFLICT, message, [Violation(location, message)])


def no_parent_board_reason(
    has_parent_board: bool, *, approved_on: date | None, comment_window_ends: date | None, made_on: date
) -> str | None:
    """Why the plan is (or was) approved without the parent board's comments; None when it goes out for them.

    A plan that went out for comments never needs the reason. Once approved, what happened is fixed: a plan
    approved without a window keeps saying why, whatever the provider's register says later. The reason cites
    the law in force on the day of approval, or before it on `made_on`, the day the plan was made.
    """
    if comment_window_ends is not None:
        return None
    if approved_on is None and has_parent_board:
        return None
    return no_parent_board_text(approved_on or made_on)


def require_board_to_inform(has_parent_board: bool, today: date) -> None:
    """A plan goes out for comments only where there is a parent board to comment."""
    if not has_parent_board:
        raise _conflict(
            "has_parent_board",
            "The provider has no parent board (has_parent_board is false), so there is no comment window: "
            "approve the plan directly. " + no_parent_board_text(today),
        )


def require_approvable(
    status: PlanStatus,
    *,
    has_parent_board: bool,
    has_goals: bool,
    comment_window_ends: date | None,
    has_comments: bool,
    today: date,
) -> None:
    """Approval waits for the parent board: it has commented, or its window has ended. Without a board a draft
    is approved directly, once it has a goal. A plan already out for comments keeps its window either way."""
    if status is PlanStatus.DRAFT and not has_parent_board:
        if not has_goals:
            raise _conflict("items", "The plan has no goals yet; add at least one before it is approved.")
        return
    if status is not PlanStatus.COMMENT:
        first = f"the parent board is informed and may comment first ({cite(today, Duty.ACTION_PLAN_CONTENT)})"
        needs = f"`comment`: {first}" if has_parent_board else "`draft` or `comment`"
        raise _conflict("status", f"The plan is `{status}`; approving it needs it to be {needs}.")
    if comment_window_ends is not None and today <= comment_window_ends and not has_comments:
        opens = comment_window_ends + timedelta(days=1)
        raise _conflict(
            "comment_window_ends",
            f"The parent board may comment until {comment_window_ends.isoformat()}; the plan can be approved "
            f"from {opens.isoformat()}, or as soon as the board has commented.",
        )
