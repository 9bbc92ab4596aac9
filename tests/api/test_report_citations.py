"""A report cites the law in force on the day of its visit, in its JSON, its PDF and its public page (issue 9).

Done when 1: a report on a visit held on 2024-11-15 cites §5, stk. 3 for publication, one on a visit held on
2025-02-03 cites §5, stk. 2 (L 48, 2024-25, repealed the framework duty in stk. 2 and renumbered the rest). Both
reports are made final and published in November 2026, so neither can take its numbering from the day it is read.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from domain.access import Role
from tests.api.conftest import World
from tests.support import reports as r

PUBLIC = f"{r.V1}/public/reports"


def published_on_visit(client, app, db: Session, world: World, held_on: str) -> dict:
    """A visit held on `held_on`, completed the day after, and its report published in November 2026."""
    r.set_today(app, date.fromisoformat(held_on) + timedelta(days=1))
    visit = r.completed_visit(client, db, world, held_on=held_on)
    return r.published_report(client, app, world, visit["id"], summary="Et trygt og legende læringsmiljø.")


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.parametrize(
    ("held_on", "cited", "not_cited", "rules"),
    [
        ("2024-11-15", "dagtilbudsloven §5, stk. 3", "§5, stk. 2", "lov nr. 2594 af 28. december 2021"),
        ("2025-02-03", "dagtilbudsloven §5, stk. 2", "§5, stk. 3", "L 48, folketingsåret 2024-25"),
    ],
    ids=["held-2024-11-15", "held-2025-02-03"],
)
def test_a_report_cites_the_publication_duty_of_the_law_in_force_on_its_visits_day(
    client, app, db: Session, world: World, tmp_path, held_on, cited, not_cited, rules
):
    report = published_on_visit(client, app, db, world, held_on)
    assert report["status"] == "published" and report["content"]["visit_date"] == held_on
    publication = f"Rapporten offentliggøres på dagtilbuddets hjemmeside efter {cited}."

    basis = report["content"]["legal_basis"]
    assert publication in basis
    assert any(rules in line for line in basis)
    assert "Tilsynet er dokumenteret skriftligt efter dagtilbudsloven §5b, stk. 2." in basis

    public_json = client.get(f"{PUBLIC}/{report['id']}")
    public_html = client.get(f"{PUBLIC}/{report['id']}/html")
    public_pdf = client.get(f"{PUBLIC}/{report['id']}/pdf")
    assert {public_json.status_code, public_html.status_code, public_pdf.status_code} == {200}
    assert public_json.json()["content"]["legal_basis"] == basis
    pdf = flat(r.pdf_text(public_pdf.content, tmp_path))
    html = flat(public_html.text)
    for shown in (pdf, html):
        assert "Lovgrundlag" in shown and publication in shown
        assert not_cited not in shown  # the other version's numbering appears nowhere in the report
    staff_pdf = client.get(r.report_url(report["id"], "/pdf"), headers=world.headers(Role.STAFF))
    assert publication in flat(r.pdf_text(staff_pdf.content, tmp_path))
