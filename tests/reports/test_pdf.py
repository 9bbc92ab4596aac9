"""The report PDF as a reader, a screen reader and a case system meet it: real Danish text, a chart, tables that
break across pages with their header, page numbers, embedded fonts, title and language, the same bytes each time.

The PDF is read back with poppler's command-line tools (pdftotext, pdfinfo, pdffonts, pdftoppm), the same
programs many PDF readers are built on. They are required: a missing tool fails the test with an install hint.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from api.reports.pdf import render_pdf
from tests.support.report_content import BAND_SCALE, PROVIDER, SUPERVISOR, recommendations, typical_content

INSTALL_HINT = "{tool} is missing: install poppler-utils (apt-get install poppler-utils, or brew install poppler)."
BAR_BLUE = (0x1F, 0x4E, 0x79)  # the chart's bar colour (api/reports/chart.py CURRENT)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(INSTALL_HINT.format(tool=name))
    return path


def run(name: str, *args: str | Path) -> str:
    result = subprocess.run([tool(name), *map(str, args)], capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


@pytest.fixture
def write_pdf(tmp_path: Path):
    counter = iter(range(1000))

    def write(pdf: bytes) -> Path:
        path = tmp_path / f"report-{next(counter)}.pdf"
        path.write_bytes(pdf)
        return path

    return write


def text_of(path: Path, *pages: int) -> str:
    """The text in content order (`-raw`), whitespace collapsed, so a table cell's wrapped lines read as one."""
    page_args = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    raw = run("pdftotext", "-raw", *page_args, path, "-")
    return " ".join(raw.replace("\u00a0", " ").split())


