"""The provider register: each row a provider, created or (with replace) updated by its dagtilbudsnummer.

Columns: dagtilbudsnummer, name, kind (the slug or the Danish name: `kommunal daginstitution`), age_groups (`0-2`,
`3-5`, or both separated by a comma), cvr, p_number, street, postal_code, city, website_url, has_parent_board
(ja/nej). Each row is checked by the same rules as `POST /providers` (CVR check digit, postal code, ...). A
municipality has at most a few hundred providers, so rows are written through the ORM, each change audited on its
own, besides the run's own audit event.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from api.imports.columns import Column, cell, empty_row
from api.imports.kinds.register import dagtilbudsnummer
from api.imports.merge import Counts
from api.imports.reading import Rows
from api.imports.values import FileProblem, blank, yes_no
from api.schemas.provider import ProviderCreate
from api.services.common import column_values
from api.tables import Provider
from domain.imports import ImportMode, RowOutcome, conflict_detail, outcome
from domain.providers import ProviderKind

MAX_PROVIDER_ROWS = 20_000
COLUMNS = (
    Column("dagtilbudsnummer", frozenset({"dagtilbudsnr", "dagtilbud_nr", "dagtilbuds_nr"})),
    Column("name", frozenset({"navn", "dagtilbud", "institution"})),
    Column("kind", frozenset({"type", "art", "dagtilbudstype"})),
    Column("age_groups", frozenset({"aldersgrupper", "aldersgruppe", "alder"})),
    Column("cvr", frozenset({"cvr_nr", "cvr_nummer"}), required=False),
    Column("p_number", frozenset({"p_nummer", "pnummer", "p_nr", "pnr"}), required=False),
    Column("street", frozenset({"adresse", "vej", "vejnavn"})),
    Column("postal_code", frozenset({"postnr", "postnummer"})),
    Column("city", frozenset({"by", "postdistrikt", "bynavn"})),
    Column("website_url", frozenset({"hjemmeside", "website", "url"}), required=False),
    Column(
        "has_parent_board", frozenset({"forældrebestyrelse", "foraeldrebestyrelse", "parent_board"}), required=False
    ),
)
_KINDS = {k.value: k for k in ProviderKind} | {k.label_da.casefold(): k for k in ProviderKind}
_SPLIT = re.compile(r"\s*[,;|]\s*|\s+og\s+|\s+and\s+")


def _kind(value: Any) -> Any:
    return _KINDS.get(str(value).strip().casefold(), value)


def _age_groups(value: Any) -> Any:
    return [part for part in _SPLIT.split(str(value).strip()) if part]


def _text(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if isinstance(value, str | int) else value


_PARSE: dict[str, Callable[[Any], Any]] = {"kind": _kind, "age_groups": _age_groups, "has_parent_board": yes_no}


def _values(cells: list[Any], index: dict[str, int]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, at in index.items():
        raw = cell(cells, at)
        if blank(raw):
            values[name] = None
        elif name == "dagtilbudsnummer":
            values[name] = dagtilbudsnummer(raw)
        else:
            values[name] = _PARSE.get(name, _text)(raw)
    if values.get("has_parent_board") is None:
        values.pop("has_parent_board", None)  # empty: the default (a parent board) on create, unchanged on update
    return values


def _stored(provider: Provider, fields: dict[str, Any]) -> dict[str, Any]:
    return {name: getattr(provider, name) for name in fields}


def run_providers(session: Session, municipality_id: Any, rows: Rows, mode: ImportMode, dry_run: bool, progress):  # type: ignore[no-untyped-def]
    """Check every row, then (unless a dry run or anything is wrong) create and update the providers."""
    from api.imports.runner import header_errors  # the runner dispatches here; importing at the top would loop

    index, errors = header_errors(rows, COLUMNS)
    counts = Counts()
    if errors.total:
        return counts, errors
    existing = {
        p.dagtilbudsnummer: p
        for p in session.exec(select(Provider).where(Provider.municipality_id == municipality_id)).all()
    }
    seen: dict[str, int] = {}
    writes: list[tuple[Provider | None, dict[str, Any]]] = []
    for line, cells in rows.rows:
        if empty_row(cells):
            continue
        counts.rows += 1
        if counts.rows > MAX_PROVIDER_ROWS:
            raise FileProblem(f"A provider register has at most {MAX_PROVIDER_ROWS:,} rows.")
        if counts.rows % 1000 == 0:
            progress(counts.rows)
        try:
            values = _values(cells, index)
        except ValueError as exc:
            errors.add(line, "has_parent_board", cell(cells, index.get("has_parent_board")), str(exc))
            continue
        number = values.get("dagtilbudsnummer") or ""
        if number in seen:
            errors.add(line, "dagtilbudsnummer", number, f"Line {seen[number]} of the file has this dagtilbudsnummer.")
            continue
        seen[number] = line
        try:
            checked = ProviderCreate.model_validate(values)
        except ValidationError as exc:
            for problem in exc.errors():
                column = str(problem["loc"][0]) if problem["loc"] else None
                errors.add(line, column, values.get(column) if column else None, problem["msg"])
            continue
        fields = {k: v for k, v in column_values(checked).items() if k in values}
        provider = existing.get(checked.dagtilbudsnummer)
        verdict = outcome(None if provider is None else _stored(provider, fields), fields, mode)
        if verdict is RowOutcome.CONFLICT:
            changed = {k: (getattr(provider, k), v) for k, v in fields.items() if getattr(provider, k) != v}
            errors.add(line, next(iter(changed)), str(next(iter(changed.values()))[1]), conflict_detail(changed))
        elif verdict is RowOutcome.UNCHANGED:
            counts.unchanged += 1
        else:
            counts.created += verdict is RowOutcome.CREATED
            counts.updated += verdict is RowOutcome.UPDATED
            writes.append((provider, column_values(checked) if provider is None else fields))
    progress(counts.rows)
    if dry_run or errors.total:
        return counts, errors
    for provider, fields in writes:
        if provider is None:
            session.add(Provider(**fields, municipality_id=municipality_id))
        else:
            for key, value in fields.items():
                setattr(provider, key, value)
    session.flush()
    return counts, errors
