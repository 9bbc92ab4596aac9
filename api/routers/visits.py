"""Visits: plan, observe, hold the dialogue, complete; the assessment and escalation that follow."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["visits"])
