"""When an action plan may be approved: after the parent board's window, or directly without a board."""

from __future__ import annotations

from datetime import date

import pytest

from domain.action_plans import (
    no_parent_board_reason,
    no_parent_board_text,
    require_approvable,
    require_board_to_inform,
)
from domain.errors import DomainError, ErrorCode
from domain.states import PlanStatus

TODAY = date(2026, 3, 10)
NO_PARENT_BOARD_REASON = no_parent_board_text(TODAY)


def approvable(status: PlanStatus, **overrides) -> None:
    values = {
        "has_parent_board": True,
        "has_goals": True,
        "comment_window_ends": None,
        "has_comments": False,
        "today": TODAY,
        **overrides,
    }
    require_approvable(status, **values)


def refusal(status: PlanStatus, **overrides) -> DomainError:
    with pytest.raises(DomainError) as caught:
        approvable(status, **overrides)
    assert caught.value.code is ErrorCode.CONFLICT
    return caught.value


def test_a_plan_for_a_provider_without_a_parent_board_is_approved_directly_from_draft():
    approvable(PlanStatus.DRAFT, has_parent_board=False)


def test_a_plan_for_a_provider_with_a_parent_board_still_needs_the_comment_window():
    error = refusal(PlanStatus.DRAFT)
    assert [v.location for v in error.violations] == ["status"]
    assert "the parent board is informed and may comment first" in error.detail
    waiting = refusal(PlanStatus.COMMENT, comment_window_ends=date(2026, 3, 12))
    assert [v.location for v in waiting.violations] == ["comment_window_ends"]
    approvable(PlanStatus.COMMENT, comment_window_ends=date(2026, 3, 9))
    approvable(PlanStatus.COMMENT, comment_window_ends=date(2026, 3, 12), has_comments=True)


def test_a_plan_without_goals_is_not_approved_even_without_a_parent_board():
    error = refusal(PlanStatus.DRAFT, has_parent_board=False, has_goals=False)
    assert [v.location for v in error.violations] == ["items"]


def test_an_approved_plan_is_not_approved_again_without_a_parent_board():
    assert "`draft` or `comment`" in refusal(PlanStatus.APPROVED, has_parent_board=False).detail


def test_a_plan_already_out_for_comments_keeps_its_window_when_the_board_is_gone():
    refusal(PlanStatus.COMMENT, has_parent_board=False, comment_window_ends=date(2026, 3, 12))


def test_a_provider_without_a_parent_board_sends_no_plan_out_for_comments():
    with pytest.raises(DomainError) as caught:
        require_board_to_inform(False, TODAY)
    assert caught.value.code is ErrorCode.CONFLICT and NO_PARENT_BOARD_REASON in caught.value.detail
    require_board_to_inform(True, TODAY)


def test_the_plan_says_why_it_is_approved_without_the_parent_board_citing_the_law_of_its_day():
    assert NO_PARENT_BOARD_REASON == (
        "Dagtilbuddet har ingen forældrebestyrelse; handleplanen godkendes uden kommentering "
        "(dagtilbudsloven §5b, stk. 5)."
    )
    made = date(2026, 2, 1)

    def reason(has_board: bool, **kw):
        return no_parent_board_reason(has_board, made_on=made, **kw)

    assert reason(False, approved_on=None, comment_window_ends=None) == NO_PARENT_BOARD_REASON
    assert reason(True, approved_on=None, comment_window_ends=None) is None
    # What happened is fixed once approved, whatever the register says later.
    assert reason(True, approved_on=TODAY, comment_window_ends=None) == NO_PARENT_BOARD_REASON
    assert reason(False, approved_on=TODAY, comment_window_ends=date(2026, 3, 1)) is None
    assert reason(False, approved_on=None, comment_window_ends=date(2026, 3, 12)) is None
