"""The council's summary over HTTP, on the demo municipality: what the council reads (PDF, HTML, JSON), that a final
version never changes, corrections, who may read and write, and that no person is named anywhere in it."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from api.clock import today as real_today
from api.demo import DEMO_CYCLE_MONTHS_AGO, load_demo_data
from api.reports.chart import BAND_TINTS
from api.tables import Municipality, Unit, UserAccount
from domain.access import Role
from domain.cycle import add_months
from domain.providers import UnitKind
from tests.support import factories
from tests.support.reports import set_today

V1 = "/api/v1"
URL = f"{V1}/council-summaries"


@pytest.fixture
def demo(db: Session, settings):
    """The demo data loaded; headers per role of Fjordby, and of the neighbouring municipality's admin."""
    assert load_demo_data(db) is True
    db.commit()
    fjordby = db.exec(select(Municipality).where(Municipality.name == "Fjordby Kommune")).one()
    users = db.exec(select(UserAccount).where(UserAccount.municipality_id == fjordby.id)).all()
    headers = {Role(u.role): factories.headers_for(settings, u) for u in users}
    neighbour = db.exec(
        select(UserAccount).where(UserAccount.municipality_id != fjordby.id, UserAccount.role == Role.ADMIN)
    ).first()
    headers["neighbour"] = factories.headers_for(settings, neighbour)
    return fjordby, headers


def created(client, headers, **body) -> dict:
    response = client.post(URL, json=body, headers=headers[Role.ADMIN])
    assert response.status_code == 201, response.text
    return response.json()


def finalised(client, headers, summary: dict) -> dict:
    response = client.post(
        f"{URL}/{summary['id']}/finalise", headers={**headers[Role.ADMIN], "If-Match": f'"{summary["version"]}"'}
    )
    assert response.status_code == 200, response.text
    return response.json()


def pdftotext(pdf: Path, *args: str) -> str:
    binary = shutil.which("pdftotext")
    if binary is None:
        pytest.fail("pdftotext is missing: install poppler-utils to run this test.")
    out = subprocess.run([binary, "-raw", *args, str(pdf), "-"], capture_output=True, check=True, timeout=60)
    return " ".join(out.stdout.decode("utf-8").replace("\u00a0", " ").split())


