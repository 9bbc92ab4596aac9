"""The public reads of published reports: what parents, journalists and the provider's website see, with no token.

Done when 3 of issue 5: the public page shows the published report, renders in headless Chromium, and holds no
unpublished data. Report rows are written straight to the database in the states the workflow produces.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlmodel import Session

from api.tables import Report
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories
from tests.support import published as data

PUBLIC = "/api/v1/public"
PUBLISHED_SUMMARY = "Et trygt og legende læringsmiljø med nærværende voksne."
DRAFT_SUMMARY = "UDKAST: læringsmiljøet i vuggestuen er under forventning"
FINAL_SUMMARY = "ENDELIG-IKKE-OFFENTLIGGJORT: sproglige aktiviteter mangler"
SENT_SUMMARY = "SENDT-TIL-LEDER: der mangler struktur i overgangene"
CASE_VALUES = ("ESDH-2026-0042", "26.00.00-G01-42-26", "DOK-987654")
CHROMIUM_HINT = "Headless Chromium is needed for this test: apt-get install chromium (or put `chromium` on PATH)."


@dataclass
class Scene:
    published: Report  # the provider's one public report, with case-system references on its row
    draft: Report  # newer than the published one, and the others too: none of them may show
    sent: Report
    final: Report


@pytest.fixture
def scene(db: Session, world: World) -> Scene:
    supervisor = world.users[Role.SUPERVISOR]
    world.provider.name = "Børnehuset Mælkebøtten"
    db.add(world.provider)
    db.commit()
    published = data.report(
        db,
        world.provider,
        supervisor,
        published_on=date(2026, 3, 2),
        visit_date=date(2026, 1, 20),
        band="god",
        concern="ingen bekymring",
        summary=PUBLISHED_SUMMARY,
        row={"case_id": CASE_VALUES[0], "case_number": CASE_VALUES[1], "document_id": CASE_VALUES[2]},
    )
    later = {"visit_date": date(2026, 5, 4), "band": "utilstrækkelig", "concern": "bekymring"}
    draft = data.report(db, world.provider, supervisor, status="draft", summary=DRAFT_SUMMARY, **later)
    sent = data.report(db, world.provider, supervisor, status="sent", summary=SENT_SUMMARY, **later)
    final = data.report(db, world.provider, supervisor, status="final", summary=FINAL_SUMMARY, **later)
    return Scene(published, draft, sent, final)


def reports_url(world: World, kommunekode: str | None = None) -> str:
    return f"{PUBLIC}/municipalities/{kommunekode or world.municipality.kommunekode}/reports"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def problem(response, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == f"urn:tilsyn:problem:{slug}"


def keys_in(value: Any) -> set[str]:
    """Every key anywhere in a JSON document."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


def unpublished_texts_absent(text: str) -> None:
    for secret in (DRAFT_SUMMARY, SENT_SUMMARY, FINAL_SUMMARY, *CASE_VALUES):
        assert secret not in text, f"{secret!r} is not published and must not show"


# --- the lists ---------------------------------------------------------------------------------------------


def test_the_municipalitys_list_shows_only_the_published_report_without_a_token(client, world: World, scene: Scene):
    response = client.get(reports_url(world))

    assert ids(response) == [str(scene.published.id)]
    item = response.json()["items"][0]
    assert item["provider_id"] == str(world.provider.id)
    assert item["provider_name"] == "Børnehuset Mælkebøtten"
    assert (item["scope"], item["scope_label"], item["unit_name"]) == ("provider", "hele dagtilbuddet", None)
    assert (item["visit_date"], item["published_on"]) == ("2026-01-20", "2026-03-02")
    assert (item["band_label"], item["concern_label"]) == ("god", "ingen bekymring")
    assert (item["report_version"], item["replaces_version"]) == (1, None)
    assert item["links"]["json_url"].endswith(f"{PUBLIC}/reports/{scene.published.id}")
    assert item["links"]["html_url"].endswith(f"{PUBLIC}/reports/{scene.published.id}/html")
    assert item["links"]["pdf_url"].endswith(f"{PUBLIC}/reports/{scene.published.id}/pdf")
    assert response.headers["cache-control"] == "public, max-age=300"
    unpublished_texts_absent(response.text)


