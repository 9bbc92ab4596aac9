"""The change feed as the API shows it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from api.schemas.common import ReadModel
from domain.events import AggregateType, ChangeOperation


class ChangeRead(ReadModel):
    """One event: what happened to which object, at which position of the municipality's feed."""

    position: int = Field(description="The event's place in the municipality's feed; ascends in commit order.")
    id: uuid.UUID = Field(description="The event's id, the same as a webhook delivery's `webhook-id`.")
    type: str = Field(description="The event type, e.g. `visit.planned` (the catalogue: the document's `webhooks`).")
    operation: ChangeOperation = Field(
        description="What the event did to the object: `created`, `changed`, `closed` (ended, kept) or `deleted`."
    )
    aggregate_type: AggregateType = Field(description="The kind of object, e.g. `visit`.")
    aggregate_id: str = Field(description="The object's id.")
    provider_id: uuid.UUID | None = Field(description="The provider the object belongs to; null: municipality-wide.")
    occurred_at: datetime = Field(description="When it happened (UTC).")
    payload: dict[str, Any] = Field(description="The event's data: ids, kinds, dates, states and links; no names.")
    href: str | None = Field(
        description="Where to read the object now (upsert your copy by it); null after a deletion: drop your copy."
    )


class ChangePage(ReadModel):
    """One page of the change feed, oldest first."""

    items: list[ChangeRead] = Field(description="The events on this page, in position order.")
    next_cursor: str = Field(
        description="Always present, even on an empty page: store it and pass it as `cursor` on the next poll."
    )
    has_more: bool = Field(description="True: more events are waiting now, poll again at once; false: caught up.")
