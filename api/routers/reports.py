"""Written reports: draft, the leader's comment, final, published, PDF and HTML."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["reports"])
