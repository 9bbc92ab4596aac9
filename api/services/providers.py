"""Registering, changing and closing providers and their units."""

from __future__ import annotations

import uuid
from datetime import date
from functools import lru_cache

from pydantic import TypeAdapter
from sqlalchemy import Connection, Engine, Integer, String, bindparam, cast, func, or_
from sqlalchemy import select as select_rows
from sqlmodel import Session, select

from api.pagination import Page, SortKey, after_cursor, cursor_values, paginate, plain_page
from api.plain_reads import PlainQuery
from api.principal import Principal
from api.schemas.provider import Closing, ProviderCreate, ProviderRead, ProviderUpdate, UnitCreate, UnitUpdate
from api.services.common import apply_changes, column_values, refuse_nulls
from api.tables import Provider, Unit
from domain.errors import DomainError, ErrorCode, Violation, invalid
from domain.privacy import refuse_personal_data
from domain.providers import AgeGroup, ProviderKind
from domain.states import RegisterStatus as Status

PROVIDER_ORDER = (SortKey(Provider.name), SortKey(Provider.id))
UNIT_ORDER = (SortKey(Unit.name), SortKey(Unit.id))


def _refuse_duplicate_number(
    session: Session, municipality_id: uuid.UUID, number: str, own_id: uuid.UUID | None
) -> None:
    clash = session.exec(
        select(Provider.id).where(Provider.municipality_id == municipality_id, Provider.dagtilbudsnummer == number)
    ).first()
    if clash is not None and clash != own_id:
        message = f"Another provider in the municipality already has dagtilbudsnummer {number}."
        raise DomainError(ErrorCode.DUPLICATE, message, [Violation("body.dagtilbudsnummer", message)])


def list_providers(
    bind: Engine | Connection,
    principal: Principal,
    *,
    kind: ProviderKind | None,
    status: Status | None,
    age_group: AgeGroup | None,
    q: str | None,
    cursor: str | None,
    limit: int,
) -> list[dict]:
    """The rows of a page of the providers the caller sees, by name, read plainly (api/plain_reads.py): up to
    `limit + 1`, for `provider_page`. Run it with `read_plainly`."""
    values: dict = {"municipality_id": principal.municipality_id, "limit": limit + 1}
    if principal.role.is_provider_bound:
        values["provider_id"] = principal.provider_id
    if kind:
        values["kind"] = kind.value
    if status:
        values["status"] = status.value
    if age_group:
        values["age_group"] = f'"{age_group.value}"'
    if q:
        values["pattern"] = f"%{q.strip().lower()}%"
    if cursor:
        values.update(cursor_values(cursor, PROVIDER_ORDER))
    return _page_query(frozenset(values)).all(bind, **values)


def provider_page(rows: list[dict], limit: int) -> Page[ProviderRead]:
    """The page of `list_providers`'s rows, validated in one call, with the cursor after its last provider."""
    return plain_page(_PROVIDERS.validate_python(rows), PROVIDER_ORDER, limit)


_PROVIDERS = TypeAdapter(list[ProviderRead])  # a page's rows validated in one call, not one per row


@lru_cache(maxsize=64)
def _page_query(filters: frozenset[str]) -> PlainQuery:
    """The page's statement for one combination of filters, built once: its values are bound at each run."""
    # The table's columns, not the entity: a page is read, never changed, and 100 plain rows cost a fraction of
    # 100 ORM objects (identity map, instrumented attributes), which were most of a page's time.
    statement = select_rows(Provider.__table__).where(Provider.municipality_id == bindparam("municipality_id"))
    if "provider_id" in filters:
        statement = statement.where(Provider.id == bindparam("provider_id"))
    if "kind" in filters:
        statement = statement.where(Provider.kind == bindparam("kind"))
    if "status" in filters:
        statement = statement.where(Provider.status == bindparam("status"))
    if "age_group" in filters:
        # JSON list membership, portable across SQLite and PostgreSQL: match the quoted value in the text.
        statement = statement.where(cast(Provider.age_groups, String).contains(bindparam("age_group")))
    if "pattern" in filters:
        pattern = bindparam("pattern")
        statement = statement.where(
            or_(func.lower(Provider.name).like(pattern), func.lower(Provider.dagtilbudsnummer).like(pattern))
        )
    if "after_0" in filters:
        statement = statement.where(after_cursor(PROVIDER_ORDER))
    order = [Provider.name, Provider.id]
    return PlainQuery(statement.order_by(*order).limit(bindparam("limit", type_=Integer)), for_read_model=True)


