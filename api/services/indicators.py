"""The indicator catalogue and indicator values: the domain's rules (domain.indicators) applied to stored rows.

The default catalogue is materialised per municipality on first use (`catalogue`): the keys it lacks are inserted
with ON CONFLICT DO NOTHING, so two first requests at once, or a later release adding a default, are both fine.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import date

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from api.db import dialect_insert
from api.pagination import Page, SortKey, paginate
from api.principal import Principal
from api.schemas.indicator import (
    EvidenceIndicatorValue,
    IndicatorCreate,
    IndicatorRead,
    IndicatorUpdate,
    IndicatorValueCreate,
    IndicatorValueRead,
)
from api.services.common import apply_changes, column_values, refuse_nulls
from api.tables import Indicator, IndicatorValue, Provider, Unit
from api.tables.base import utcnow
from domain.access import Role
from domain.errors import DomainError, ErrorCode, Violation, invalid, not_found
from domain.indicator_catalogue import DEFAULT_KEYS, KOLDING_CATALOGUE
from domain.indicators import (
    IndicatorDefinition,
    IndicatorSource,
    MeasureUnit,
    PeriodKind,
    check_definition,
    check_value,
    latest_period_key_on,
    parse_period,
    present,
    unknown_indicator,
    visible_to,
)
from domain.privacy import refuse_personal_data
from domain.providers import ProviderKind

# Within one provider (every list is one provider's) (scope, indicator) after the period is unique: the value's key.
VALUE_ORDER = (
    SortKey(IndicatorValue.period, descending=True),
    SortKey(IndicatorValue.scope_id),
    SortKey(IndicatorValue.indicator_id),
)
_ANY_PERIOD = r"^\d{4}(-[HR][1-9])?$"


# --- the catalogue -----------------------------------------------------------------------------------------------


def definition(row: Indicator) -> IndicatorDefinition:
    """The stored row as the domain's definition."""
    return IndicatorDefinition(
        key=row.key,
        name=row.name,
        source=IndicatorSource(row.source),
        unit=MeasureUnit(row.unit),
        period_kind=PeriodKind(row.period_kind),
        applies_to=frozenset(ProviderKind(k) for k in row.applies_to),
        shown_to_provider_roles=frozenset(Role(r) for r in row.shown_to_provider_roles),
        publishable=row.publishable,
        scale_min=row.scale_min,
        scale_max=row.scale_max,
        small_number_threshold=row.small_number_threshold,
        description=row.description,
    )


def _columns(d: IndicatorDefinition) -> dict:
    return {
        "key": d.key,
        "name": d.name,
        "description": d.description,
        "source": d.source.value,
        "unit": d.unit.value,
        "scale_min": d.scale_min,
        "scale_max": d.scale_max,
        "period_kind": d.period_kind.value,
        "applies_to": sorted(k.value for k in d.applies_to),
        "shown_to_provider_roles": sorted(r.value for r in d.shown_to_provider_roles),
        "publishable": d.publishable,
        "small_number_threshold": d.small_number_threshold,
    }


def _materialise_defaults(session: Session, municipality_id: uuid.UUID, missing: set[str]) -> None:
    now = utcnow()
    rows = [
        {**_columns(d), "id": uuid.uuid4(), "municipality_id": municipality_id, "created_at": now, "updated_at": now}
        | {"version": 1}
        for d in KOLDING_CATALOGUE
        if d.key in missing
    ]
    statement = dialect_insert(session)(Indicator).values(rows)
    session.execute(statement.on_conflict_do_nothing(index_elements=["municipality_id", "key"]))


def catalogue(session: Session, municipality_id: uuid.UUID) -> dict[str, Indicator]:
    """The municipality's catalogue by key, with the defaults it lacks materialised first (idempotent)."""
    rows = session.exec(select(Indicator).where(Indicator.municipality_id == municipality_id)).all()
    missing = DEFAULT_KEYS - {r.key for r in rows}
    if missing:
        _materialise_defaults(session, municipality_id, missing)
        rows = session.exec(select(Indicator).where(Indicator.municipality_id == municipality_id)).all()
    return {r.key: r for r in sorted(rows, key=lambda r: r.key)}


def as_read(row: Indicator) -> IndicatorRead:
    return IndicatorRead.model_validate({**row.model_dump(), "is_default": row.key in DEFAULT_KEYS})


