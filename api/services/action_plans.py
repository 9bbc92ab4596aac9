"""Action plans (handleplaner): written with the leader, out for the parent board's comments, approved, completed.

Dagtilbudsloven §5b: on serious concern a plan is made with the leader, saying how quality is
strengthened and followed up; the parent board is informed and may comment before the plan is final. A provider
without a parent board skips the comment window and says why (domain.action_plans). Every act on a plan by a
supervisor or the administration needs them impartial towards the provider (domain.impartiality); the leader
co-writes as the supervised and is not held to it.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlmodel import Session, func, select

from api.clock import DANISH_TIME
from api.pagination import Page, SortKey, paginate
from api.principal import Principal, PrincipalKind
from api.schemas.action_plan import (
    ActionPlanCreate,
    ActionPlanDetail,
    ActionPlanRead,
    ActionPlanUpdate,
    CommentCreate,
    CommentRead,
    FollowUp,
    ItemCreate,
    ItemRead,
    ItemUpdate,
    NoticeRead,
    OpenForComments,
)
from api.services import impartiality
from api.services.common import apply_changes, refuse_nulls
from api.services.policy import policy_in_force
from api.tables import (
    ActionPlan,
    ActionPlanComment,
    ActionPlanItem,
    IntensifiedSupervision,
    ParentBoardNotice,
    Provider,
    RequiredAction,
    UserAccount,
    Visit,
)
from domain import action_plans as rules
from domain.access import Role
from domain.errors import DomainError, ErrorCode, Violation, invalid, not_found
from domain.escalation import ActionKind, EscalationState
from domain.impartiality import Act
from domain.law import Duty, cite
from domain.states import ItemStatus, PlanStatus

PLAN_ORDER = (SortKey(ActionPlan.created_at, descending=True), SortKey(ActionPlan.id, descending=True))
COMMENT_ORDER = (SortKey(ActionPlanComment.created_at), SortKey(ActionPlanComment.id))
_EDITABLE = (PlanStatus.DRAFT, PlanStatus.COMMENT)
_FINISHED_ITEM = (ItemStatus.DONE, ItemStatus.DROPPED)


def _conflict(location: str, message: str) -> DomainError:
    return DomainError(ErrorCode.CONFLICT, message, [Violation(location, message)])


def _require_status(plan: ActionPlan, allowed: tuple[PlanStatus, ...], doing: str) -> None:
    if plan.status not in allowed:
        names = " or ".join(f"`{s.value}`" for s in allowed)
        raise _conflict("status", f"The plan is `{plan.status}`; {doing} needs it to be {names}.")


def _make_action_plan_actions(session: Session, episode_id: uuid.UUID) -> list[RequiredAction]:
    """The period's open `make_action_plan` actions, earliest deadline first."""
    return list(
        session.exec(
            select(RequiredAction)
            .where(
                RequiredAction.intensified_id == episode_id,
                RequiredAction.kind == ActionKind.MAKE_ACTION_PLAN.value,
                RequiredAction.done_on.is_(None),
            )
            .order_by(RequiredAction.due_on)
        )
    )


def _supervisor_for(session: Session, principal: Principal, episode: IntensifiedSupervision) -> uuid.UUID:
    """The supervisor who writes the plan: the caller when they are a local supervisor or admin, else the
    supervisor of the visit that started the period (a leader writes the plan with them, not alone)."""
    if principal.kind is PrincipalKind.USER and principal.role in (Role.SUPERVISOR, Role.ADMIN):
        return uuid.UUID(principal.subject)
    visit = session.get(Visit, episode.started_by_visit_id) if episode.started_by_visit_id else None
    if visit is None:
        raise invalid(
            "started_by_visit_id",
            "This intensified supervision was not started by a visit, so there is no supervisor to write the plan "
            "with; ask the supervisor or the administration to create it.",
        )
    return visit.supervisor_id


