"""The §5 stk. 3 publication tracker."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["publication"])
