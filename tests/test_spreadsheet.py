"""The entry template and our own downloads are read back by one importer: what we publish
as projects.xlsx + indicators.xlsx re-imports to the same records."""

from __future__ import annotations

import shutil

from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import main
from generator.extract import run_extract
from generator.model import Record
from generator.publish.schema import INDICATORS, PROJECTS
from generator.publish.tables import indicator_rows, project_rows
from generator.publish.writers import write_xlsx
from tests.conftest import RAW, sources_yaml

GOOD = "002_267eabc4729ba3a5.txt"


def test_the_template_has_the_published_columns_and_the_fixed_choices(tmp_path):
    out = tmp_path / "模板.xlsx"
    result = CliRunner().invoke(main, ["template", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["说明", "项目", "指标"]
    names = [c.value for c in wb["项目"][1]]
    assert names[:2] == ["project_id", "department_code"] and "funds_total_annual_yuan" in names
    assert [c.value for c in wb["指标"][1]] == [c.name for c in INDICATORS if c.name != "seq"]
    lists = {dv.formula1 for dv in wb["指标"].data_validations.dataValidation}
    assert '"period,annual"' in lists


def _records(make_project) -> list[Record]:
    paths = make_project({GOOD: RAW / GOOD})
    return [Record.model_validate(r) for r in run_extract(paths).records.values()]


def test_our_xlsx_downloads_reimport_to_the_same_records(make_project, tmp_path):
    records = _records(make_project)
    root = tmp_path / "again"
    (root / "data" / "raw").mkdir(parents=True)
    write_xlsx(root / "data" / "raw" / "projects.xlsx", PROJECTS, project_rows(records), "2024-01-01")
    write_xlsx(root / "data" / "raw" / "indicators.xlsx", INDICATORS, indicator_rows(records), "2024-01-01")
    entries = [
        (name, "山西省", "阳泉高新区", "yangquan-gxq") for name in ("projects.xlsx", "indicators.xlsx")
    ]
    (root / "data" / "sources.yaml").write_text(sources_yaml(entries), encoding="utf-8")
    from generator.paths import Paths

    outcome = run_extract(Paths(root))
    assert not outcome.report.errors, [p.format() for p in outcome.report.errors]
    again = {r["project_name"]: Record.model_validate(r) for r in outcome.records.values()}
    assert len(again) == len(records) == 9
    for rec in records:
        got = again[rec.project_name]
        assert got.project_id == rec.project_id  # ids come from the content, not the file
        for field in (
            "department_code",
            "department_name",
            "unit_name",
            "attribute",
            "period_years",
            "funds",
            "overview",
            "basis",
            "goal_period",
            "goal_annual",
            "indicators",
            "fill_date",
        ):
            assert getattr(got, field) == getattr(rec, field), (rec.project_name, field)
    shutil.rmtree(root)
