"""The demo's year of Fjordby indicator values comes in through the importer, from an Excel CSV in the repo."""

from __future__ import annotations

from sqlmodel import Session, select

from api.demo import DEMO_PROVIDER_WITH_USERS, load_demo_data
from api.demo_indicators import DEMO_VALUES
from api.tables import ImportRun, Indicator, IndicatorValue, Municipality, Provider


def test_the_demo_imports_a_year_of_fjordby_indicator_values_from_its_excel_file(client, db: Session):
    assert DEMO_VALUES.read_bytes().startswith(b"\xef\xbb\xbfDagtilbudsnummer;")  # saved as Excel does in Denmark
    assert load_demo_data(db) is True
    db.commit()
    fjordby = db.exec(select(Municipality).where(Municipality.kommunekode == "998")).one()
    run = db.exec(
        select(ImportRun).where(ImportRun.municipality_id == fjordby.id, ImportRun.kind == "indicator-values")
    ).one()
    lines = DEMO_VALUES.read_text(encoding="utf-8-sig").strip().count("\n")
    assert (run.status, run.kind, run.count_created, run.count_errors) == ("succeeded", "indicator-values", lines, 0)
    values = db.exec(select(IndicatorValue).where(IndicatorValue.municipality_id == fjordby.id)).all()
    assert len(values) == lines and {v.period[:4] for v in values} == {"2025"}
    solsikken = db.exec(select(Provider).where(Provider.name == DEMO_PROVIDER_WITH_USERS)).one()
    deferral = db.exec(
        select(IndicatorValue.value)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(IndicatorValue.provider_id == solsikken.id, Indicator.key == "school_deferral")
    ).one()
    assert deferral == 3  # the small number the demo shows as "<5" beyond admin and supervisors
    token = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "admin@fjordby.example", "password": "demo-admin-pass"},
    ).json()["access_token"]
    listed = client.get("/api/v1/imports", headers={"Authorization": f"Bearer {token}"}).json()["items"]
    assert (DEMO_VALUES.name, lines) in [(r["filename"], r["counts"]["created"]) for r in listed]


def test_the_demo_imports_earlier_kids_results_so_the_default_summary_compares_two_periods(client, db: Session):
    assert load_demo_data(db) is True
    db.commit()
    admin = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "admin@fjordby.example", "password": "demo-admin-pass"},
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {admin}"}
    runs = client.get("/api/v1/imports", headers=headers).json()["items"]
    history = [r for r in runs if r["kind"] == "kids-history"]
    assert len(history) == 1 and history[0]["status"] == "succeeded" and history[0]["counts"]["errors"] == 0
    trends = client.get("/api/v1/trends", headers=headers).json()  # the default: two years against the two before
    assert trends["before"]["imported"] == trends["before"]["providers"] > 0
    assert sum(band["providers"] for band in trends["before"]["bands"]) == trends["before"]["providers"]