def create_plan(
    session: Session, principal: Principal, episode: IntensifiedSupervision, data: ActionPlanCreate, today: date
) -> ActionPlan:
    impartiality.require_impartial(session, Act.WRITE_ACTION_PLAN, episode.provider_id)
    if episode.ended_on is not None:
        raise _conflict("ended_on", f"This intensified supervision ended on {episode.ended_on.isoformat()}.")
    if episode.state != EscalationState.INTENSIFIED_WITH_ACTION_PLAN:
        raise _conflict(
            "state",
            f"The provider is under {EscalationState(episode.state).label_da}; an action plan belongs to "
            f"{EscalationState.INTENSIFIED_WITH_ACTION_PLAN.label_da} (serious concern, "
            f"{cite(today, Duty.ACTION_PLAN)}).",
        )
    unfinished = session.exec(
        select(ActionPlan).where(
            ActionPlan.intensified_id == episode.id, ActionPlan.status != PlanStatus.COMPLETED.value
        )
    ).first()
    if unfinished is not None:
        raise _conflict(
            "action_plan", f"Plan {unfinished.id} is still `{unfinished.status}`; complete it before making another."
        )
    due_on = data.due_on
    if due_on is None:
        required = _make_action_plan_actions(session, episode.id)
        if required:
            due_on = required[0].due_on
        else:
            _, policy = policy_in_force(session, episode.municipality_id, episode.started_on)
            due_on = episode.started_on + timedelta(days=policy.deadlines.action_plan_days)
    supervisor_id = _supervisor_for(session, principal, episode)
    if str(supervisor_id) != principal.subject:
        # A leader starts the plan with the supervisor of the visit behind it, who must be impartial too.
        impartiality.require_impartial(
            session,
            Act.WRITE_ACTION_PLAN,
            episode.provider_id,
            person=session.get(UserAccount, supervisor_id),
            role_in_act="the plan's supervisor",
            location="started_by_visit_id",
        )
    plan = ActionPlan(
        municipality_id=episode.municipality_id,
        provider_id=episode.provider_id,
        intensified_id=episode.id,
        status=PlanStatus.DRAFT.value,
        due_on=due_on,
        supervisor_id=supervisor_id,
        leader_name=data.leader_name,
        summary=data.summary,
    )
    session.add(plan)
    session.flush()
    return plan


def list_plans(
    session: Session,
    principal: Principal,
    *,
    provider_id: uuid.UUID | None,
    intensified_id: uuid.UUID | None,
    status: PlanStatus | None,
    cursor: str | None,
    limit: int,
) -> Page[ActionPlan]:
    statement = select(ActionPlan).where(ActionPlan.municipality_id == principal.municipality_id)
    if principal.role.is_provider_bound:
        statement = statement.where(ActionPlan.provider_id == principal.provider_id)
    if provider_id is not None:
        statement = statement.where(ActionPlan.provider_id == provider_id)
    if intensified_id is not None:
        statement = statement.where(ActionPlan.intensified_id == intensified_id)
    if status is not None:
        statement = statement.where(ActionPlan.status == status.value)
    return paginate(session, statement, PLAN_ORDER, cursor, limit)


def _items(session: Session, plan: ActionPlan) -> list[ActionPlanItem]:
    return list(
        session.exec(
            select(ActionPlanItem)
            .where(ActionPlanItem.plan_id == plan.id)
            .order_by(ActionPlanItem.created_at, ActionPlanItem.id)
        )
    )


def _comment_count(session: Session, plan: ActionPlan) -> int:
    return session.exec(
        select(func.count()).select_from(ActionPlanComment).where(ActionPlanComment.plan_id == plan.id)
    ).one()


def _read_values(plan: ActionPlan, has_parent_board: bool) -> dict:
    fields = (name for name in ActionPlanRead.model_fields if name != "no_parent_board_reason")
    reason = rules.no_parent_board_reason(
        has_parent_board,
        approved_on=plan.approved_on,
        comment_window_ends=plan.comment_window_ends,
        made_on=plan.created_at.astimezone(DANISH_TIME).date(),
    )
    return {name: getattr(plan, name) for name in fields} | {"no_parent_board_reason": reason}


