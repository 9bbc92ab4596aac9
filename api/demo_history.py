"""Demo data: Fjordby's earlier KIDS results (before this service), imported through the importer.

A municipality that starts using tilsyn has years of KIDS results already; the history import (`tilsyn import
kids-history`) brings them in so trends and the council's summary start from them. The demo does the same: one
result per institution-like provider (not the dagpleje, whose dagplejere are persons, nor private childminding)
about 30 months before today, per area of the demo instrument, written as Excel saves a CSV in Denmark and imported
with `import_in_session`. Dated relative to today, so the default two-year period of a summary always has the
history in its "period before". The percents are deterministic (from the dagtilbudsnummer), spread over the bands.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from api import clock
from api.demo_indicators import DEMO_IMPORTER
from api.services.imports import import_in_session
from api.tables import ImportRun, Municipality, Provider
from domain.cycle import add_months
from domain.imports import ImportKind, ImportStatus
from domain.instruments import DEMO_INSTRUMENT
from domain.providers import ProviderKind

HISTORY_MONTHS_AGO = 30
_WITHOUT_HISTORY = (ProviderKind.MUNICIPAL_CHILDMINDING, ProviderKind.PRIVATE_CHILDMINDING)
_HEADER = "Dagtilbudsnummer;Enhed;Dato;Område;Tema;Procent"


_ANCHORS = (33.5, 46.0, 57.5, 61.0, 66.5, 72.0, 78.5, 88.0)  # one per provider, spread over the bands


def _percent(number: str, area_index: int) -> str:
    """A stable percent with a decimal comma: the provider's anchor, areas a little apart; the same on every load."""
    value = _ANCHORS[int(number) % len(_ANCHORS)] + 3 * (area_index - 1)
    return f"{value:.1f}".replace(".", ",")


def history_csv(providers: list[Provider], on: date) -> str:
    lines = [_HEADER]
    for provider in providers:
        for index, area in enumerate(DEMO_INSTRUMENT.areas):
            percent = _percent(provider.dagtilbudsnummer, index)
            lines.append(f"{provider.dagtilbudsnummer};;{on:%d-%m-%Y};{area.name};;{percent}")
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def import_demo_history(session: Session, municipality: Municipality) -> ImportRun:
    providers = session.exec(
        select(Provider).where(Provider.municipality_id == municipality.id).order_by(Provider.dagtilbudsnummer)
    ).all()
    with_history = [p for p in providers if ProviderKind(p.kind) not in _WITHOUT_HISTORY]
    text = history_csv(with_history, add_months(clock.today(), -HISTORY_MONTHS_AGO))
    with tempfile.TemporaryDirectory(prefix="tilsyn-demo-") as directory:
        path = Path(directory) / "kids-historik-fjordby.csv"
        path.write_text(text, encoding="utf-8", newline="")
        run = import_in_session(session, municipality.id, DEMO_IMPORTER, ImportKind.KIDS_HISTORY, path)
    if run.status != ImportStatus.SUCCEEDED:  # the rows are ours: an error is a bug, not a user's mistake
        raise RuntimeError(f"the demo KIDS history has {run.count_errors} errors; see import run {run.id}")
    return run
