"""Fjordby as a living municipality: two supervision cycles, escalation, action plans and concern notices.

Everything is written through the services the API uses, so every rule applies exactly as over HTTP
(impartiality, assessment, escalation, required actions, audit). Dates count back from the day the loader runs
(api.clock.today), so the demo always looks current: cycle 1 about 24-13 months ago, cycle 2 within the last
12 months, and visits planned for the coming weeks. Names are invented; no child is described, no CPR number used.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlmodel import Session, select

from api import clock
from api.demo_story import (
    ANNOUNCED,
    BOEGELUND,
    CONFLICTED,
    GOALS,
    HISTORY,
    INTENSIFIED,
    MYRETUEN,
    NOTICES,
    PLANNED,
    RECOMMENDATIONS,
    SKOVLY,
    SNAPSHOTS,
    SOLSIKKEN,
    STRENGTHS,
    UNANNOUNCED,
    WEAK_AT_FIRST,
)
from api.principal import Principal, PrincipalKind
from api.schemas.action_plan import (
    ActionPlanCreate,
    CommentCreate,
    FollowUp,
    ItemCreate,
    ItemStatus,
    ItemUpdate,
    OpenForComments,
)
from api.schemas.action_plan import NoticeMethod as PlanNoticeMethod
from api.schemas.concern import ConcernNoticeCreate, LinkVisit, Triage
from api.schemas.conversation import ConversationCreate, FollowUpCreate
from api.schemas.follow_up import (
    FollowUpDialogueWrite,
    NoticeMethod,
    ParentBoardNoticeCreate,
    RecommendationCreate,
    RecommendationStatus,
    RecommendationUpdate,
)
from api.schemas.intensified import IntensifiedEnd
from api.schemas.own_observation import OwnObservationCreate
from api.schemas.visit import Completion, DeclarationCreate, Dialogue, ObservationCreate, Relation, VisitCreate
from api.services import (
    action_plans,
    concerns,
    conversations,
    follow_up,
    impartiality,
    intensified,
    own_observations,
    visits,
)
from api.services.assessments import complete_visit
from api.services.escalation import open_intensified
from api.services.instruments import domain_instrument, ensure_demo_instrument
from api.tables import ActionPlan, IntensifiedSupervision, Provider, Unit, UserAccount, Visit
from domain.access import Permission, Role, permissions_of
from domain.compliance import DataSource
from domain.conversations import ParticipantRole
from domain.cycle import VisitKind
from domain.errors import DomainError, ErrorCode
from domain.providers import ProviderKind, UnitKind

DAGPLEJERE_PER_VISIT = 4  # how many dagplejere one demo visit to the dagpleje observes


def principal_of(user: UserAccount) -> Principal:
    """The principal the API would build for this local user after sign-in."""
    role = Role(user.role)
    return Principal(
        PrincipalKind.USER, str(user.id), user.full_name, role, user.municipality_id, user.provider_id,
        permissions_of(role),
    )  # fmt: skip


class _Loader:
    """Acts as the demo's people would over the API, with the permission each route demands."""

    def __init__(self, session: Session, providers: dict[str, Provider], people: dict[str, UserAccount]) -> None:
        self.session, self.providers, self.today = session, providers, clock.today()
        self.users = people
        self.supervisors = {1: principal_of(people["supervisor"]), 2: principal_of(people["supervisor2"])}
        self.admin, self.parent_board = principal_of(people["admin"]), principal_of(people["parent_board"])
        self.instrument = ensure_demo_instrument(session, people["admin"].municipality_id)
        self.items = list(domain_instrument(self.instrument).items())
        self.themes = {t.key: {i.key for i in t.items} for t in domain_instrument(self.instrument).themes()}
        self.count = 0  # varies texts and score patterns from visit to visit

    def day(self, offset: int) -> date:
        """`offset` days from today: negative is in the past."""
        return self.today + timedelta(days=offset)

    @staticmethod
    def may(principal: Principal, permission: Permission) -> Principal:
        if not principal.can(permission):  # what the route's guard would refuse with 403
            raise DomainError(ErrorCode.FORBIDDEN, f"{principal.name} may not {permission.value}.")
        return principal

    def scores(self, points: int, weak_theme: str | None = None) -> dict[str, int | None]:
        """Item scores worth `points` in all, spread evenly; which items get the odd point varies by visit.

        The items of `weak_theme` each give a point to an item of another theme, so the total stays."""
        base, extra = divmod(points, len(self.items))
        shift = self.count * 5
        scores = {
            item.key: min(item.scale.max, item.scale.min + base + ((k + shift) % len(self.items) < extra))
            for k, item in enumerate(self.items)
        }
        weak = self.themes.get(weak_theme or "", set())
        givers = [i.key for i in self.items if i.key in weak and scores[i.key] > i.scale.min]
        takers = [i.key for i in self.items if i.key not in weak and scores[i.key] < i.scale.max]
        for giver, taker in zip(givers, takers, strict=False):
            scores[giver], scores[taker] = scores[giver] - 1, scores[taker] + 1
        return scores

    def observed_units(self, provider: Provider) -> list[Unit]:
        """The units observed one by one: an institution's departments (a handful at most, else the institution as
        one), and in the dagpleje four dagplejere a visit, in turn, so its combined report has dagplejere to count."""
        childminding = ProviderKind(provider.kind).is_childminding
        kind = UnitKind.CHILDMINDER if childminding else UnitKind.DEPARTMENT
        units = list(
            self.session.exec(
                select(Unit).where(Unit.provider_id == provider.id, Unit.kind == kind).order_by(Unit.name)
            )
        )
        if childminding and units:
            first = (self.count * DAGPLEJERE_PER_VISIT) % len(units)
            return (units[first:] + units[:first])[:DAGPLEJERE_PER_VISIT]
        return units if len(units) <= 3 else []

    def plan(self, name: str, kind: VisitKind, on: date, supervisor: int, *, scored: bool = True) -> Visit:
        provider = self.providers[name]
        principal = self.may(self.supervisors[supervisor], Permission.VISITS_WRITE)
        data = VisitCreate(
            provider_id=provider.id,
            kind=kind,
            planned_on=on,
            unit_ids=[u.id for u in self.observed_units(provider)] if scored else [],
            supervisor_id=uuid.UUID(principal.subject),
            instrument_id=self.instrument.id if scored else None,
            notes=f"Forberedelse: tidligere rapporter og data for {provider.name} er gennemgået.",
            data_sources=self.data_sources(provider, on, scored=scored),
            based_on_curriculum=True,
        )
        return visits.create_visit(self.session, principal, data)

    def data_sources(self, provider: Provider, on: date, *, scored: bool) -> list[DataSource]:
        """What a careful supervisor draws on (§5a stk. 4): the observation, key figures, and what came before."""
        sources = [DataSource.SYSTEMATIC_OBSERVATION] * scored + [DataSource.KEY_FIGURES]
        earlier = select(Visit.id).where(Visit.provider_id == provider.id, Visit.held_on < on)
        if self.session.exec(earlier).first() is not None:
            sources += [DataSource.EARLIER_REPORT, DataSource.EARLIER_DIALOGUE]
        escalated = select(IntensifiedSupervision.id).where(
            IntensifiedSupervision.provider_id == provider.id, IntensifiedSupervision.started_on < on
        )
        if self.session.exec(escalated).first() is not None:
            sources.append(DataSource.EARLIER_INTENSIFIED_OR_ACTION_PLAN)
        if provider.kind != ProviderKind.MUNICIPAL_CHILDMINDING and self.count % 3 == 0:
            sources.append(DataSource.LANGUAGE_ASSESSMENT)
        return sources

    def hold(self, visit: Visit, held_on: date, percent: int | None = None, weak_theme: str | None = None) -> Visit:
        """Observe, hold the dialogue, complete (assessment and escalation) and follow up, as after any visit."""
        self.count += 1
        principal = next(p for p in self.supervisors.values() if p.subject == str(visit.supervisor_id))
        provider = self.session.get(Provider, visit.provider_id)
        if percent is None:
            notes = "Børnene legede i små grupper; de voksne var nærværende og fulgte børnenes initiativer."
            visits.record_observation(self.session, principal, visit, ObservationCreate(notes=notes))
        else:
            points = round(percent * len(self.items) * 4 / 100)  # the demo instrument's items score 1-5
            units = [uuid.UUID(u) for u in visit.unit_ids] or [None]
            for i, unit_id in enumerate(units):
                # Units differ a little around the provider's total; the pooled score stays the target.
                spread = (i - (len(units) - 1) / 2) * 6
                observed = ObservationCreate(unit_id=unit_id, scores=self.scores(int(points + spread), weak_theme))
                visits.record_observation(self.session, principal, visit, observed)
        summary = "Vi talte om læringsmiljøet i hverdagens rutiner og om, hvordan legen organiseres."
        talk = Dialogue(held_on=held_on, participants=["Dagtilbudsleder", "Pædagog", "Medhjælper"], summary=summary)
        visits.record_dialogue(self.session, visit, talk)
        strengths = [STRENGTHS[self.count % 6], STRENGTHS[(self.count + 3) % 6]]
        complete_visit(self.session, visit, Completion(held_on=held_on, strengths=strengths), self.today)
        self.follow_up(principal, visit, provider, held_on)
        return visit

    def follow_up(self, principal: Principal, visit: Visit, provider: Provider, held_on: date) -> None:
        self.may(principal, Permission.FOLLOW_UP_WRITE)
        talk = FollowUpDialogueWrite(
            held_on=min(held_on + timedelta(days=8), self.today),
            participants=["Dagtilbudsleder", principal.name],
            summary="Vurderingen og anbefalingerne blev gennemgået; lederen genkendte billedet.",
            agreed_follow_up="Anbefalingerne indarbejdes i dagtilbuddets udviklingsplan.",
        )
        follow_up.record_dialogue(self.session, visit, None, talk, self.today)
        if provider.has_parent_board:
            method = [NoticeMethod.MEETING, NoticeMethod.EMAIL, NoticeMethod.INTRANET][self.count % 3]
            informed = ParentBoardNoticeCreate(informed_on=min(held_on + timedelta(days=12), self.today), method=method)
            follow_up.inform_parent_board(self.session, visit, informed, self.today)
        if visit.kind == UNANNOUNCED:
            return
        self.may(principal, Permission.RECOMMENDATIONS_WRITE)
        for n in range(1 + self.count % 2):
            text, owner = RECOMMENDATIONS[(self.count + n) % len(RECOMMENDATIONS)]
            due_on = held_on + timedelta(days=150 + 120 * n)
            row = follow_up.create_recommendation(
                self.session, visit, RecommendationCreate(text=text, owner=owner, due_on=due_on)
            )
            if due_on < self.today:
                note = "Gennemført og drøftet ved det efterfølgende tilsyn."
                done = RecommendationUpdate(status=RecommendationStatus.DONE, status_note=note)
                follow_up.update_recommendation(self.session, principal, row, done)

    def visit(
        self, name: str, kind: VisitKind, days_ago: int, supervisor: int, percent: int | None = None, weak: str = ""
    ) -> Visit:
        held_on = self.day(-days_ago)
        planned = self.plan(name, kind, held_on, supervisor, scored=percent is not None)
        return self.hold(planned, held_on, percent, weak or None)


