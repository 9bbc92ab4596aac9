"""The public HTML page of a report: Danish, accessible, self-contained, every user text escaped, and rendered by a
real browser (headless Chromium) to a DOM with the report's text and a screenshot that is not blank.

Chromium is required: a missing browser fails the test with an install hint.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from api.reports.html import render_html
from tests.support.report_content import PROVIDER, SUPERVISOR, typical_content

INSTALL_HINT = "Chromium is missing: install it (apt-get install chromium) or put `chromium` on PATH."
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class _Text(HTMLParser):
    """The text a reader sees (tags dropped, entities decoded), and the elements, for structure checks."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "title"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).replace("\u00a0", " ").split())


def parse(page: str) -> _Text:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return parser


def test_the_page_is_danish_html5_with_a_title_and_headings():
    page = render_html(typical_content())
    doc = parse(page)

    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="da">' in page
    assert '<meta charset="utf-8">' in page
    assert f"<title>Tilsynsrapport: {PROVIDER}, 10.03.2026</title>" in page
    assert [tag for tag, _ in doc.tags].count("h1") == 1
    assert "h2" in [tag for tag, _ in doc.tags]
    assert "<caption>Anbefalinger med ansvarlig og frist</caption>" in page
    assert all(attrs.get("scope") in ("col", "row") for tag, attrs in doc.tags if tag == "th")


def test_the_page_shows_both_perspectives_and_the_whole_report():
    content = typical_content()
    text = parse(render_html(content)).text

    assert "Udviklingsperspektiv: tilstrækkelig (57,9 %)" in text
    assert "Kontrolperspektiv: bekymring" in text
    assert "Skærpet tilsyn – dagtilbudsloven §5b, stk. 3" in text
    assert content.concern_justification in text
    assert SUPERVISOR in text
    for rec in content.recommendations:
        assert rec.text in text
    for strength in content.strengths:
        assert strength in text
    assert content.leader_comment in text
    assert "Tidligere (12.03.2024): tilstrækkelig, 66 %" in text
    assert "Kultur, æstetik og fællesskab ikke scoret" in text


def test_the_chart_draws_each_percent_as_a_bar_against_the_band_scale():
    page = render_html(typical_content())

    assert 'style="width:62.5%"' in page  # Fysiske omgivelser
    assert "linear-gradient(to right,#f6d0d0 0% 30%," in page  # ringe from 0 to 30 behind every bar
    assert page.count('class="track"') == 11  # total, earlier, 3 areas, 6 themes


def test_every_user_text_is_escaped():
    content = typical_content(
        provider_name='Børnehuset "Æble" & <Co>',
        summary="Godt <script>alert('x')</script> læringsmiljø",
        leader_comment="<img src=x onerror=alert(1)>",
        strengths=("<b>fed</b>",),
    )

    page = render_html(content, pdf_url='rapport.pdf"><script>alert(1)</script>')
    text = parse(page).text

    assert "<script" not in page
    assert "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert 'href="rapport.pdf&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "Godt <script>alert('x')</script> læringsmiljø" in text  # shown to the reader as written
    assert 'Børnehuset "Æble" & <Co>' in text


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x"])
def test_a_pdf_link_that_is_not_a_web_address_is_refused(url: str):
    with pytest.raises(ValueError, match="http"):
        render_html(typical_content(), pdf_url=url)


def test_the_page_loads_nothing_from_elsewhere():
    page = render_html(typical_content())

    assert "http" not in page
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page)
    assert "url(" not in page and "@import" not in page and "src=" not in page


def test_the_pdf_link_is_the_only_address():
    page = render_html(typical_content(), pdf_url="https://tilsyn.example/api/v1/public/reports/1.pdf")

    assert re.findall(r"https?://[^\s\"'<>]+", page) == ["https://tilsyn.example/api/v1/public/reports/1.pdf"]
    link = '<a href="https://tilsyn.example/api/v1/public/reports/1.pdf" target="_top">Hent rapporten som PDF</a>'
    assert link in page


def test_a_correction_says_what_it_replaces():
    content = typical_content(report_version=2, replaces_version=1, correction_note="Rettet stavefejl i temaet.")

    assert "Erstatter version 1: Rettet stavefejl i temaet." in parse(render_html(content)).text


def test_a_report_without_a_score_still_renders():
    content = typical_content(percent=None, band_label_da=None, areas=(), themes=(), earlier=None, recommendations=())

    text = parse(render_html(content)).text

    assert "Udviklingsperspektiv: ikke vurderet" in text
    assert "Tilsynet giver ingen anbefalinger." in text


# --- in a real browser ---------------------------------------------------------------------------------------------


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary is None:
        pytest.fail(INSTALL_HINT)
    profile = tmp_path / "chromium-profile"
    return subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def png_pixels(png: bytes) -> bytes:
    """The PNG's decompressed scanlines (each row a filter byte, then the pixels), from its IDAT chunks."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    data, at = b"", 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        if kind == b"IDAT":
            data += png[at + 8 : at + 8 + length]
        at += 12 + length
    return zlib.decompress(data)


@pytest.fixture
def page_file(tmp_path: Path) -> Path:
    path = tmp_path / "rapport.html"
    path.write_text(render_html(typical_content(), pdf_url="rapport.pdf"), encoding="utf-8")
    return path


def test_chromium_renders_the_page_with_the_reports_text(page_file, tmp_path):
    dom = chromium(tmp_path, "--dump-dom", page_file.as_uri()).stdout

    text = parse(dom).text
    assert PROVIDER in text
    assert "Udviklingsperspektiv: tilstrækkelig (57,9 %)" in text
    assert "Kontrolperspektiv: bekymring" in text


def test_chromium_takes_a_screenshot_that_is_not_blank(page_file, tmp_path):
    shot = tmp_path / "rapport.png"

    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", page_file.as_uri())

    png = shot.read_bytes()
    # A blank 1200x1600 page compresses to about 9 KB; a page of text, tables and a chart to far more. And a
    # single-colour image has only a handful of distinct byte values once decompressed; text and tints have many.
    assert len(png) > 40_000, f"the screenshot is only {len(png)} bytes"
    assert len(set(png_pixels(png))) > 100