def list_indicators(session: Session, principal: Principal) -> list[Indicator]:
    rows = catalogue(session, principal.municipality_id).values()
    return [r for r in rows if visible_to(definition(r), principal.role)]


def get_indicator(session: Session, principal: Principal, key: str) -> Indicator:
    """The indicator, if the caller's role may see it; otherwise (or if there is none) a 404."""
    row = catalogue(session, principal.municipality_id).get(key)
    if row is None or not visible_to(definition(row), principal.role):
        raise not_found("indicator")
    return row


def _refuse_personal_data(values: dict[str, str | None]) -> None:
    refuse_personal_data({f"body.{k}": v for k, v in values.items() if v})


def create_indicator(session: Session, principal: Principal, data: IndicatorCreate) -> Indicator:
    sets = {
        "applies_to": frozenset(data.applies_to),
        "shown_to_provider_roles": frozenset(data.shown_to_provider_roles),
    }
    d = IndicatorDefinition(**(column_values(data) | sets))
    check_definition(d)
    _refuse_personal_data({"name": d.name, "description": d.description})
    if d.key in catalogue(session, principal.municipality_id):
        message = f"The catalogue already has an indicator {d.key!r}."
        raise DomainError(ErrorCode.DUPLICATE, message, [Violation("body.key", message)])
    row = Indicator(**_columns(d), municipality_id=principal.municipality_id)
    session.add(row)
    session.flush()
    return row


def update_indicator(session: Session, row: Indicator, data: IndicatorUpdate) -> Indicator:
    values = column_values(data, only_set=True)
    refuse_nulls(values, ("name", "applies_to", "shown_to_provider_roles", "publishable", "small_number_threshold"))
    changes = {k: frozenset(v) if k in ("applies_to", "shown_to_provider_roles") else v for k, v in values.items()}
    d = replace(definition(row), **changes)
    check_definition(d)
    _refuse_personal_data({"name": d.name, "description": d.description})
    columns = _columns(d)
    apply_changes(row, {k: columns[k] for k in values})
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


# --- values ------------------------------------------------------------------------------------------------------


def value_read(row: IndicatorValue, indicator: Indicator, role: Role, model: type = IndicatorValueRead):  # type: ignore[no-untyped-def]
    """A value as a role may see it (the small-number rule of domain.indicators)."""
    d = definition(indicator)
    shown = present(d, row.value, row.count, role)
    return model.model_validate(
        {
            **row.model_dump(),
            "id": row.id,  # derived from the key, not a column
            "indicator": d.key,
            "indicator_name": d.name,
            "unit": d.unit,
            "source": d.source,
            "value": shown.value,
            "count": shown.count,
            "display": shown.display,
            "suppressed": shown.suppressed,
        }
    )


def _period_bound(text: str | None, location: str) -> str | None:
    if text is None:
        return None
    if not re.match(_ANY_PERIOD, text):
        raise invalid(location, f"A period is written like '2025', '2025-H1' or '2025-R1', not {text!r}.")
    return text