def reads(session: Session, plans: list[ActionPlan]) -> list[ActionPlanRead]:
    """The plans as the API shows them, with why a plan is approved without the parent board (one query)."""
    ids = {p.provider_id for p in plans}
    boards = dict(session.exec(select(Provider.id, Provider.has_parent_board).where(Provider.id.in_(ids))).all())
    return [ActionPlanRead(**_read_values(p, boards[p.provider_id])) for p in plans]


def detail(session: Session, plan: ActionPlan) -> ActionPlanDetail:
    comments = session.exec(
        select(ActionPlanComment)
        .where(ActionPlanComment.plan_id == plan.id)
        .order_by(ActionPlanComment.created_at, ActionPlanComment.id)
    ).all()
    notices = session.exec(
        select(ParentBoardNotice)
        .where(ParentBoardNotice.action_plan_id == plan.id)
        .order_by(ParentBoardNotice.informed_on, ParentBoardNotice.created_at)
    ).all()
    return ActionPlanDetail(
        **_read_values(plan, session.get(Provider, plan.provider_id).has_parent_board),
        items=[ItemRead.model_validate(i) for i in _items(session, plan)],
        comments=[CommentRead.model_validate(c) for c in comments],
        parent_board_notices=[NoticeRead.model_validate(n) for n in notices],
    )


def _require_impartial(session: Session, act: Act, plan: ActionPlan) -> None:
    impartiality.require_impartial(session, act, plan.provider_id, begun_at=plan.created_at)


def update_plan(session: Session, plan: ActionPlan, data: ActionPlanUpdate) -> ActionPlan:
    _require_impartial(session, Act.WRITE_ACTION_PLAN, plan)
    values = data.model_dump(exclude_unset=True)
    refuse_nulls(values, ("leader_name", "due_on"))
    _require_status(plan, _EDITABLE, "changing the plan")
    apply_changes(plan, values)
    session.flush()
    return plan


def get_item(session: Session, plan: ActionPlan, item_id: uuid.UUID) -> ActionPlanItem:
    item = session.get(ActionPlanItem, item_id)
    if item is None or item.plan_id != plan.id:
        raise not_found("action plan item")
    return item


def add_item(session: Session, plan: ActionPlan, data: ItemCreate) -> ActionPlanItem:
    _require_impartial(session, Act.WRITE_ACTION_PLAN, plan)
    _require_status(plan, _EDITABLE, "adding a goal")
    item = ActionPlanItem(plan_id=plan.id, **data.model_dump(), status=ItemStatus.OPEN.value)
    session.add(item)
    session.flush()
    return item


def update_item(session: Session, plan: ActionPlan, item: ActionPlanItem, data: ItemUpdate) -> ActionPlanItem:
    _require_impartial(session, Act.WRITE_ACTION_PLAN, plan)
    values = data.model_dump(exclude_unset=True)
    refuse_nulls(values, ("goal", "actions", "owner", "deadline", "success_criterion", "status"))
    if plan.status == PlanStatus.COMPLETED:
        raise _conflict("status", "The plan is completed; its goals can no longer change.")
    # What was agreed is fixed once approved; how far each goal has come is kept up to date until the end.
    content = sorted(set(values) - {"status"})
    if content and plan.status not in _EDITABLE:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"The plan is `{plan.status}`: only a goal's status can change now.",
            [Violation(f"body.{key}", "Fixed once the plan is approved.") for key in content],
        )
    if "status" in values:
        values["status"] = values["status"].value
    apply_changes(item, values)
    session.flush()
    return item