def load_supervision(session: Session, providers: dict[str, Provider], people: dict[str, UserAccount]) -> None:
    """Two cycles of supervision in Fjordby, oldest first, so each step meets the state the API would see.

    `people` holds the demo users by key: supervisor, supervisor2, admin, leader, parent_board.
    """
    demo = _Loader(session, providers, people)
    _declare_conflict(demo)
    for name, supervisor, first, _ in HISTORY:
        if first:
            demo.visit(name, ANNOUNCED, first[0], supervisor, first[1], WEAK_AT_FIRST.get(name, ""))
    _intensified_ended(demo)
    for name, supervisor, days_ago in SNAPSHOTS:
        demo.visit(name, UNANNOUNCED, days_ago, supervisor)
    _own_observation(demo)
    for name, supervisor, _, second in HISTORY:
        if second:
            demo.visit(name, ANNOUNCED, second[0], supervisor, second[1])
    demo.visit(SKOVLY, INTENSIFIED, 50, 1, 47)  # still utilstrækkelig: intensified supervision goes on
    _plan_out_for_comments(demo)
    planned = {
        name: demo.plan(name, kind, demo.day(days), sup, scored=kind != UNANNOUNCED)
        for name, kind, days, sup in PLANNED
    }
    _concerns(demo, planned[SOLSIKKEN])
    _learning_conversation(demo)
    session.flush()


