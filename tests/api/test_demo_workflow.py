"""The demo municipality is alive: two cycles of supervision, escalation, an action plan out for comment, concerns.

All of it was written through the services, so what the demo's people see over HTTP is what the rules allow.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlmodel import Session, func, select

import api.clock
from api.demo import DEMO_KOMMUNEKODE, SECOND_SUPERVISOR, load_demo_data
from api.tables import (
    ActionPlan,
    ActionPlanComment,
    Assessment,
    AuditEvent,
    ConcernNotice,
    ImpartialityDeclaration,
    IntensifiedSupervision,
    Municipality,
    ParentBoardNotice,
    Provider,
    Recommendation,
    Report,
    UserAccount,
    Visit,
)
from tests.support.factories import headers_for

BANDS = {"excellent", "good", "adequate", "inadequate", "poor"}
SOLSIKKEN = "Børnehuset Solsikken"
VISITS = "/api/v1/visits"


def load(db: Session) -> dict[str, Provider]:
    """Load the demo data and return Fjordby's providers by name."""
    assert load_demo_data(db) is True
    db.commit()
    fjordby = db.exec(select(Municipality).where(Municipality.kommunekode == DEMO_KOMMUNEKODE)).one()
    return {p.name: p for p in db.exec(select(Provider).where(Provider.municipality_id == fjordby.id))}


def user(db: Session, email: str) -> UserAccount:
    return db.exec(select(UserAccount).where(UserAccount.email == email)).one()


def count(db: Session, table: type) -> int:
    return db.exec(select(func.count()).select_from(table)).one()


def a_year_ago() -> date:
    return api.clock.today() - timedelta(days=365)


def provider_assessments(db: Session, providers: dict[str, Provider]) -> list[Assessment]:
    ids = [p.id for p in providers.values()]
    return list(db.exec(select(Assessment).where(Assessment.provider_id.in_(ids), Assessment.unit_id.is_(None))))


def test_two_cycles_of_visits_give_every_band_and_show_development(db: Session):
    providers = load(db)
    year_ago = a_year_ago()
    assessments = provider_assessments(db, providers)

    recent = [a for a in assessments if a.assessed_on > year_ago]
    assert {a.band_key for a in recent} >= BANDS
    held = [v.held_on for v in db.exec(select(Visit).where(Visit.status == "completed"))]
    assert any(d < year_ago for d in held) and any(d > year_ago for d in held)

    # The announced visit of each cycle, per provider: some providers went up, some down.
    by_cycle: dict[str, dict[bool, float]] = defaultdict(dict)
    for a in assessments:
        visit = db.get(Visit, a.visit_id)
        if visit.kind == "announced" and a.percent is not None:
            by_cycle[str(a.provider_id)][a.assessed_on > year_ago] = a.percent
    both = [cycles for cycles in by_cycle.values() if len(cycles) == 2]
    assert len(both) >= 18
    assert any(c[True] > c[False] for c in both) and any(c[True] < c[False] for c in both)

    # Every completed visit was followed up; boards were informed where there is one; recommendations were given.
    completed = db.exec(select(Visit).where(Visit.status == "completed")).all()
    informed = {n.visit_id for n in db.exec(select(ParentBoardNotice)) if n.visit_id}
    for visit in completed:
        assert (visit.id in informed) == db.get(Provider, visit.provider_id).has_parent_board, visit.id
    assert count(db, Recommendation) >= len([v for v in completed if v.kind == "announced"])


def test_the_second_supervisor_never_visits_where_they_declared_a_conflict(db: Session):
    load(db)
    second = user(db, SECOND_SUPERVISOR.email)
    assert second.full_name == "Demo tilsynsførende 2"
    conflicts = db.exec(select(ImpartialityDeclaration).where(ImpartialityDeclaration.user_id == second.id)).all()
    assert [c.relation for c in conflicts] == ["conflict"]
    theirs = db.exec(select(Visit).where(Visit.supervisor_id == second.id)).all()
    assert theirs
    assert conflicts[0].provider_id not in {v.provider_id for v in theirs}


