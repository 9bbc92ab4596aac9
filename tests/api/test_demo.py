"""Demo data for development: a full fictional municipality, loaded once, and never in production."""

from __future__ import annotations

from collections import Counter

import pytest
from pydantic import ValidationError
from sqlmodel import Session, func, select
from typer.testing import CliRunner

import api.db
from api.cli import app as cli
from api.config import Settings, get_settings
from api.demo import DEMO_LOGINS, SECOND_SUPERVISOR, load_demo_data
from api.tables import AuditEvent, IntegrationClient, Municipality, Provider, Unit, UserAccount
from domain.access import Role
from domain.providers import ProviderKind, UnitKind

PRODUCTION_SECRET = "p" * 40
TABLES = (Municipality, Provider, Unit, UserAccount, IntegrationClient, AuditEvent)


def row_counts(db: Session) -> dict[str, int]:
    return {table.__name__: db.exec(select(func.count()).select_from(table)).one() for table in TABLES}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch):
    """Set TILSYN_* variables for the command line; the cached settings are dropped before and after."""
    get_settings.cache_clear()

    def setenv(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(f"TILSYN_{key.upper()}", value)
        get_settings.cache_clear()

    yield setenv
    get_settings.cache_clear()  # monkeypatch restores the variables afterwards; nothing re-reads them before


def fjordby(db: Session) -> Municipality:
    return db.exec(select(Municipality).where(Municipality.name == "Fjordby Kommune")).one()


def test_demo_data_builds_a_whole_municipality(db: Session):
    assert load_demo_data(db) is True
    db.commit()

    municipality = fjordby(db)
    providers = db.exec(select(Provider).where(Provider.municipality_id == municipality.id)).all()
    assert len(providers) >= 30
    assert {ProviderKind(p.kind) for p in providers} == set(ProviderKind)

    childminding = [p for p in providers if ProviderKind(p.kind) is ProviderKind.MUNICIPAL_CHILDMINDING]
    for dagpleje in childminding:
        units = db.exec(select(Unit).where(Unit.provider_id == dagpleje.id)).all()
        assert units, dagpleje.name
        assert {u.kind for u in units} == {UnitKind.CHILDMINDER}

    users = db.exec(select(UserAccount).where(UserAccount.municipality_id == municipality.id)).all()
    roles = Counter(Role(u.role) for u in users)
    # One user per role, and a second supervisor so a declared conflict of interest can be planned around.
    assert roles == Counter(
        {role: 2 if role is Role.SUPERVISOR else 1 for role in Role if role is not Role.INTEGRATION}
    )
    for user in users:
        assert user.password_hash
        assert (user.provider_id is not None) == Role(user.role).is_provider_bound


def test_every_demo_login_the_command_line_prints_signs_in(client, db: Session):
    assert load_demo_data(db) is True
    db.commit()
    assert SECOND_SUPERVISOR in DEMO_LOGINS

    for login in DEMO_LOGINS:
        form = {"grant_type": "password", "username": login.email, "password": login.password}
        response = client.post("/api/v1/auth/token", data=form)
        assert response.status_code == 200, (login.email, response.text)
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"})
        assert me.status_code == 200, me.text


def test_loading_demo_data_twice_adds_nothing(db: Session):
    assert load_demo_data(db) is True
    db.commit()
    after_first = row_counts(db)

    assert load_demo_data(db) is False
    db.commit()
    assert row_counts(db) == after_first
    assert len(db.exec(select(Municipality).where(Municipality.name == "Fjordby Kommune")).all()) == 1


def test_the_demo_data_command_refuses_in_production(environment, db: Session, tmp_path):
    database = tmp_path / "production.sqlite3"
    environment(environment="production", secret_key=PRODUCTION_SECRET, database_url=f"sqlite:///{database}")
    before = row_counts(db)

    result = CliRunner().invoke(cli, ["demo-data"])

    assert result.exit_code == 2, result.output
    assert "refused" in result.output
    assert not database.exists()
    assert row_counts(db) == before


def test_the_demo_data_command_loads_once_in_development(environment, db: Session, monkeypatch: pytest.MonkeyPatch):
    environment(environment="development")
    monkeypatch.setattr(api.db, "open_session", api.db.session_factory)  # the test's own transaction

    first = CliRunner().invoke(cli, ["demo-data"])
    assert first.exit_code == 0, first.output
    assert "demo data loaded" in first.output
    counts = row_counts(db)

    second = CliRunner().invoke(cli, ["demo-data"])
    assert second.exit_code == 0, second.output
    assert "already present" in second.output
    assert row_counts(db) == counts
    assert fjordby(db) is not None


def test_production_settings_refuse_the_development_secret(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("TILSYN_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="TILSYN_SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="TILSYN_SECRET_KEY"):
        Settings(environment="production", secret_key="too-short")
    assert Settings(environment="production", secret_key=PRODUCTION_SECRET).secret_key == PRODUCTION_SECRET