def page_count(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", path), re.MULTILINE).group(1))


def test_the_pdf_holds_the_reports_text_as_real_text(write_pdf):
    content = typical_content()
    pdf = render_pdf(content)
    assert pdf.startswith(b"%PDF-")

    text = text_of(write_pdf(pdf))

    assert PROVIDER in text  # "Børnehuset Æblegården": æ, ø and å survive as text
    assert SUPERVISOR in text  # "Mette Sørgård ..."
    assert "Tilsynsrapport" in text
    assert "Udviklingsperspektiv: tilstrækkelig (57,9 %)" in text
    assert "Kontrolperspektiv: bekymring" in text
    assert "Skærpet tilsyn – dagtilbudsloven §5b, stk. 3" in text
    assert content.concern_justification in text
    for rec in content.recommendations:
        assert rec.text in text
    assert "10. marts 2026" in text


def test_the_layout_text_shows_the_headline_results_side_by_side(write_pdf):
    layout = run("pdftotext", "-layout", "-f", "1", "-l", "1", write_pdf(render_pdf(typical_content())), "-")

    line = next(line for line in layout.splitlines() if "Udviklingsperspektiv:" in line)
    assert "Kontrolperspektiv:" in line


def test_the_fonts_are_embedded_truetype(write_pdf):
    pdf = render_pdf(typical_content())
    listing = run("pdffonts", write_pdf(pdf)).splitlines()[2:]  # after the two header lines

    assert listing, "pdffonts lists no fonts"
    for row in listing:
        assert "Vera" in row and "TrueType" in row, f"a font other than the embedded Vera: {row}"
        name, _type, _encoding, emb, *_ = row.split()
        assert emb == "yes", f"{name} is not embedded"
    assert b"/FontFile2" in pdf


def bar_blue_pixels(path: Path, tmp_path: Path) -> int:
    """Pixels of the chart's bar colour on page 1, rendered at 50 dpi as PPM (a header, then raw RGB bytes)."""
    stem = tmp_path / path.stem
    run("pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-singlefile", path, stem)
    data = (tmp_path / f"{stem.name}.ppm").read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert (magic, maxval) == (b"P6", b"255")
    rgb = pixels[: int(width) * int(height) * 3]
    return sum(
        1
        for i in range(0, len(rgb), 3)
        if abs(rgb[i] - BAR_BLUE[0]) < 12 and abs(rgb[i + 1] - BAR_BLUE[1]) < 12 and abs(rgb[i + 2] - BAR_BLUE[2]) < 12
    )


def test_the_chart_is_drawn_on_the_first_page(write_pdf, tmp_path):
    # Robust against layout changes: the same report without anything to chart is the baseline (headings share
    # the colour), and the chart's solid bars must add thousands of pixels of it. Its labels are text as well.
    with_chart = write_pdf(render_pdf(typical_content()))
    without = write_pdf(render_pdf(typical_content(percent=None, earlier=None, areas=(), themes=())))

    added = bar_blue_pixels(with_chart, tmp_path) - bar_blue_pixels(without, tmp_path)

    assert added > 2000, f"the chart added only {added} bar-coloured pixels"
    text = text_of(with_chart, 1)
    assert "Niveauer i kommunens tilsynskoncept" in text
    for step in BAND_SCALE:
        assert step.label_da in text
    assert "Dette tilsyn (10.03.2026)" in text


def test_the_earlier_result_is_compared_in_the_chart(write_pdf):
    text = text_of(write_pdf(render_pdf(typical_content())), 1)

    assert "Tidligere (12.03.2024)" in text
    assert "Tidligere (12.03.2024): tilstrækkelig, 66 %" in text  # the legend


def test_without_an_earlier_result_there_is_no_comparison(write_pdf):
    text = text_of(write_pdf(render_pdf(typical_content(earlier=None))))

    assert "Tidligere (" not in text


def test_a_typical_report_is_two_pages_with_numbered_footers(write_pdf):
    path = write_pdf(render_pdf(typical_content()))

    assert page_count(path) == 2
    assert "Side 1 af 2" in text_of(path, 1)
    assert "Side 2 af 2" in text_of(path, 2)
    assert "Fjordby Kommune" in text_of(path, 2)


def test_a_long_recommendations_table_breaks_across_pages_with_its_header(write_pdf):
    recs = recommendations(30)
    path = write_pdf(render_pdf(typical_content(recommendations=recs)))
    pages = page_count(path)
    texts = {n: text_of(path, n) for n in range(1, pages + 1)}

    first = next(n for n, text in texts.items() if recs[0].text in text)
    last = next(n for n, text in texts.items() if recs[-1].text in text)

    assert pages >= 3 and last > first
    for n in range(first + 1, last + 1):
        assert "Nr. Anbefaling Ansvarlig Frist" in texts[n], f"page {n} continues the table without its header"
        assert f"Side {n} af {pages}" in texts[n]
        assert "Fjordby Kommune" in texts[n]
    assert all(rec.text in " ".join(texts.values()) for rec in recs)


def test_the_document_has_a_title_an_author_and_the_danish_language(write_pdf):
    pdf = render_pdf(typical_content())
    info = run("pdfinfo", write_pdf(pdf))

    assert re.search(r"^Title:\s+Tilsynsrapport: Børnehuset Æblegården, 10.03.2026$", info, re.MULTILINE)
    assert re.search(r"^Author:\s+Fjordby Kommune$", info, re.MULTILINE)
    assert re.search(r"^Subject:\s+Pædagogisk tilsyn", info, re.MULTILINE)
    assert b"/Lang (da-DK)" in pdf
    assert b"/DisplayDocTitle true" in pdf  # readers show the title, not the file name


def test_the_same_content_gives_the_same_bytes():
    content = typical_content()

    assert render_pdf(content) == render_pdf(content)
    assert render_pdf(content) != render_pdf(replace(content, visit_date=date(2026, 3, 11)))


def test_user_text_is_printed_as_written_never_read_as_markup(write_pdf):
    summary = "Børn & voksne <b>leger</b> <script>x</script>"
    comment = "Første linje med <i>\nanden linje & mere"
    text = text_of(write_pdf(render_pdf(typical_content(summary=summary, leader_comment=comment))))

    assert summary in text
    assert "Første linje med <i> anden linje & mere" in text


def test_a_correction_says_what_it_replaces(write_pdf):
    content = typical_content(report_version=2, replaces_version=1, correction_note="Rettet stavefejl i temaet.")

    text = text_of(write_pdf(render_pdf(content)))

    assert "Erstatter version 1: Rettet stavefejl i temaet." in text
    assert "Version 2" in text


def test_a_report_without_a_score_or_follow_up_still_renders(write_pdf):
    content = typical_content(
        percent=None,
        band_label_da=None,
        concern_label_da="ingen bekymring",
        concern_justification=None,
        consequences=(),
        areas=(),
        themes=(),
        unit_results=(),
        recommendations=(),
        strengths=(),
        follow_up=None,
        leader_comment=None,
        earlier=None,
        summary=None,
        policy_version=0,
    )

    path = write_pdf(render_pdf(content))
    text = text_of(path)

    assert page_count(path) == 1
    assert "Udviklingsperspektiv: ikke vurderet" in text
    assert "Kontrolperspektiv: ingen bekymring" in text
    assert "Tilsynet giver ingen anbefalinger." in text
    assert "Lederen har ikke kommenteret rapporten." in text
    assert "Tilsynskoncept: kommunens standardkoncept." in text


def test_unscored_themes_and_long_names_are_shown(write_pdf):
    long_name = "Et meget langt temanavn der ikke kan stå på én linje i diagrammets smalle kolonne"
    themes = (*typical_content().themes, replace(typical_content().themes[0], name=long_name))

    text = text_of(write_pdf(render_pdf(typical_content(themes=themes))))

    assert "ikke scoret" in text
    assert long_name in text  # whole in the table, even where the chart shortens it


def font_files(pdf: bytes) -> list[bytes]:
    """The embedded font programs (the streams that carry a /Length1), in the order written."""
    return re.findall(rb"/Length1 \d+[^>]*>>\s*stream\r?\n(.*?)endstream", pdf, re.DOTALL)


def test_reports_with_different_text_embed_the_same_font_subsets():
    # Danish letters first used in a different order (and a different set of them) must not change the subsets, so
    # each is cut out of the font and compressed once per process, not once per report.
    one = render_pdf(typical_content())
    other = render_pdf(typical_content(summary="Øvelser på legepladsen; §-henvisninger – også å og æ.", strengths=()))

    assert font_files(one)
    assert font_files(one) == font_files(other)


def test_a_character_outside_the_fixed_subset_is_still_printed(write_pdf):
    text = text_of(write_pdf(render_pdf(typical_content(summary="Señora Çelik og Ýr besøgte huset."))))

    assert "Señora Çelik og Ýr besøgte huset." in text
