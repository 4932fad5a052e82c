"""`budget-site validate`: every problem at once, with file, line and hint."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from generator.cli import main
from generator.extract import run_extract
from generator.validate import run_validate
from tests.conftest import FIXTURES, RAW

GOOD = "002_267eabc4729ba3a5.txt"


def test_broken_and_mistyped_records_are_all_reported(make_project):
    paths = make_project({GOOD: RAW / GOOD})
    run_extract(paths)
    shutil.copyfile(FIXTURES / "bad" / "broken-record.yaml", paths.records / "broken-record.yaml")
    victim = sorted(paths.records.glob("2024-*.yaml"))[0]
    text = victim.read_text(encoding="utf-8").replace("year: 2024", "year: 二〇二四")
    victim.write_text(text, encoding="utf-8")
    report, loaded = run_validate(paths)
    assert loaded.files == 10
    assert len(loaded.records) == 8 and len(loaded.skipped) == 2  # reported, left out, counted
    problems = {(i.file.rsplit("/", 1)[-1], i.line, i.code) for i in report.errors}
    assert ("broken-record.yaml", 5, "broken-yaml") in problems
    year_line = text.split("\n").index("year: 二〇二四") + 1
    assert (victim.name, year_line, "wrong-type") in problems
    assert len(report.errors) == 2  # the other eight records are fine


def test_validate_exit_status_ignores_quality_flags(make_project):
    paths = make_project({GOOD: RAW / GOOD})
    run_extract(paths)
    result = CliRunner().invoke(main, ["--root", str(paths.root), "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("validated 9 records: 0 errors")
