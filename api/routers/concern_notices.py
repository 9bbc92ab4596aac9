"""Concern notices (bekymringshenvendelser) and their triage."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["concern notices"])
