"""Plain functions that arrange data and tokens. Each returns the row it made."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from sqlmodel import Session

from api.config import Settings
from api.demo import valid_cvr
from api.principal import PrincipalKind
from api.security import issue_local_token
from api.tables import IntegrationClient, Municipality, Provider, Unit, UserAccount
from domain.access import Role
from domain.providers import ProviderKind, UnitKind

_sequence = itertools.count(1)


def municipality(db: Session, **overrides: Any) -> Municipality:
    n = next(_sequence)
    row = Municipality(
        **{"name": f"Testby {n} Kommune", "kommunekode": str(101 + n % 899), "cvr": valid_cvr(n), **overrides}
    )
    db.add(row)
    db.commit()
    return row


def provider(db: Session, municipality: Municipality, **overrides: Any) -> Provider:
    n = next(_sequence)
    values = {
        "name": f"Børnehuset Test {n}",
        "kind": ProviderKind.MUNICIPAL_INSTITUTION,
        "age_groups": ["0-2", "3-5"],
        "dagtilbudsnummer": str(500000 + n),
        "street": "Testvej 1",
        "postal_code": "7100",
        "city": "Testby",
        **overrides,
    }
    row = Provider(municipality_id=municipality.id, **values)
    db.add(row)
    db.commit()
    return row


def unit(db: Session, provider: Provider, **overrides: Any) -> Unit:
    row = Unit(
        provider_id=provider.id, **{"name": f"Afdeling {next(_sequence)}", "kind": UnitKind.DEPARTMENT, **overrides}
    )
    db.add(row)
    db.commit()
    return row


def user(
    db: Session, municipality: Municipality, role: Role, provider: Provider | None = None, **overrides: Any
) -> UserAccount:
    values = {
        "email": f"user{next(_sequence)}-{uuid.uuid4().hex[:6]}@test.example",
        "full_name": f"Test {role.value}",
        **overrides,
    }
    row = UserAccount(
        municipality_id=municipality.id, role=role, provider_id=provider.id if provider else None, **values
    )
    db.add(row)
    db.commit()
    return row


def token_for(settings: Settings, account: UserAccount) -> str:
    return issue_local_token(settings, str(account.id), {"typ": PrincipalKind.USER.value}).access_token


def headers_for(settings: Settings, account: UserAccount, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(settings, account)}", **extra}


def client_headers(settings: Settings, client: IntegrationClient, scopes: list[str] | None = None) -> dict[str, str]:
    scope = " ".join(scopes if scopes is not None else client.scopes)
    token = issue_local_token(settings, str(client.id), {"typ": PrincipalKind.CLIENT.value, "scope": scope})
    return {"Authorization": f"Bearer {token.access_token}"}
