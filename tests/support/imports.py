"""Files as municipalities send them (CSV saved by Excel in Denmark, XLSX, JSON) and the catalogue they refer to."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence

from sqlmodel import Session

from api.services import indicators
from api.tables import Indicator, Municipality

VALUE_HEADER = ("Dagtilbudsnummer", "Enhed", "Indikator", "Periode", "Værdi", "Antal")


def catalogue(db: Session, municipality: Municipality) -> dict[str, Indicator]:
    """The municipality's catalogue (Kolding's by default), materialised as the indicator service does on first use."""
    rows = indicators.catalogue(db, municipality.id)
    db.commit()
    return rows


def danish(value: float) -> str:
    """A number as Excel writes it in Denmark: decimal comma."""
    return f"{value:g}".replace(".", ",")


def excel_csv(header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = True) -> bytes:
    """A CSV as Excel in Denmark saves "CSV UTF-8": BOM, `;` between cells, CRLF after each row."""
    lines = [";".join(header)] + [";".join("" if v is None else str(v) for v in row) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def json_rows(header: Sequence[str], rows: Iterable[Sequence[object]], *, wrapped: bool = False) -> bytes:
    items = [dict(zip(header, row, strict=True)) for row in rows]
    return json.dumps({"rows": items} if wrapped else items, ensure_ascii=False).encode("utf-8")
