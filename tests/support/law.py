"""A hypothetical amendment, for tests that show a rule reads the law in force on the day of the act.

The §5a and §5b duties kept their numbers in 2025, so only an amendment that moves them shows that escalation, a
report's consequences or a problem detail cite the law of their day rather than a number typed into the code.
`amended_in_2030` adds one, as domain/law.py says a future amendment is added: one more `LawVersion`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import MappingProxyType

import pytest

from domain import law

IN_2030 = date(2030, 1, 1)


def amended_in_2030(monkeypatch: pytest.MonkeyPatch) -> law.LawVersion:
    """From 1 January 2030, a made-up amendment that moves §5b to §5c (and §5 to §4); returns it."""
    latest = law.VERSIONS[-1]
    moved = {
        duty: law.Paragraph(p.reference.replace("§5b", "§5c").replace("§5,", "§4,"), p.statement_da)
        for duty, p in latest.paragraphs.items()
    }
    version = replace(
        latest,
        key="2030-test",
        title_da="En tænkt ændring (test)",
        source="lov nr. 1 af 1. januar 2030 (test)",
        effective_from=IN_2030,
        paragraphs=MappingProxyType(moved),
    )
    monkeypatch.setattr(law, "VERSIONS", (*law.VERSIONS, version))
    return version
