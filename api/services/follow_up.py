"""After a visit (§5b stk. 1-2): the follow-up dialogue, the parent board informed, and recommendations."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import and_, not_
from sqlmodel import Session, select

from api.pagination import Page, SortKey, paginate
from api.principal import Principal
from api.schemas.follow_up import (
    FollowUpDialogueWrite,
    ParentBoardNoticeCreate,
    RecommendationCreate,
    RecommendationRead,
    RecommendationUpdate,
)
from api.services.common import apply_changes
from api.tables import FollowUpDialogue, ParentBoardNotice, Provider, Recommendation, RequiredAction, Visit
from domain.access import Permission
from domain.cycle import VisitKind
from domain.errors import DomainError, ErrorCode, Violation, invalid
from domain.escalation import ActionKind
from domain.states import STILL_TO_DO, RecommendationStatus, VisitStatus

SOONEST_DUE = (SortKey(Recommendation.due_on), SortKey(Recommendation.id))
# Who may change which field of a recommendation: the supervision writes it, the leader reports on it.
_FIELD_PERMISSION = {
    "text": Permission.RECOMMENDATIONS_WRITE,
    "owner": Permission.RECOMMENDATIONS_WRITE,
    "due_on": Permission.RECOMMENDATIONS_WRITE,
    "status": Permission.RECOMMENDATIONS_STATUS,
    "status_note": Permission.RECOMMENDATIONS_STATUS,
}


def _require_completed(visit: Visit, what: str) -> None:
    if visit.status != VisitStatus.COMPLETED:
        raise DomainError(ErrorCode.CONFLICT, f"The visit is {visit.status}; {what} once the visit is completed.")


def _refuse_dates(checks: list[tuple[bool, str, str]]) -> None:
    problems = [Violation(location, message) for failed, location, message in checks if failed]
    if problems:
        raise DomainError(ErrorCode.INVALID_INPUT, problems[0].message, problems)


def _day_checks(day: date, location: str, visit: Visit, today: date) -> list[tuple[bool, str, str]]:
    return [
        (visit.held_on is not None and day < visit.held_on, location, f"This is before the visit ({visit.held_on})."),
        (day > today, location, "This day has not come yet; record it once it has happened."),
    ]


# The follow-up dialogue (opfølgningssamtale)


def dialogue_of(session: Session, visit: Visit) -> FollowUpDialogue | None:
    return session.exec(select(FollowUpDialogue).where(FollowUpDialogue.visit_id == visit.id)).first()


def record_dialogue(
    session: Session, visit: Visit, existing: FollowUpDialogue | None, data: FollowUpDialogueWrite, today: date
) -> FollowUpDialogue:
    """Record the dialogue, or replace the one recorded; the caller has checked If-Match for a replacement."""
    _require_completed(visit, "the follow-up dialogue is recorded")
    _refuse_dates(_day_checks(data.held_on, "body.held_on", visit, today))
    number = VisitKind(visit.kind).follow_up_dialogue_number  # 1 after announced, 2 after the others
    values = {**data.model_dump(), "number": number}
    if existing is None:
        existing = FollowUpDialogue(**values, visit_id=visit.id)
        session.add(existing)
    else:
        apply_changes(existing, values)
    # The dialogue is where the results are agreed into the provider's development plan (§5b stk. 1-2).
    _close_actions(session, visit, ActionKind.FEED_DEVELOPMENT_PLAN, data.held_on)
    session.flush()
    return existing


def _close_actions(session: Session, visit: Visit, kind: ActionKind, on: date) -> None:
    """Mark the visit's open required actions of `kind` done on `on`."""
    open_actions = select(RequiredAction).where(
        RequiredAction.visit_id == visit.id,
        RequiredAction.kind == kind.value,
        RequiredAction.done_on.is_(None),  # type: ignore[union-attr]
    )
    for action in session.exec(open_actions):
        action.done_on = on


# The parent board informed (§5b stk. 1)


def inform_parent_board(
    session: Session, visit: Visit, data: ParentBoardNoticeCreate, today: date
) -> ParentBoardNotice:
    """Record that the board was informed, and mark the visit's open `inform_parent_board` actions done."""
    _require_completed(visit, "the parent board is informed of the assessment")
    provider = session.get(Provider, visit.provider_id)
    if provider is None or not provider.has_parent_board:
        raise DomainError(
            ErrorCode.CONFLICT,
            "The provider has no parent board (has_parent_board is false), so there is no board to inform.",
        )
    _refuse_dates(_day_checks(data.informed_on, "body.informed_on", visit, today))
    notice = ParentBoardNotice(**data.model_dump(), provider_id=visit.provider_id, visit_id=visit.id)
    session.add(notice)
    _close_actions(session, visit, ActionKind.INFORM_PARENT_BOARD, data.informed_on)
    session.flush()
    return notice


