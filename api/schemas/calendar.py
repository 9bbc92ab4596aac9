"""A person's calendar feed: its secret URL once, and afterwards only whether it exists."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import ReadModel


class CalendarFeedCreated(ReadModel):
    """A new calendar feed. The URL is shown this once: the service keeps only a hash of its secret part."""

    url: str = Field(
        description="The feed's secret address (iCalendar, RFC 5545): subscribe to it in a calendar program. "
        "Anyone with it reads your calendar, so treat it as a password; make a new one (the old one then stops "
        "working) or revoke it if it leaks."
    )
    created_at: datetime = Field(description="When the feed was made.")


class CalendarFeedStatus(ReadModel):
    """Whether you have a calendar feed, without its address (which was shown once, when it was made)."""

    active: bool = Field(description="Whether you have a feed that is not revoked.")
    created_at: datetime | None = Field(description="When the feed was made; null without one.")
    last_used_at: datetime | None = Field(
        description="When a calendar program last fetched it (to the hour); null if never, or without a feed."
    )
