"""`tilsyn import` on the command line: a summary, the errors, and an exit code a script can test (issue 12)."""

from __future__ import annotations

from sqlmodel import Session, func, select
from typer.testing import CliRunner

from api.cli import app as cli
from api.tables import IndicatorValue
from tests.support.imports import VALUE_HEADER, catalogue, excel_csv


def test_the_import_command_exits_0_with_a_summary_and_1_listing_the_errors(world, db: Session, tmp_path):
    catalogue(db, world.municipality)
    number, code = world.provider.dagtilbudsnummer, world.municipality.kommunekode
    good = tmp_path / "values.csv"
    good.write_bytes(excel_csv(VALUE_HEADER, [(number, "", "kids_total", "2024", "71,5", 30)]))
    ok = CliRunner().invoke(cli, ["import", "indicator-values", str(good), "--municipality", code])
    assert ok.exit_code == 0, ok.output
    assert "created 1" in ok.output and "errors 0" in ok.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(excel_csv(VALUE_HEADER, [(number, "", "kids_total", "2025", "lots", 30)]))
    refused = CliRunner().invoke(cli, ["import", "indicator-values", str(bad), "--dry-run", "--municipality", code])
    assert refused.exit_code == 1
    assert "line 2, Værdi: 'lots' Not a number" in refused.output
    assert db.exec(select(func.count()).select_from(IndicatorValue)).one() == 1


def test_the_import_command_refuses_an_unknown_kind(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a\n")
    result = CliRunner().invoke(cli, ["import", "teachers", str(path)])
    assert result.exit_code == 2 and "indicator-values" in result.output
