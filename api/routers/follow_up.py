"""After a visit: the follow-up dialogue, the parent board informed, recommendations."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["follow-up"])
