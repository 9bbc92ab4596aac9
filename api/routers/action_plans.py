"""Action plans (handleplaner) on serious concern, with the parent board's comments."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["action plans"])