def _refuse_future_cycle_start(values: dict, today: date) -> None:
    # A cycle that has not begun has nothing to count from; before registration is fine (supervision came first).
    start = values.get("cycle_start")
    if start is not None and start > today:
        raise invalid("body.cycle_start", "A cycle cannot start after today; set the day once it has come.")


def create_provider(session: Session, principal: Principal, data: ProviderCreate, today: date) -> Provider:
    _refuse_future_cycle_start(data.model_dump(), today)
    _refuse_duplicate_number(session, principal.municipality_id, data.dagtilbudsnummer, None)
    provider = Provider(**column_values(data), municipality_id=principal.municipality_id)
    session.add(provider)
    session.flush()
    return provider


def update_provider(session: Session, provider: Provider, data: ProviderUpdate, today: date) -> Provider:
    values = column_values(data, only_set=True)
    _refuse_future_cycle_start(values, today)
    refuse_nulls(
        values, ("name", "kind", "age_groups", "dagtilbudsnummer", "street", "postal_code", "city", "has_parent_board")
    )
    if "dagtilbudsnummer" in values:
        _refuse_duplicate_number(session, provider.municipality_id, values["dagtilbudsnummer"], provider.id)
    apply_changes(provider, values)
    session.flush()
    return provider


def _refuse_if_closed(status: str, what: str) -> None:
    if status == Status.CLOSED:
        raise DomainError(ErrorCode.CONFLICT, f"The {what} is already closed.")


def close_provider(session: Session, provider: Provider, closing: Closing) -> Provider:
    """Close the provider and, with it, its open units: a closed provider has no running units."""
    _refuse_if_closed(provider.status, "provider")
    provider.status, provider.closed_on, provider.closing_reason = Status.CLOSED, closing.closed_on, closing.reason
    for unit in session.exec(select(Unit).where(Unit.provider_id == provider.id, Unit.status == Status.ACTIVE)):
        unit.status, unit.closed_on, unit.closing_reason = Status.CLOSED, closing.closed_on, closing.reason
    session.flush()
    return provider


def list_units(
    session: Session, provider: Provider, *, status: Status | None, cursor: str | None, limit: int
) -> Page[Unit]:
    statement = select(Unit).where(Unit.provider_id == provider.id)
    if status:
        statement = statement.where(Unit.status == status)
    return paginate(session, statement, UNIT_ORDER, cursor, limit)


def create_unit(session: Session, provider: Provider, data: UnitCreate) -> Unit:
    _refuse_if_closed(provider.status, "provider")
    refuse_personal_data({"body.name": data.name})  # a unit's name is printed in published reports
    unit = Unit(**column_values(data), provider_id=provider.id)
    session.add(unit)
    session.flush()
    return unit


def update_unit(session: Session, unit: Unit, data: UnitUpdate) -> Unit:
    values = column_values(data, only_set=True)
    refuse_nulls(values, ("name", "kind"))
    refuse_personal_data({"body.name": values.get("name") or ""})  # a unit's name is printed in published reports
    apply_changes(unit, values)
    session.flush()
    return unit


def close_unit(session: Session, unit: Unit, closing: Closing) -> Unit:
    _refuse_if_closed(unit.status, "unit")
    unit.status, unit.closed_on, unit.closing_reason = Status.CLOSED, closing.closed_on, closing.reason
    session.flush()
    return unit