def list_values(
    session: Session,
    principal: Principal,
    provider: Provider,
    *,
    indicator: str | None,
    period_from: str | None,
    period_to: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[Page[IndicatorValue], dict[uuid.UUID, Indicator]]:
    """The provider's values the caller may see, newest period first.

    A year bound covers the year's halves and rounds: `period_to=2025` includes `2025-H2` and `2025-R1`.
    """
    by_id = {r.id: r for r in list_indicators(session, principal)}
    if indicator is not None:
        by_id = {i: r for i, r in by_id.items() if r.key == indicator}
        if not by_id:
            raise not_found("indicator")
    low, high = _period_bound(period_from, "query.period_from"), _period_bound(period_to, "query.period_to")
    statement = select(IndicatorValue).where(
        IndicatorValue.provider_id == provider.id, IndicatorValue.indicator_id.in_(list(by_id))
    )
    if low:
        statement = statement.where(IndicatorValue.period >= low)
    if high:
        statement = statement.where(IndicatorValue.period <= high + "~")  # "~" sorts after "-H2" and "-R9"
    return paginate(session, statement, VALUE_ORDER, cursor, limit), by_id


def _unit_of(session: Session, provider: Provider, unit_id: uuid.UUID | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = session.get(Unit, unit_id)
    if unit is None or unit.provider_id != provider.id:
        raise invalid("body.unit_id", "The provider has no unit with that id.")
    return unit


def record_value(
    session: Session, principal: Principal, provider: Provider, data: IndicatorValueCreate
) -> tuple[IndicatorValue, Indicator, bool]:
    """Record one value. Returns the row, its indicator and whether the row is new.

    The same value again changes nothing; a different value for the same provider or unit, indicator and period
    is a 409 unless `replace` says to overwrite it.
    """
    indicator = catalogue(session, principal.municipality_id).get(data.indicator)
    if indicator is None:
        raise unknown_indicator(data.indicator)
    d = definition(indicator)
    if ProviderKind(provider.kind) not in d.applies_to:
        kind = ProviderKind(provider.kind).label_da
        raise invalid("body.indicator", f"{d.key} does not apply to a {kind} (see the indicator's applies_to).")
    unit = _unit_of(session, provider, data.unit_id)
    period = parse_period(data.period, d.period_kind).key
    check_value(d, data.value, data.count)
    _refuse_personal_data({"source_note": data.source_note})
    scope_id = unit.id if unit else provider.id
    existing = session.exec(
        select(IndicatorValue).where(
            IndicatorValue.provider_id == provider.id,
            IndicatorValue.scope_id == scope_id,
            IndicatorValue.indicator_id == indicator.id,
            IndicatorValue.period == period,
        )
    ).first()
    fields = {"value": data.value, "count": data.count, "source_note": data.source_note}
    if existing is not None:
        if (existing.value, existing.count) == (data.value, data.count):
            return existing, indicator, False
        if not data.replace:
            message = (
                f"{d.key} for {period} is already recorded as {existing.value:g}; send replace=true to overwrite it."
            )
            raise DomainError(ErrorCode.CONFLICT, message, [Violation("body.value", message)])
        apply_changes(existing, fields | {"updated_at": utcnow()})
        session.add(existing)
        session.flush()
        return existing, indicator, False
    row = IndicatorValue(
        **fields,
        municipality_id=provider.municipality_id,
        provider_id=provider.id,
        unit_id=unit.id if unit else None,
        scope_id=scope_id,
        indicator_id=indicator.id,
        period=period,
    )
    session.add(row)
    session.flush()
    return row, indicator, True


# --- the evidence of a visit -------------------------------------------------------------------------------------


def evidence_indicators(session: Session, provider: Provider, day: date, role: Role) -> list[EvidenceIndicatorValue]:
    """The latest value up to `day` (its period has begun) of each indicator that applies to the provider's kind,
    for the provider and each of its units, as `role` may see it. One query."""
    kind = ProviderKind(provider.kind)
    applicable = [
        r
        for r in catalogue(session, provider.municipality_id).values()
        if kind in definition(r).applies_to and visible_to(definition(r), role)
    ]
    if not applicable:
        return []
    by_id = {r.id: r for r in applicable}
    up_to_day = or_(
        *(
            and_(
                IndicatorValue.indicator_id.in_([r.id for r in applicable if r.period_kind == period_kind]),
                IndicatorValue.period <= latest_period_key_on(period_kind, day),
            )
            for period_kind in PeriodKind
        )
    )
    newest = (
        func.row_number()
        .over(
            partition_by=(IndicatorValue.indicator_id, IndicatorValue.scope_id),
            order_by=IndicatorValue.period.desc(),
        )
        .label("newest")
    )
    key = (IndicatorValue.scope_id, IndicatorValue.indicator_id, IndicatorValue.period)
    ranked = (
        select(*key, newest)
        .where(IndicatorValue.provider_id == provider.id, IndicatorValue.indicator_id.in_(list(by_id)), up_to_day)
        .subquery()
    )
    same = and_(IndicatorValue.provider_id == provider.id, *(c == ranked.c[c.key] for c in key))
    rows = session.exec(select(IndicatorValue).join(ranked, same).where(ranked.c.newest == 1)).all()
    rows = sorted(rows, key=lambda v: (by_id[v.indicator_id].key, v.unit_id is not None, str(v.unit_id)))
    return [value_read(v, by_id[v.indicator_id], role, EvidenceIndicatorValue) for v in rows]
