"""Demo data: a year of Fjordby's indicator values, imported through the importer from a file kept in the repo.

`api/demo_data/indicators-fjordby-2025.csv` is written as Excel saves a CSV in Denmark (BOM, `;`, decimal comma),
so the demo also shows the import: its run is listed at `GET /imports`. Børnehuset Solsikken's school deferral is 3,
a number below the small-number threshold ("<5" for the leader and the committee).
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from api.services.imports import Actor, import_in_session
from api.tables import ImportRun, Municipality
from domain.imports import ImportKind, ImportStatus

DEMO_VALUES = Path(__file__).parent / "demo_data" / "indicators-fjordby-2025.csv"
DEMO_IMPORTER = Actor("system", "demo-data", "tilsyn demo-data")


def import_demo_indicators(session: Session, municipality: Municipality) -> ImportRun:
    run = import_in_session(session, municipality.id, DEMO_IMPORTER, ImportKind.INDICATOR_VALUES, DEMO_VALUES)
    if run.status != ImportStatus.SUCCEEDED:  # the file is ours: an error in it is a bug, not a user's mistake
        raise RuntimeError(f"the demo indicator file has {run.count_errors} errors; see import run {run.id}")
    return run
