"""Visits and what follows them, arranged directly in the database (independent of the visit endpoints)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlmodel import Session

from api.tables import ConcernNotice, IntegrationClient, Provider, Recommendation, RequiredAction, UserAccount, Visit
from domain.escalation import ActionKind

HELD_ON = date(2026, 3, 10)


def visit(
    db: Session,
    provider: Provider,
    supervisor: UserAccount,
    *,
    kind: str = "announced",
    status: str = "completed",
    **overrides: Any,
) -> Visit:
    """A visit to `provider`; a completed one was held on HELD_ON unless `held_on` says otherwise."""
    values: dict[str, Any] = {
        "planned_on": HELD_ON,
        "held_on": HELD_ON if status == "completed" else None,
        **overrides,
    }
    row = Visit(
        municipality_id=provider.municipality_id,
        provider_id=provider.id,
        kind=kind,
        status=status,
        supervisor_id=supervisor.id,
        **values,
    )
    db.add(row)
    db.commit()
    return row


def required_action(
    db: Session, visit: Visit, kind: ActionKind = ActionKind.INFORM_PARENT_BOARD, **overrides: Any
) -> RequiredAction:
    row = RequiredAction(
        provider_id=visit.provider_id,
        visit_id=visit.id,
        kind=kind.value,
        **{"due_on": date(2026, 4, 10), "legal_reference": "dagtilbudsloven §5b stk. 1", "reason": "Test", **overrides},
    )
    db.add(row)
    db.commit()
    return row


def recommendation(db: Session, visit: Visit, **overrides: Any) -> Recommendation:
    row = Recommendation(
        visit_id=visit.id,
        provider_id=visit.provider_id,
        **{"text": "Styrk sprogarbejdet i vuggestuen.", "owner": "Dagtilbudsleder", "due_on": date(2026, 6, 1)}
        | overrides,
    )
    db.add(row)
    db.commit()
    return row


def concern_notice(db: Session, provider: Provider, **overrides: Any) -> ConcernNotice:
    row = ConcernNotice(
        municipality_id=provider.municipality_id,
        provider_id=provider.id,
        **{
            "received_on": date(2026, 3, 1),
            "source": "parent",
            "reporter_name": "Mette Forælder",
            "reporter_contact": "mette@example.dk",
            "summary": "Børnene er ofte alene på legepladsen.",
        }
        | overrides,
    )
    db.add(row)
    db.commit()
    return row


def integration_client(db: Session, municipality_id, scopes: list[str]) -> IntegrationClient:
    """An integration client (e.g. the case system) holding `scopes`; its secret is never used in tests."""
    row = IntegrationClient(
        municipality_id=municipality_id,
        name="Sagssystem",
        client_id=f"case-{uuid.uuid4().hex[:12]}",
        secret_hash="not-a-real-hash",
        scopes=scopes,
    )
    db.add(row)
    db.commit()
    return row
