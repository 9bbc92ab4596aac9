"""Intensified supervision (skærpet tilsyn): what it requires, and its end."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["intensified supervision"])
