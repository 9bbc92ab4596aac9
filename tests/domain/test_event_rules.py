"""Which row changes make which events, who is kept from them, and what their payloads may carry."""

from __future__ import annotations

import uuid
from datetime import date

from domain.event_rules import Verb, events_for_change, parent_of
from domain.events import ChangeOperation, EventType

PROVIDER = uuid.uuid4()


def row(**fields):
    return {"id": uuid.uuid4(), "provider_id": PROVIDER, "version": 1, **fields}


def changed(table, before, **after):
    return events_for_change(table, Verb.UPDATED, before, {**before, **after})


def told(events):
    return [(e.type, e.operation, e.hidden_from_provider) for e in events]


def test_a_planned_unannounced_visit_is_kept_from_the_provider_and_its_completion_is_not():
    visit = row(kind="unannounced", status="planned", planned_on=date(2026, 3, 2), unit_ids=[], supervisor_id=None)
    planned = events_for_change("visit", Verb.CREATED, {}, visit)
    completed = changed("visit", visit, status="completed", held_on=date(2026, 3, 2))
    announced = events_for_change("visit", Verb.CREATED, {}, {**visit, "kind": "announced"})
    assert told(planned) == [(EventType.VISIT_PLANNED, ChangeOperation.CREATED, True)]
    assert told(completed) == [(EventType.VISIT_COMPLETED, ChangeOperation.CHANGED, False)]
    assert told(announced) == [(EventType.VISIT_PLANNED, ChangeOperation.CREATED, False)]


def test_a_cancelled_visit_is_closed_and_a_deleted_row_is_deleted_with_its_id_and_provider_only():
    visit = row(kind="announced", status="planned", planned_on=date(2026, 3, 2), notes="Hemmeligt")
    assert told(changed("visit", visit, status="cancelled")) == [
        (EventType.VISIT_CANCELLED, ChangeOperation.CLOSED, False)
    ]
    [deleted] = events_for_change("supervision_conversation", Verb.DELETED, row(notes="Noter"), {})
    assert (deleted.type, deleted.operation) == (EventType.CONVERSATION_DELETED, ChangeOperation.DELETED)
    assert deleted.payload == {"id": deleted.aggregate_id, "provider_id": str(PROVIDER)}


def test_a_draft_report_is_kept_from_the_provider_until_it_is_sent_to_the_leader():
    draft = row(status="draft", scope="provider", visit_id=uuid.uuid4())
    assert told(events_for_change("report", Verb.CREATED, {}, draft)) == [
        (EventType.REPORT_DRAFTED, ChangeOperation.CREATED, True)
    ]
    assert told(changed("report", draft, summary="Ny tekst")) == [
        (EventType.REPORT_CHANGED, ChangeOperation.CHANGED, True)
    ]
    assert told(changed("report", draft, status="sent")) == [(EventType.REPORT_SENT, ChangeOperation.CHANGED, False)]


def test_a_finalised_report_carries_its_pdf_link_checksum_and_kle_subject():
    sent = row(status="sent", scope="provider", visit_id=uuid.uuid4())
    [final] = changed("report", sent, status="final", pdf_sha256="ab" * 32, kle_classification="28.15.00")
    assert final.type is EventType.REPORT_FINALISED
    assert final.payload["pdf_href"] == f"/api/v1/reports/{sent['id']}/pdf"
    assert (final.payload["pdf_sha256"], final.payload["kle_classification"]) == ("ab" * 32, "28.15.00")


def test_a_concern_notice_stays_as_triaged_for_the_provider_while_its_unannounced_visit_is_planned():
    notice = row(status="triaged", received_on=date(2026, 1, 5), reporter_name="Mor til Ida", summary="Bekymring")
    linked = {**notice, "status": "visit_planned", "visit_id": uuid.uuid4()}
    while_planned = events_for_change(
        "concern_notice", Verb.UPDATED, notice, linked, related={"visit_status": "planned"}
    )
    once_held = events_for_change("concern_notice", Verb.UPDATED, notice, linked, related={"visit_status": "completed"})
    assert told(while_planned) == [(EventType.CONCERN_NOTICE_CHANGED, ChangeOperation.CHANGED, True)]
    assert told(once_held) == [(EventType.CONCERN_NOTICE_CHANGED, ChangeOperation.CHANGED, False)]
    assert set(while_planned[0].payload) == {"id", "provider_id", "received_on", "status", "visit_id", "href"}