def open_for_comments(session: Session, plan: ActionPlan, data: OpenForComments, today: date) -> ActionPlan:
    """Record that the parent board was informed of the plan and open its comment window."""
    _require_impartial(session, Act.WRITE_ACTION_PLAN, plan)
    rules.require_board_to_inform(session.get(Provider, plan.provider_id).has_parent_board, today)
    if data.informed_on > today:
        raise invalid("body.informed_on", "The parent board cannot have been informed on a day still to come.")
    _require_status(plan, (PlanStatus.DRAFT,), "sending it to the parent board")
    if not _items(session, plan):
        raise _conflict("items", "The plan has no goals yet; add at least one before the parent board is informed.")
    days = data.window_days
    if days is None:
        _, policy = policy_in_force(session, plan.municipality_id, data.informed_on)
        days = policy.deadlines.parent_board_comment_days
    plan.status = PlanStatus.COMMENT.value
    plan.comment_window_ends = data.informed_on + timedelta(days=days)
    session.add(
        ParentBoardNotice(
            provider_id=plan.provider_id,
            action_plan_id=plan.id,
            informed_on=data.informed_on,
            method=data.method.value,
            note=data.note,
        )
    )
    session.flush()
    return plan


def add_comment(
    session: Session, principal: Principal, plan: ActionPlan, data: CommentCreate, today: date
) -> ActionPlanComment:
    if plan.status != PlanStatus.COMMENT:
        raise _conflict("status", f"The plan is `{plan.status}`, not out for the parent board's comments.")
    if today > plan.comment_window_ends:
        raise _conflict(
            "comment_window_ends",
            f"The parent board's comment window closed on {plan.comment_window_ends.isoformat()}.",
        )
    comment = ActionPlanComment(
        plan_id=plan.id, author_id=principal.subject, author_name=principal.name, text=data.text
    )
    session.add(comment)
    session.flush()
    return comment


def list_comments(session: Session, plan: ActionPlan, cursor: str | None, limit: int) -> Page[ActionPlanComment]:
    statement = select(ActionPlanComment).where(ActionPlanComment.plan_id == plan.id)
    return paginate(session, statement, COMMENT_ORDER, cursor, limit)


def approve(session: Session, principal: Principal, plan: ActionPlan, today: date) -> ActionPlan:
    """Approve once the parent board has had its say (it has commented, or its window has ended), or at once
    where the provider has no parent board (domain.action_plans)."""
    _require_impartial(session, Act.APPROVE_ACTION_PLAN, plan)
    rules.require_approvable(
        PlanStatus(plan.status),
        has_parent_board=session.get(Provider, plan.provider_id).has_parent_board,
        has_goals=bool(_items(session, plan)),
        comment_window_ends=plan.comment_window_ends,
        has_comments=_comment_count(session, plan) > 0,
        today=today,
    )
    plan.status = PlanStatus.APPROVED.value
    plan.approved_on, plan.approved_by = today, principal.name
    for action in _make_action_plan_actions(session, plan.intensified_id):
        action.done_on = today
        session.add(action)
    session.flush()
    return plan


def follow_up(session: Session, plan: ActionPlan, data: FollowUp, today: date) -> ActionPlan:
    _require_impartial(session, Act.FOLLOW_UP_ACTION_PLAN, plan)
    if data.followed_up_on > today:
        raise invalid("body.followed_up_on", "A follow-up cannot be recorded for a day still to come.")
    _require_status(plan, (PlanStatus.APPROVED,), "following it up")
    plan.followed_up_on, plan.follow_up_note = data.followed_up_on, data.note
    session.flush()
    return plan


def complete(session: Session, plan: ActionPlan, today: date) -> ActionPlan:
    _require_impartial(session, Act.COMPLETE_ACTION_PLAN, plan)
    _require_status(plan, (PlanStatus.APPROVED,), "completing it")
    unfinished = [item for item in _items(session, plan) if item.status not in _FINISHED_ITEM]
    if unfinished:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"{len(unfinished)} goal(s) are not done or dropped yet; the plan is completed when every goal is.",
            [Violation(f"items.{item.id}", f"`{item.goal[:80]}` is `{item.status}`.") for item in unfinished],
        )
    plan.status, plan.completed_on = PlanStatus.COMPLETED.value, today
    session.flush()
    return plan
