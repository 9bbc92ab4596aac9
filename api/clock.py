"""Today's date where the municipalities are. Deadlines are counted in Danish calendar days, not UTC ones."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends

DANISH_TIME = ZoneInfo("Europe/Copenhagen")


def today() -> date:
    """The current date in Denmark; a dependency, so tests can set the day."""
    return datetime.now(DANISH_TIME).date()


TodayDep = Annotated[date, Depends(today)]