def test_the_providers_list_shows_its_published_reports_newest_first_page_by_page(
    client, db: Session, world: World, scene: Scene
):
    supervisor = world.users[Role.SUPERVISOR]
    older = data.report(db, world.provider, supervisor, published_on=date(2024, 2, 1))
    newest = data.report(db, world.provider, supervisor, published_on=date(2026, 4, 1))
    elsewhere = data.report(db, world.other_provider, supervisor, published_on=date(2026, 5, 1))
    url = f"{PUBLIC}/municipalities/{world.municipality.kommunekode}/providers/{world.provider.id}/reports"

    first = client.get(url, params={"limit": 2})
    assert ids(first) == [str(newest.id), str(scene.published.id)]
    assert 'rel="next"' in first.headers["link"]
    second = client.get(url, params={"limit": 2, "cursor": first.json()["next_cursor"]})
    assert ids(second) == [str(older.id)]
    assert second.json()["next_cursor"] is None
    assert str(elsewhere.id) in ids(client.get(reports_url(world)))


def test_a_unit_report_names_its_unit(client, db: Session, world: World):
    unit = factories.unit(db, world.provider, name="Afdeling Skovly")
    row = data.report(
        db, world.provider, world.users[Role.SUPERVISOR], published_on=date(2026, 2, 2), scope="unit", unit=unit
    )

    (item,) = client.get(reports_url(world)).json()["items"]
    assert (item["id"], item["scope"], item["unit_id"], item["unit_name"]) == (
        str(row.id),
        "unit",
        str(unit.id),
        "Afdeling Skovly",
    )


def test_another_municipalitys_kommunekode_does_not_list_these_reports(client, db: Session, world: World, scene: Scene):
    theirs = data.report(db, world.neighbour_provider, world.neighbour_admin, published_on=date(2026, 3, 3))
    neighbour = world.neighbour.kommunekode

    assert ids(client.get(reports_url(world, neighbour))) == [str(theirs.id)]
    assert ids(client.get(reports_url(world))) == [str(scene.published.id)]
    other_route = f"{PUBLIC}/municipalities/{neighbour}/providers/{world.provider.id}/reports"
    problem(client.get(other_route), 404, "not-found")


def test_an_unknown_or_malformed_kommunekode_is_refused(client, world: World):
    codes = {m.kommunekode for m in (world.municipality, world.neighbour)}
    unknown = next(code for code in (f"{n:03d}" for n in range(999, 0, -1)) if code not in codes)

    problem(client.get(reports_url(world, unknown)), 404, "not-found")
    problem(client.get(reports_url(world, "12x")), 422, "invalid-input")


# --- one report --------------------------------------------------------------------------------------------


def test_the_public_json_is_the_frozen_content_and_publication_facts_only(client, world: World, scene: Scene):
    response = client.get(f"{PUBLIC}/reports/{scene.published.id}")

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["kommunekode"], body["municipality"]) == (world.municipality.kommunekode, world.municipality.name)
    assert (body["published_on"], body["report_version"], body["scope"]) == ("2026-03-02", 1, "provider")
    content = body["content"]
    assert content["provider_name"] == "Børnehuset Mælkebøtten"
    assert (content["band_label_da"], content["concern_label_da"]) == ("god", "ingen bekymring")
    assert content["summary"] == PUBLISHED_SUMMARY
    assert content["published_on"] == "2026-03-02"
    assert content["recommendations"][0]["text"] == "Styrk sprogarbejdet i overgangene."
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["etag"] == f'"{scene.published.version}"'
    forbidden = {"case_id", "case_number", "document_id", "filed_at", "published_by", "reporter", "reported_by"}
    assert not keys_in(body) & forbidden
    assert not any("concern_notice" in key or "user_id" in key for key in keys_in(body))
    unpublished_texts_absent(response.text)


@pytest.mark.parametrize("fmt", ["", "/html", "/pdf"])
@pytest.mark.parametrize("state", ["draft", "sent", "final"])
def test_a_report_that_is_not_published_is_404_in_every_format(client, scene: Scene, state: str, fmt: str):
    row = getattr(scene, state)

    problem(client.get(f"{PUBLIC}/reports/{row.id}{fmt}"), 404, "not-found")


