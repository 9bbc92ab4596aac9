"""The clock: today's date where the municipalities are (deadlines count Danish calendar days) and the instant."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends

DANISH_TIME = ZoneInfo("Europe/Copenhagen")


def today() -> date:
    """The current date in Denmark; a dependency, so tests can set the day."""
    return datetime.now(DANISH_TIME).date()


TodayDep = Annotated[date, Depends(today)]


def now() -> datetime:
    """The current instant, timezone-aware in UTC; a dependency, so tests can move time instead of sleeping."""
    return datetime.now(UTC)


NowDep = Annotated[datetime, Depends(now)]