def _own_observation(demo: _Loader) -> None:
    """Solsikken's staff observe their own børnehus before its announced visit and see it more kindly (about 50 %
    against the supervisor's 25 %): the visit's dialogue view shows the two side by side. It never counts."""
    staff = demo.may(principal_of(demo.users["staff"]), Permission.OWN_OBSERVATIONS_RECORD)
    notes = "Egen observation i stuerne: legen er i gang, men overgangene er urolige."
    data = OwnObservationCreate(observed_on=demo.day(-34), scores=demo.scores(len(demo.items) * 2), notes=notes)
    own_observations.record(demo.session, staff, demo.providers[SOLSIKKEN], data, demo.today)


def _declare_conflict(demo: _Loader) -> None:
    """Supervisor 2 is related to someone at Troldehøjen; the administration records it (and plans around it)."""
    user, reason = demo.users["supervisor2"], "Nært familiemedlem er ansat som pædagog i børnehaven."
    impartiality.may_declare(demo.may(demo.admin, Permission.USERS_WRITE), user, Relation.CONFLICT)
    provider_id = demo.providers[CONFLICTED].id
    data = DeclarationCreate(
        provider_id=provider_id, relation=Relation.CONFLICT, reason=reason, declared_on=demo.day(-720)
    )
    impartiality.declare(demo.session, user, data)