def test_a_superseded_report_is_404_while_its_correction_is_listed(client, db: Session, world: World, scene: Scene):
    correction = data.superseded_by(db, scene.published, world.users[Role.SUPERVISOR], world.provider, date(2026, 4, 9))

    for fmt in ("", "/html", "/pdf"):
        problem(client.get(f"{PUBLIC}/reports/{scene.published.id}{fmt}"), 404, "not-found")
    listed = client.get(reports_url(world))
    assert ids(listed) == [str(correction.id)]
    item = listed.json()["items"][0]
    assert (item["report_version"], item["replaces_version"]) == (2, 1)
    body = client.get(f"{PUBLIC}/reports/{correction.id}").json()
    assert body["replaces_version"] == 1
    assert body["content"]["correction_note"].startswith("Rettet:")


def test_a_published_correction_hides_the_old_version_even_if_it_was_left_published(
    client, db: Session, world: World, scene: Scene
):
    supervisor = world.users[Role.SUPERVISOR]
    correction = data.report(db, world.provider, supervisor, published_on=date(2026, 4, 9), replaces=scene.published)

    assert ids(client.get(reports_url(world))) == [str(correction.id)]
    problem(client.get(f"{PUBLIC}/reports/{scene.published.id}"), 404, "not-found")


def test_an_extra_text_with_personal_data_is_withheld(client, db: Session, world: World):
    # `extra` is outside the texts the privacy guard checks at finalisation, so the public side checks it.
    extra = {"Kontakt": "Ring til lederen på 20 30 40 50", "Læreplan": "Læreplanen findes på hjemmesiden."}
    row = data.report(db, world.provider, world.users[Role.SUPERVISOR], published_on=date(2026, 2, 2), extra=extra)

    response = client.get(f"{PUBLIC}/reports/{row.id}")
    assert response.json()["content"]["extra"] == {"Læreplan": "Læreplanen findes på hjemmesiden."}
    assert "20 30 40 50" not in response.text


# --- PDF and the embeddable page ---------------------------------------------------------------------------


def test_the_pdf_is_served_without_a_token(client, scene: Scene):
    response = client.get(f"{PUBLIC}/reports/{scene.published.id}/pdf")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["content-disposition"].startswith("inline;")


def test_the_html_page_may_be_framed_anywhere_and_links_the_pdf(client, scene: Scene):
    response = client.get(f"{PUBLIC}/reports/{scene.published.id}/html")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "x-frame-options" not in response.headers
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors *" in policy and "default-src 'none'" in policy
    assert response.headers["cache-control"] == "public, max-age=300"
    assert f"{PUBLIC}/reports/{scene.published.id}/pdf" in response.text
    for shown in ("Børnehuset Mælkebøtten", "god", "ingen bekymring", PUBLISHED_SUMMARY):
        assert shown in response.text
    unpublished_texts_absent(response.text)


def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.fail(CHROMIUM_HINT)
    return found


def run_chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
    flags += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    command = [chromium(), *flags, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_the_public_page_renders_in_headless_chromium(client, scene: Scene, tmp_path: Path):
    response = client.get(f"{PUBLIC}/reports/{scene.published.id}/html")
    assert response.status_code == 200, response.text
    page = tmp_path / "rapport.html"
    page.write_text(response.text, encoding="utf-8")
    url = page.as_uri()

    dom = run_chromium(tmp_path / "profile-dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr
    for shown in ("Børnehuset Mælkebøtten", "god", "ingen bekymring"):
        assert shown in dom.stdout, f"{shown!r} is not in the rendered page"
    unpublished_texts_absent(dom.stdout)

    png = tmp_path / "rapport.png"
    shot = run_chromium(tmp_path / "profile-shot", f"--screenshot={png}", "--window-size=1200,1600", url)
    assert shot.returncode == 0 and png.exists(), shot.stderr
    image = Image.open(io.BytesIO(png.read_bytes())).convert("L")
    assert image.size == (1200, 1600)
    low, high = image.getextrema()
    assert high - low > 100, "the screenshot is one flat colour: nothing rendered"
    dark = sum(image.histogram()[:128])  # pixels darker than mid-grey: text, rules, the chart
    assert dark > 2000, f"only {dark} dark pixels: too little text rendered"
