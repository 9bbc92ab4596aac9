"""Observation instruments (KIDS, ECERS-3, local ones), imported as versioned definitions."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["instruments"])