def _add_goals(demo: _Loader, plan: ActionPlan, goals: list[tuple[str, str, str]], first_deadline: int) -> list:
    writer = demo.may(demo.supervisors[1], Permission.ACTION_PLANS_WRITE)
    return [
        action_plans.add_item(
            demo.session,
            plan,
            ItemCreate(
                goal=goal,
                actions=actions,
                owner=writer.name if n == 2 else "Dagtilbudsleder",
                deadline=demo.day(first_deadline + 30 * n),
                success_criterion=criterion,
            ),
        )
        for n, (goal, actions, criterion) in enumerate(goals)
    ]


def _intensified_ended(demo: _Loader) -> None:
    """Myretuen (ringe in cycle 1): intensified supervision and an action plan, followed through, then ended."""
    session, writer = demo.session, demo.may(demo.supervisors[1], Permission.ACTION_PLANS_WRITE)
    episode = open_intensified(session, demo.providers[MYRETUEN].id)
    summary = "Læringsmiljøet styrkes med fokus på sprog og leg; fremdriften følges ved skærpede tilsynsbesøg."
    created = ActionPlanCreate(leader_name="Dagtilbudslederen i Myretuen", summary=summary)
    plan = action_plans.create_plan(session, writer, episode, created, demo.day(-640))
    items = _add_goals(demo, plan, GOALS[1:], -600)
    opened = OpenForComments(informed_on=demo.day(-632), method=PlanNoticeMethod.MEETING)
    action_plans.open_for_comments(session, plan, opened, demo.today)
    approver = demo.may(demo.supervisors[1], Permission.ACTION_PLANS_APPROVE)
    action_plans.approve(session, approver, plan, demo.day(-616))  # the board's window ended without comments
    note = "Sprogarbejdet er i gang på alle stuer; legen organiseres nu i mindre grupper."
    action_plans.follow_up(session, plan, FollowUp(followed_up_on=demo.day(-580), note=note), demo.today)
    for item in items:
        action_plans.update_item(session, plan, item, ItemUpdate(status=ItemStatus.DONE))
    reassessment = demo.visit(MYRETUEN, INTENSIFIED, 540, 1, 74)  # the re-assessment: god, no concern
    action_plans.complete(session, plan, demo.day(-535))
    grounds = (
        "Det skærpede tilsynsbesøg viste god kvalitet uden bekymring, og handleplanen er gennemført. "
        "Børnehaven vender tilbage til det almindelige tilsyn."
    )
    admin = demo.may(demo.admin, Permission.INTENSIFIED_END)
    intensified.end(session, admin, episode, IntensifiedEnd(grounds=grounds), demo.day(-530))
    told = ParentBoardNoticeCreate(
        informed_on=demo.day(-525), method=NoticeMethod.MEETING, note="Skærpet tilsyn ophørt."
    )
    follow_up.inform_parent_board(session, reassessment, told, demo.today)  # the board hears of the end too