def test_ends_and_closures_are_closed_and_approval_is_a_change():
    episode = row(state="intensified", concern="concern", started_on=date(2026, 1, 5), ended_on=None)
    plan = row(status="comment", due_on=date(2026, 2, 1))
    provider = {"id": PROVIDER, "status": "active", "kind": "municipal_institution", "name": "Solsikken"}
    assert told(changed("intensified_supervision", episode, ended_on=date(2026, 6, 1), end_grounds="Godt")) == [
        (EventType.INTENSIFIED_SUPERVISION_ENDED, ChangeOperation.CLOSED, False)
    ]
    assert told(changed("action_plan", plan, status="approved")) == [
        (EventType.ACTION_PLAN_APPROVED, ChangeOperation.CHANGED, False)
    ]
    assert told(changed("action_plan", {**plan, "status": "approved"}, status="completed")) == [
        (EventType.ACTION_PLAN_COMPLETED, ChangeOperation.CLOSED, False)
    ]
    [closed] = changed("provider", provider, status="closed", closed_on=date(2026, 7, 31))
    assert (closed.type, closed.operation, closed.provider_id) == (
        EventType.PROVIDER_CLOSED,
        ChangeOperation.CLOSED,
        PROVIDER,
    )
    assert "Solsikken" not in str(closed.payload)


def test_a_change_to_bookkeeping_alone_makes_no_event_and_other_tables_make_none():
    recommendation = row(status="open", due_on=date(2026, 5, 1), visit_id=uuid.uuid4(), text="Mere sprog")
    assert changed("recommendation", recommendation, version=2, updated_at="later") == []
    assert events_for_change("user_account", Verb.CREATED, {}, row(full_name="Lone Leder")) == []


def test_a_units_own_result_is_not_in_its_assessment_event():
    result = {"visit_id": uuid.uuid4(), "band_key": "poor", "concern": "serious_concern", "assessed_on": date.today()}
    [provider_level] = events_for_change("assessment", Verb.CREATED, {}, row(unit_id=None, **result))
    [unit_level] = events_for_change("assessment", Verb.CREATED, {}, row(unit_id=uuid.uuid4(), **result))
    assert (provider_level.payload["band_key"], provider_level.payload["concern"]) == ("poor", "serious_concern")
    assert (unit_level.payload["band_key"], unit_level.payload["concern"]) == (None, None)
    assert unit_level.payload["href"] == f"/api/v1/visits/{result['visit_id']}/assessments"


def test_a_row_of_an_aggregate_changes_that_aggregate_and_nothing_else_does():
    plan = row(status="draft", due_on=date(2026, 2, 1))
    assert parent_of("action_plan_item", {"plan_id": plan["id"], "goal": "x"}) == ("action_plan", plan["id"])
    assert parent_of("parent_board_notice", {"visit_id": None, "action_plan_id": 7}) == ("action_plan", 7)
    assert parent_of("observation", {"visit_id": 1}) is None
    touched = events_for_change("action_plan", Verb.UPDATED, plan, plan, child_changed=True)
    assert told(touched) == [(EventType.ACTION_PLAN_CHANGED, ChangeOperation.CHANGED, False)]


def test_a_policy_version_is_published_with_its_number_in_the_link():
    [published] = events_for_change(
        "policy_version", Verb.CREATED, {}, {"id": uuid.uuid4(), "number": 3, "effective_from": date(2027, 1, 1)}
    )
    assert published.type is EventType.POLICY_PUBLISHED and published.provider_id is None
    assert published.payload["href"] == "/api/v1/policy/versions/3"