def parent_board_notices(session: Session, visit: Visit) -> list[ParentBoardNotice]:
    statement = (
        select(ParentBoardNotice)
        .where(ParentBoardNotice.visit_id == visit.id)
        .order_by(ParentBoardNotice.informed_on, ParentBoardNotice.created_at, ParentBoardNotice.id)
    )
    return list(session.exec(statement))


def parent_board_notice(session: Session, visit: Visit, notice_id: uuid.UUID) -> ParentBoardNotice | None:
    notice = session.get(ParentBoardNotice, notice_id)
    return notice if notice is not None and notice.visit_id == visit.id else None


# Recommendations (anbefalinger)


def recommendation_read(row: Recommendation, today: date) -> RecommendationRead:
    overdue = row.due_on < today and row.status in STILL_TO_DO
    return RecommendationRead.model_validate(row).model_copy(update={"overdue": overdue})


def create_recommendation(session: Session, visit: Visit, data: RecommendationCreate) -> Recommendation:
    if visit.status == VisitStatus.CANCELLED or (visit.status != VisitStatus.COMPLETED and visit.held_on is None):
        raise DomainError(
            ErrorCode.CONFLICT, f"The visit is {visit.status}; recommendations come from a visit that was held."
        )
    if visit.held_on is not None and data.due_on < visit.held_on:
        raise invalid("body.due_on", f"This is before the visit ({visit.held_on}).")
    row = Recommendation(**data.model_dump(), visit_id=visit.id, provider_id=visit.provider_id)
    session.add(row)
    session.flush()
    return row


def list_recommendations(
    session: Session,
    provider: Provider,
    today: date,
    *,
    status: RecommendationStatus | None,
    overdue: bool | None,
    visit_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> Page[Recommendation]:
    statement = select(Recommendation).where(Recommendation.provider_id == provider.id)
    if status is not None:
        statement = statement.where(Recommendation.status == status)
    if visit_id is not None:
        statement = statement.where(Recommendation.visit_id == visit_id)
    if overdue is not None:
        is_overdue = and_(Recommendation.due_on < today, Recommendation.status.in_(STILL_TO_DO))  # type: ignore[attr-defined]
        statement = statement.where(is_overdue if overdue else not_(is_overdue))
    return paginate(session, statement, SOONEST_DUE, cursor, limit)


def update_recommendation(
    session: Session, principal: Principal, row: Recommendation, data: RecommendationUpdate
) -> Recommendation:
    refuse_fields_not_yours(principal, data)
    values = data.model_dump(exclude_unset=True)
    nulls = [key for key in ("text", "owner", "due_on", "status") if key in values and values[key] is None]
    problems = [Violation(f"body.{key}", "This field is required and cannot be null.") for key in nulls]
    if values.get("status") == RecommendationStatus.DROPPED and not values.get("status_note"):
        problems.append(Violation("body.status_note", "Say why the recommendation is dropped, in `status_note`."))
    if values.get("due_on") is not None:
        visit = session.get(Visit, row.visit_id)
        if visit is not None and visit.held_on is not None and values["due_on"] < visit.held_on:
            problems.append(Violation("body.due_on", f"This is before the visit ({visit.held_on})."))
    if problems:
        raise DomainError(ErrorCode.INVALID_INPUT, problems[0].message, problems)
    apply_changes(row, values)
    session.flush()
    return row


def refuse_fields_not_yours(principal: Principal, data: RecommendationUpdate) -> None:
    """403 naming each field the caller's role may not change (a leader keeps the status, not the text)."""
    fields = data.model_dump(exclude_unset=True)
    refused = [(field, _FIELD_PERMISSION[field]) for field in fields if not principal.can(_FIELD_PERMISSION[field])]
    if not fields and not any(principal.can(p) for p in _FIELD_PERMISSION.values()):
        raise DomainError(ErrorCode.FORBIDDEN, f"Your role ({principal.role.value}) may not change recommendations.")
    if refused:
        names = ", ".join(f"`{field}`" for field, _ in refused)
        raise DomainError(
            ErrorCode.FORBIDDEN,
            f"Your role ({principal.role.value}) may not change {names} of a recommendation.",
            [Violation(f"body.{field}", f"Changing this needs `{permission.value}`.") for field, permission in refused],
        )