def _plan_out_for_comments(demo: _Loader) -> None:
    """Solsikken (ringe in cycle 2): its action plan is with the parent board, who have commented once."""
    session, writer = demo.session, demo.may(demo.supervisors[1], Permission.ACTION_PLANS_WRITE)
    episode = open_intensified(session, demo.providers[SOLSIKKEN].id)
    summary = "Trygge morgener, sprog i hverdagen og fællesskaber i legen; følges op ved uanmeldte besøg."
    created = ActionPlanCreate(leader_name=demo.users["leader"].full_name, summary=summary)
    plan = action_plans.create_plan(session, writer, episode, created, demo.today)
    _add_goals(demo, plan, GOALS, 30)
    note = "Planen blev gennemgået på bestyrelsesmødet; bestyrelsen kan kommentere den her."
    opened = OpenForComments(informed_on=demo.day(-5), method=PlanNoticeMethod.MEETING, note=note)
    action_plans.open_for_comments(session, plan, opened, demo.today)
    board = demo.may(demo.parent_board, Permission.ACTION_PLANS_COMMENT)
    text = "Bestyrelsen bakker op om planen og ønsker, at forældrene løbende orienteres på Aula om morgenerne."
    action_plans.add_comment(session, board, plan, CommentCreate(text=text), demo.today)


def _concerns(demo: _Loader, solsikken_visit: Visit) -> None:
    """The concern notices of the last months; two are followed by unannounced visits, one held, one still planned."""
    writer = demo.may(demo.supervisors[1], Permission.CONCERNS_WRITE)
    for name, days_ago, source, reporter, summary, outcome, note in NOTICES:
        data = ConcernNoticeCreate(
            provider_id=demo.providers[name].id,
            received_on=demo.day(-days_ago),
            source=source,
            reporter_name=reporter,
            summary=summary,
        )
        notice = concerns.create_notice(demo.session, writer, data, demo.today)
        if outcome is not None:
            concerns.triage(demo.session, notice, Triage(status=outcome, note=note))
        if name == BOEGELUND:
            held_on = demo.day(-190)
            visit = demo.plan(BOEGELUND, UNANNOUNCED, held_on, 1, scored=False)
            concerns.link_visit(demo.session, notice, LinkVisit(visit_id=visit.id))
            demo.hold(visit, held_on)
        elif name == SOLSIKKEN:  # the planned visit is hidden from Solsikken's own people until it is held
            concerns.link_visit(demo.session, notice, LinkVisit(visit_id=solsikken_visit.id))


def _learning_conversation(demo: _Loader) -> None:
    """Continuous supervision: a læringssamtale with Solsikken's leadership after the announced visit, whose one
    follow-up is still open (in the leader's `/due` and in the coming visit's evidence)."""
    writer = demo.may(demo.supervisors[1], Permission.CONVERSATIONS_WRITE)
    roles = [ParticipantRole.LEADER, ParticipantRole.DEPUTY_LEADER, ParticipantRole.ADMINISTRATION]
    agreed = FollowUpCreate(
        description="Ledelsen lægger en plan for trygge morgener og deler den med netværksgruppen.",
        owner_role=ParticipantRole.LEADER,
        due_on=demo.day(20),
    )
    data = ConversationCreate(
        type_key="learning_conversation",
        held_on=demo.day(-10),
        participants=[*roles, ParticipantRole.NETWORK_GROUP],
        topics=["Tilsynets resultat og handleplanen", "Trygge morgener", "Sprog i hverdagen"],
        data_looked_at=["KIDS", "Sygefravær", "Læringsledelse-undersøgelsen"],
        notes="Ledelsesteamet og forvaltningen gennemgik data og aftalte, hvordan morgenerne styrkes.",
        follow_ups=[agreed],
    )
    conversations.create(demo.session, writer, demo.providers[SOLSIKKEN], data, demo.today)