def test_escalation_has_run_its_course_across_the_municipality(db: Session):
    providers = load(db)
    today = api.clock.today()
    periods = db.exec(select(IntensifiedSupervision)).all()

    still_open = [p for p in periods if p.ended_on is None]
    assert len(still_open) >= 2
    followed_up = [
        p
        for p in still_open
        if db.exec(
            select(Visit).where(
                Visit.provider_id == p.provider_id, Visit.kind == "intensified", Visit.held_on > p.started_on
            )
        ).first()
    ]
    assert followed_up

    ended = [p for p in periods if p.ended_on is not None]
    assert len(ended) == 1
    assert len(ended[0].end_grounds) >= 20 and ended[0].ended_by == "Demo forvaltning"
    ended_plans = db.exec(select(ActionPlan).where(ActionPlan.intensified_id == ended[0].id)).all()
    assert [p.status for p in ended_plans] == ["completed"]

    out_for_comment = db.exec(select(ActionPlan).where(ActionPlan.status == "comment")).all()
    assert len(out_for_comment) == 1
    plan = out_for_comment[0]
    assert plan.provider_id == providers[SOLSIKKEN].id
    informed = db.exec(select(ParentBoardNotice).where(ParentBoardNotice.action_plan_id == plan.id)).one()
    assert informed.informed_on < today <= plan.comment_window_ends
    assert db.exec(select(ActionPlanComment).where(ActionPlanComment.plan_id == plan.id)).all()

    notices = db.exec(select(ConcernNotice)).all()
    assert {"parent", "staff", "partner", "anonymous"} <= {n.source for n in notices}
    assert {"triaged", "dismissed", "visit_planned"} <= {n.status for n in notices}
    for notice in notices:
        assert (notice.reporter_name is None) == (notice.source == "anonymous")
    waiting = [db.get(Visit, n.visit_id) for n in notices if n.visit_id]
    assert any(v.status == "planned" and v.kind == "unannounced" and v.planned_on > today for v in waiting)

    coming = db.exec(select(Visit).where(Visit.status == "planned", Visit.planned_on > today)).all()
    assert {"announced", "unannounced", "intensified"} <= {v.kind for v in coming}


def test_the_demo_leader_cannot_see_the_coming_unannounced_visit_but_the_board_can_comment(client, db, settings):
    providers = load(db)
    solsikken = providers[SOLSIKKEN].id
    hidden = db.exec(
        select(Visit).where(Visit.provider_id == solsikken, Visit.kind == "unannounced", Visit.status == "planned")
    ).one()
    leader = headers_for(settings, user(db, "leader@fjordby.example"))

    assert client.get(f"{VISITS}/{hidden.id}", headers=leader).status_code == 404
    listed = client.get(VISITS, params={"limit": 200}, headers=leader)
    assert listed.status_code == 200, listed.text
    ids = {v["id"] for v in listed.json()["items"]}
    assert ids and str(hidden.id) not in ids

    notices = client.get("/api/v1/concern-notices", headers=leader)
    assert notices.status_code == 200, notices.text
    items = notices.json()["items"]
    assert items
    assert all(n["reporter_name"] is None and n["reporter_contact"] is None for n in items)
    assert all(n["visit_id"] != str(hidden.id) and n["status"] != "visit_planned" for n in items)

    plan = db.exec(select(ActionPlan).where(ActionPlan.provider_id == solsikken, ActionPlan.status == "comment")).one()
    board = headers_for(settings, user(db, "parent-board@fjordby.example"))
    comment = {"text": "Vi vil gerne høre, hvordan morgenerne går efter en måned."}
    response = client.post(f"/api/v1/action-plans/{plan.id}/comments", json=comment, headers=board)
    assert response.status_code == 201, response.text


def test_loading_the_living_municipality_again_adds_nothing(db: Session):
    load(db)
    tables = (Visit, Assessment, Recommendation, ConcernNotice, ActionPlan, IntensifiedSupervision, AuditEvent)
    before = {table.__name__: count(db, table) for table in tables}

    assert load_demo_data(db) is False
    db.commit()
    assert {table.__name__: count(db, table) for table in tables} == before


def test_the_demo_publishes_the_reports_of_older_visits(db: Session):
    load(db)
    published = db.exec(select(Report).where(Report.status == "published")).all()
    assert len(published) >= 20
    assert {r.scope for r in published} == {"provider", "combined"}  # the dagpleje: one combined report
    assert all(r.published_on and r.content for r in published)


def test_the_demo_staffs_own_observation_sits_beside_solsikkens_visit_and_changes_nothing(client, db, settings):
    providers = load(db)
    completed = (Visit.provider_id == providers[SOLSIKKEN].id, Visit.status == "completed", Visit.kind == "announced")
    latest = db.exec(select(Visit).where(*completed).order_by(Visit.held_on.desc())).first()
    leader = headers_for(settings, user(db, "leader@fjordby.example"))

    view = client.get(f"{VISITS}/{latest.id}/dialogue", headers=leader)

    assert view.status_code == 200, view.text
    beside = view.json()["side_by_side"]
    assert [(o["source"], o["recorded_by_role"]) for o in beside["own_observations"]] == [("provider", "staff")]
    assert any(t["differs"] and t["provider_percent"] > t["supervisor_percent"] for t in beside["themes"])
    assessed = db.exec(select(Assessment).where(Assessment.visit_id == latest.id, Assessment.unit_id.is_(None))).one()
    assert assessed.band_key == "poor"  # the supervisor's 25 %, as the story has it
