"""Importing the provider register and earlier KIDS results (issue 12): keyed by dagtilbudsnummer, all or nothing."""

from __future__ import annotations

from sqlmodel import Session, select

from api.demo import valid_cvr
from api.services.instruments import ensure_demo_instrument
from api.tables import AuditEvent, HistoricalAssessment, Provider
from domain.access import Role
from tests.api.test_imports import upload
from tests.support import factories
from tests.support.imports import excel_csv

REGISTER = ("Dagtilbudsnummer", "Navn", "Type", "Aldersgrupper", "CVR", "P-nummer", "Adresse", "Postnr", "By")
KIDS = ("Dagtilbudsnummer", "Enhed", "Dato", "Område", "Tema", "Procent")


def register_rows(cvr: str):  # type: ignore[no-untyped-def]
    return [
        ("301001", "Børnehuset Æblehaven", "kommunal daginstitution", "0-2, 3-5", "", "1012345678", "Skolevej 1",
         "7100", "Testby"),
        ("301002", "Naturbørnehaven Egen", "private_institution", "3-5", cvr, "", "Skovvej 2", "7100", "Testby"),
    ]  # fmt: skip


def test_the_provider_register_creates_providers_by_dagtilbudsnummer_and_a_second_import_changes_nothing(
    client, world, db: Session
):
    content = excel_csv(REGISTER, register_rows(valid_cvr(7)))
    run = upload(client, world, content, name="register.csv", kind="providers")
    assert run["status"] == "succeeded", run["errors"]
    assert run["counts"]["created"] == 2
    created = db.exec(select(Provider).where(Provider.dagtilbudsnummer == "301002")).one()
    assert (created.kind, created.age_groups, created.cvr) == ("private_institution", ["3-5"], valid_cvr(7))
    audited = db.exec(select(AuditEvent).where(AuditEvent.entity_id == str(created.id))).all()
    assert [e.changes["_verb"] for e in audited] == ["created"]  # each provider is audited on its own
    again = upload(client, world, content, name="register.csv", kind="providers")
    assert again["counts"] == {"rows": 2, "created": 0, "updated": 0, "unchanged": 2, "errors": 0}


def test_a_changed_address_in_the_register_is_refused_unless_the_run_replaces(client, world, db: Session):
    rows = register_rows(valid_cvr(7))
    upload(client, world, excel_csv(REGISTER, rows), name="register.csv", kind="providers")
    rows[0] = (*rows[0][:6], "Nyvej 9", *rows[0][7:])
    refused = upload(client, world, excel_csv(REGISTER, rows), name="register.csv", kind="providers")
    assert [(e["line"], e["column"], e["value"]) for e in refused["errors"]] == [(2, "Adresse", "Nyvej 9")]
    replaced = upload(client, world, excel_csv(REGISTER, rows), name="register.csv", kind="providers", mode="replace")
    assert replaced["counts"]["updated"] == 1 and replaced["counts"]["unchanged"] == 1
    db.expire_all()
    assert db.exec(select(Provider.street).where(Provider.dagtilbudsnummer == "301001")).one() == "Nyvej 9"


def test_a_register_row_breaking_the_providers_rules_is_an_error_and_nothing_is_created(client, world, db: Session):
    rows = register_rows("12345678")  # fails the CVR check digit
    run = upload(client, world, excel_csv(REGISTER, rows), name="register.csv", kind="providers")
    assert run["status"] == "failed"
    assert [(e["line"], e["column"]) for e in run["errors"]] == [(3, "CVR")]
    assert db.exec(select(Provider).where(Provider.dagtilbudsnummer.in_(["301001", "301002"]))).all() == []


def test_kids_history_imports_areas_and_themes_by_key_or_danish_name(client, world, db: Session):
    ensure_demo_instrument(db, world.municipality.id)
    db.commit()
    unit = factories.unit(db, world.provider, name="Børnehaven")
    number = world.provider.dagtilbudsnummer
    rows = [
        (number, "", "15-03-2023", "Relationer", "", "71,5"),
        (number, "", "2023-03-15", "relationships", "Social udvikling", "68"),
        (number, "Børnehaven", "15.03.2023", "play_and_activity", "communication_language", "80,25"),
    ]
    run = upload(client, world, excel_csv(KIDS, rows), name="kids.csv", kind="kids-history", role=Role.SUPERVISOR)
    assert run["status"] == "succeeded", run["errors"]
    stored = db.exec(select(HistoricalAssessment).order_by(HistoricalAssessment.percent)).all()
    assert [(h.area_key, h.theme_key, h.percent, h.unit_id) for h in stored] == [
        ("relationships", "social_development", 68, None),
        ("relationships", "", 71.5, None),
        ("play_and_activity", "communication_language", 80.25, unit.id),
    ]
    assert {h.assessed_on.isoformat() for h in stored} == {"2023-03-15"}
    bad = upload(
        client, world, excel_csv(KIDS, [(number, "", "31-02-2023", "Relationer", "Natur, udeliv og science", "101")]),
        name="kids.csv", kind="kids-history",
    )  # fmt: skip
    assert [(e["column"], e["value"]) for e in bad["errors"]] == [
        ("Dato", "31-02-2023"),
        ("Tema", "Natur, udeliv og science"),
        ("Procent", "101"),
    ]
