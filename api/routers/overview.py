"""What is due, a visit's evidence (§5a) and a provider's timeline."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["overview"])