def band_tint_pixels(pdf: Path, tmp_path: Path) -> int:
    """Pixels on page 1 in the band tints, which only the charts use (rendered at 50 dpi as PPM)."""
    binary = shutil.which("pdftoppm")
    if binary is None:
        pytest.fail("pdftoppm is missing: install poppler-utils to run this test.")
    stem = tmp_path / "page"
    subprocess.run([binary, "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)], check=True)
    _magic, width, height, _maxval, pixels = (tmp_path / "page.ppm").read_bytes().split(maxsplit=4)
    rgb = pixels[: int(width) * int(height) * 3]
    tints = {tuple(int(c * 255) for c in (t.red, t.green, t.blue)) for t in BAND_TINTS}
    return sum(
        1 for i in range(0, len(rgb), 3) if any(all(abs(rgb[i + k] - tint[k]) < 6 for k in range(3)) for tint in tints)
    )


# --- Done when 1: the demo municipality's summary PDF --------------------------------------------------------


def test_the_demo_summary_pdf_shows_both_periods_bands_and_those_under_intensified_supervision_with_a_chart_first(
    client, demo, tmp_path
):
    _, headers = demo
    # The demo's two cycles of 24 months: the first began 36 months ago (its visits 16-23 months ago), the current
    # one 12 months ago. The summary of the current cycle so far compares it with the equally long time before it.
    current_cycle = add_months(real_today(), -(DEMO_CYCLE_MONTHS_AGO - 24))
    summary = created(client, headers, period_from=current_cycle.isoformat())
    content = summary["content"]
    bands = content["quality"]["bands"]
    assert sum(b["now"] for b in bands) > 0 and sum(b["before"] for b in bands) > 0, "the demo has two cycles"
    under = content["concern"]["under_intensified"]
    assert under > 0, "the demo has intensified supervision"

    response = client.get(f"{URL}/{summary['id']}/pdf", headers=headers[Role.ADMIN])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(response.content)
    text = pdftotext(pdf)

    previous, period = content["previous"]["label_da"], content["period"]["label_da"]
    assert previous in text and period in text
    for band in bands:  # the table's row: the band, the period before, the period
        assert f"{band['label_da']} {band['before']} {band['now']}" in text
    assert f"Under skærpet tilsyn {under} dagtilbud i perioden" in text
    assert f"{under} dagtilbud har været under skærpet tilsyn i perioden" in text
    first_page = pdftotext(pdf, "-f", "1", "-l", "1")
    assert "Dagtilbud fordelt på niveauer" in first_page  # the stacked chart's title, on page 1
    assert band_tint_pixels(pdf, tmp_path) > 2000  # and its bars: solid areas in the band tints


# --- the life cycle ------------------------------------------------------------------------------------------


def test_the_default_period_is_the_last_two_years_ending_today(client, demo, app):
    _, headers = demo
    day = set_today(app, real_today())
    summary = created(client, headers)
    assert summary["period_to"] == day.isoformat()
    assert (
        summary["content"]["previous"]["period_to"]
        == (date.fromisoformat(summary["period_from"]) - timedelta(days=1)).isoformat()
    )
    assert date.fromisoformat(summary["period_from"]).year == day.year - 2


def test_a_final_summary_is_immutable_and_keeps_its_figures(client, demo, app):
    _, headers = demo
    day = set_today(app, real_today())
    draft = created(client, headers)
    patched = client.patch(
        f"{URL}/{draft['id']}",
        json={"overall": "Kvaliteten er steget.", "quality": "Flere er gode."},
        headers={**headers[Role.ADMIN], "If-Match": f'"{draft["version"]}"'},
    )
    assert patched.status_code == 200, patched.text
    final = finalised(client, headers, patched.json())
    assert final["status"] == "final" and final["finalised_on"] == day.isoformat()

    refused = client.patch(
        f"{URL}/{final['id']}",
        json={"overall": "Ændret"},
        headers={**headers[Role.ADMIN], "If-Match": f'"{final["version"]}"'},
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:tilsyn:problem:conflict"
    again = client.post(
        f"{URL}/{final['id']}/finalise", headers={**headers[Role.ADMIN], "If-Match": f'"{final["version"]}"'}
    )
    assert again.status_code == 409

    set_today(app, day + timedelta(days=40))  # a draft read later is computed later; the final one is not
    read = client.get(f"{URL}/{final['id']}", headers=headers[Role.ADMIN]).json()
    assert read["content"] == final["content"] and read["content"]["computed_on"] == day.isoformat()
    assert read["commentary"]["overall"] == "Kvaliteten er steget."
    other = created(client, headers, period_from=final["period_from"], period_to=final["period_to"])
    assert other["content"]["computed_on"] == (day + timedelta(days=40)).isoformat()

    audit = client.get(
        f"{V1}/audit-events",
        params={"entity_type": "council_summary", "entity_id": final["id"]},
        headers=headers[Role.ADMIN],
    ).json()["items"]
    assert {e["action"] for e in audit} >= {
        "council-summaries-create",
        "council-summaries-update",
        "council-summaries-finalise",
    }


def test_a_correction_is_a_new_linked_version_that_supersedes_the_final_one(client, demo):
    _, headers = demo
    final = finalised(client, headers, created(client, headers))

    response = client.post(
        f"{URL}/{final['id']}/corrections",
        json={"correction_note": "Tallene for handleplaner er rettet."},
        headers=headers[Role.ADMIN],
    )
    assert response.status_code == 201, response.text
    correction = response.json()
    assert response.headers["location"].endswith(f"/council-summaries/{correction['id']}")
    assert (correction["summary_version"], correction["replaces_id"], correction["status"]) == (2, final["id"], "draft")
    twice = client.post(
        f"{URL}/{final['id']}/corrections", json={"correction_note": "Igen"}, headers=headers[Role.ADMIN]
    )
    assert twice.status_code == 409

    finalised(client, headers, correction)
    old = client.get(f"{URL}/{final['id']}", headers=headers[Role.ADMIN]).json()
    assert old["status"] == "superseded" and old["content"] == final["content"]
    draft_correction = client.post(
        f"{URL}/{correction['id']}/corrections", json={"correction_note": "x"}, headers=headers[Role.ADMIN]
    )
    assert draft_correction.status_code == 201
    refused = client.post(
        f"{URL}/{draft_correction.json()['id']}/corrections", json={"correction_note": "y"}, headers=headers[Role.ADMIN]
    )
    assert refused.status_code == 409  # a draft is changed, not corrected


# --- who may read and write ----------------------------------------------------------------------------------


def test_the_committee_reads_final_versions_but_cannot_write_and_never_sees_a_draft(client, demo):
    _, headers = demo
    committee = headers[Role.COMMITTEE]
    assert client.post(URL, json={}, headers=committee).status_code == 403
    draft = created(client, headers)
    assert client.get(f"{URL}/{draft['id']}", headers=committee).status_code == 404
    assert client.get(f"{URL}/{draft['id']}/pdf", headers=committee).status_code == 404
    assert client.get(URL, headers=committee).json()["items"] == []
    assert client.get(f"{URL}/{draft['id']}", headers=headers[Role.SUPERVISOR]).status_code == 200

    final = finalised(client, headers, draft)
    assert client.get(f"{URL}/{final['id']}", headers=committee).status_code == 200
    assert [i["id"] for i in client.get(URL, headers=committee).json()["items"]] == [final["id"]]
    patch = client.patch(f"{URL}/{final['id']}", json={"overall": "x"}, headers={**committee, "If-Match": '"1"'})
    assert patch.status_code == 403
    assert (
        client.post(f"{URL}/{final['id']}/corrections", json={"correction_note": "x"}, headers=committee).status_code
        == 403
    )
    for role in (Role.LEADER, Role.STAFF, Role.PARENT_BOARD):
        assert client.get(f"{URL}/{final['id']}", headers=headers[role]).status_code == 403


def test_another_municipalitys_summary_is_a_404(client, demo):
    _, headers = demo
    summary = created(client, headers)
    for tail in ("", "/pdf", "/html"):
        assert client.get(f"{URL}/{summary['id']}{tail}", headers=headers["neighbour"]).status_code == 404
    assert client.get(URL, headers=headers["neighbour"]).json()["items"] == []


# --- no person is named --------------------------------------------------------------------------------------


def test_no_persons_name_is_in_the_summarys_json_html_or_pdf(client, demo, db: Session, tmp_path):
    _, headers = demo
    summary = finalised(client, headers, created(client, headers))
    names = [u.full_name for u in db.exec(select(UserAccount)).all()]
    dagplejere = [u.name for u in db.exec(select(Unit).where(Unit.kind == UnitKind.CHILDMINDER)).all()]
    assert names and dagplejere

    json_text = client.get(f"{URL}/{summary['id']}", headers=headers[Role.COMMITTEE]).text
    html = client.get(f"{URL}/{summary['id']}/html", headers=headers[Role.COMMITTEE])
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(client.get(f"{URL}/{summary['id']}/pdf", headers=headers[Role.COMMITTEE]).content)
    pdf_text = pdftotext(pdf)
    for output in (json_text, html.text, pdf_text):
        for name in [*names, *dagplejere]:
            assert not re.search(rf"\b{re.escape(name)}\b", output), name


def test_commentary_that_names_a_person_or_holds_a_phone_number_is_refused(client, demo, db: Session):
    fjordby, headers = demo
    draft = created(client, headers)
    supervisor = db.exec(
        select(UserAccount).where(UserAccount.municipality_id == fjordby.id, UserAccount.role == Role.SUPERVISOR)
    ).first()
    for body, location in (
        ({"overall": f"Tak til {supervisor.full_name} for indsatsen."}, "body.overall"),
        ({"concern": "Ring på 23 45 67 89."}, "body.concern"),
    ):
        response = client.patch(f"{URL}/{draft['id']}", json=body, headers={**headers[Role.ADMIN], "If-Match": '"1"'})
        assert response.status_code == 422, response.text
        assert [e["location"] for e in response.json()["errors"]] == [location]


def test_the_html_page_is_danish_and_gets_the_strict_policy_of_a_page_that_is_not_public(client, demo):
    _, headers = demo
    summary = created(client, headers)
    response = client.get(f"{URL}/{summary['id']}/html", headers=headers[Role.ADMIN])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert '<html lang="da">' in response.text and "Sammenfatning af det pædagogiske tilsyn" in response.text
