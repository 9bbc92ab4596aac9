"""The audit trail as the API shows it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from api.schemas.common import ReadModel


class AuditEventRead(ReadModel):
    """One recorded write: who, on whose behalf, when, what, and which fields changed."""

    id: uuid.UUID = Field(description="The event's id.")
    at: datetime = Field(description="When the write was committed (UTC).")
    actor_type: str = Field(description="`user`, `client`, `external` or `system` (the command line).")
    actor_id: str = Field(description="The acting user's or client's id.")
    actor_name: str = Field(description="The acting user's or client's name at the time.")
    on_behalf_of: str | None = Field(description="For integration clients: whom they acted for (X-On-Behalf-Of).")
    action: str = Field(description="The operation, named by its operationId, e.g. `providers-close`.")
    entity_type: str = Field(description="The kind of record written, e.g. `provider`.")
    entity_id: str = Field(description="The id of the record written.")
    changes: dict[str, Any] = Field(
        description="`_verb` (created/updated/deleted) and, per changed field, [old value, new value]. "
        "Secrets are shown as `<redacted>`."
    )
    request_id: str | None = Field(description="The request's id (X-Request-ID), to correlate with logs.")


class AuditEventPage(ReadModel):
    """One page of audit events, newest first."""

    items: list[AuditEventRead] = Field(description="The events on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
