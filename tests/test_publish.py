"""Open-data downloads: real frictionless validation, pandas round trips, formula
neutralisation, the bundle, the data dictionary, determinism."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from generator.generate import run_generate
from generator.publish.schema import INDICATORS, PROJECTS, TABLES, Column
from generator.publish.writers import FORMULA_START, json_text, write_csv, write_xlsx
from generator.records import load_yaml
from generator.settings import Settings
from tests.test_site import HOSTILE, make_site_project


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    paths = make_site_project(tmp_path_factory.mktemp("publish"))
    run_generate(Settings(root=paths.root))
    return paths


def _downloads(paths) -> Path:
    return paths.root / "content" / "downloads"


def test_frictionless_validates_the_data_package(published):
    exe = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(exe), "validate", str(_downloads(published) / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VALID" in result.stdout and "INVALID" not in result.stdout


def test_csv_round_trips_through_pandas_against_the_records(published):
    records = {r["project_id"]: r for r in (load_yaml(p) for p in (published.records).glob("*.yaml"))}
    raw = (_downloads(published) / "projects.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    df = pd.read_csv(
        io.BytesIO(raw),
        encoding="utf-8-sig",
        dtype={"project_id": str, "department_code": str},
        keep_default_na=False,
        na_values=[""],
    )
    assert list(df.columns) == [c.name for c in PROJECTS]
    assert set(df["project_id"]) == set(records)
    for _, row in df.iterrows():
        rec = records[row["project_id"]]
        name = rec["project_name"]
        expected = "'" + name if name.startswith(FORMULA_START) else name
        assert row["project_name"] == expected
        total = rec["funds"]["annual"]["total"]
        assert (pd.isna(row["funds_total_annual_yuan"]) and total is None) or row[
            "funds_total_annual_yuan"
        ] == total
        assert row["indicator_count"] == len(rec["indicators"])
    hostile = df[df["project_id"] == "2024-xiangyuan-003-hostile0000"].iloc[0]
    assert hostile["project_name"] == HOSTILE


def test_formulas_are_neutralised_and_numbers_stay_numbers(published):
    df = pd.read_csv(_downloads(published) / "indicators.csv", encoding="utf-8-sig", keep_default_na=False)
    assert "'=1+1" in set(df["value"])  # the hostile record's value
    for col in ("name", "value", "description", "basis", "level1", "level2", "unit"):
        assert not df[col].astype(str).str.match(r"^[=+\-@\t\r]").any(), col
    assert pd.api.types.is_numeric_dtype(pd.to_numeric(df["number"].replace("", None)))


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(text, st.one_of(st.none(), st.integers(-(10**9), 10**12))), min_size=1, max_size=5))
def test_any_text_round_trips_and_never_starts_a_formula(tmp_path_factory, cells):
    columns = (Column("t", "string", "文字", ""), Column("n", "number", "数", ""))
    rows = [{"t": t, "n": n} for t, n in cells]
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    write_csv(path, columns, rows, "2024-01-01")
    back = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    assert back[0] == ["t", "n"]
    for (t, n), (t2, n2) in zip(cells, back[1:], strict=True):
        assert t2 == ("'" + t if t.startswith(FORMULA_START) else t)
        assert n2 == ("" if n is None else str(n))


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**15), 10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([1e-05, -1.5e-07, 0.0001, 9.999e-05, 1e16, 0.1, 12345.67, -0.0])
    | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_json_values)
def test_json_text_is_what_the_standard_library_writes(value):
    """The API's and downloads' JSON (json_text, pydantic-core) is the text json.dumps writes."""
    assert json_text(value) == json.dumps(value, ensure_ascii=False, indent=1)


def test_json_text_of_ids_takes_the_fast_path(monkeypatch):
    """An id such as "…-5f911d2c8e-2" holds "8e-2" but no float: pydantic-core writes it."""
    import generator.publish.writers as writers

    rows = [{"project_id": "2024-xiangyuan-601-5f911d2c8e-2", "amount": 1.5, "code": "0.00001x"}]
    expected = json.dumps(rows, ensure_ascii=False, indent=1)

    def refused(*args, **kwargs):
        raise AssertionError("json_text fell back to the standard library")

    monkeypatch.setattr(writers.json, "dumps", refused)
    assert json_text(rows) == expected


def test_xlsx_entries_have_fixed_times_however_the_workbook_was_written(tmp_path, monkeypatch):
    """A small workbook (written in memory) and a large one (through temporary files) are
    both stamped with fixed times, not the clock's: the same rows give the same bytes."""
    import generator.publish.writers as writers

    columns = TABLES["departments"]
    row = {c.name: ("文本" if c.type not in ("number", "integer") else 1) for c in columns}
    build_date = "2025-03-01T00:00:00+00:00"
    # 3 rows: in memory (XlsxWriter's own 1980-01-01), then through temporary files (rezipped)
    for in_memory_rows, stamp in ((100, (1980, 1, 1, 0, 0, 0)), (1, (2025, 3, 1, 0, 0, 0))):
        monkeypatch.setattr(writers, "IN_MEMORY_ROWS", in_memory_rows)
        paths = [tmp_path / f"{in_memory_rows}-{n}" / "departments.xlsx" for n in (1, 2)]
        for path in paths:
            path.parent.mkdir()
            write_xlsx(path, columns, [row] * 3, build_date)
        assert paths[0].read_bytes() == paths[1].read_bytes()
        with zipfile.ZipFile(paths[0]) as z:
            assert {i.date_time for i in z.infolist()} == {stamp}


def test_xlsx_has_frozen_headers_text_cells_and_fitting_widths(tmp_path):
    columns = (Column("name", "string", "名称", ""), Column("amount", "number", "金额", ""))
    rows = [
        {"name": '=HYPERLINK("http://x")', "amount": 510000},
        {"name": "城乡义务教育生均公用经费（中央）", "amount": None},
    ]
    path = tmp_path / "t.xlsx"
    write_xlsx(path, columns, rows, "2024-01-01")
    ws = load_workbook(path).active
    assert ws.freeze_panes == "A3"
    assert ws["A3"].data_type == "s" and ws["A3"].value == '\'=HYPERLINK("http://x")'
    assert ws["B3"].value == 510000
    assert ws.column_dimensions["A"].width >= 2 * len("城乡义务教育生均公用经费（中央）")
    first = path.read_bytes()
    write_xlsx(path, columns, rows, "2024-01-01")
    assert path.read_bytes() == first, "xlsx must be byte-for-byte repeatable"


def test_the_bundle_holds_what_its_readme_says(published):
    with zipfile.ZipFile(_downloads(published) / "budget-data.zip") as z:
        names = set(z.namelist())
        readme = z.read("README.txt").decode("utf-8")
        assert z.testzip() is None  # every member's CRC holds (members are written in blocks)
        for name in names - {"README.txt"}:
            assert z.read(name) == (_downloads(published) / name).read_bytes(), name
    sums = (_downloads(published) / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((_downloads(published) / name).read_bytes()).hexdigest() == digest, name
    assert {line.split("  ")[1] for line in sums} >= names - {"README.txt"}
    expected = {f"{t}.{e}" for t in TABLES for e in ("csv", "xlsx", "json")} | {
        "datapackage.json",
        "README.txt",
    }
    assert names == expected
    for name in names - {"README.txt"}:
        assert name.split(".")[0] in readme
    assert ("元" in readme and "CC-BY" in readme) or "Creative Commons" in readme


def test_documented_columns_equal_the_real_headers(published):
    page = (_downloads(published) / "index.md").read_text(encoding="utf-8")
    for table in TABLES:
        section = page.split(f"### {table}（", 1)[1].split("###", 1)[0]
        documented = re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.M)
        header = (_downloads(published) / f"{table}.csv").read_text(encoding="utf-8-sig").splitlines()[0]
        assert documented == header.split(","), table


def test_downloads_count_what_the_site_shows(published):
    projects = pd.read_csv(_downloads(published) / "projects.csv", encoding="utf-8-sig")
    pages = list((published.root / "content" / "projects").glob("*.md"))
    assert len(projects) == len(pages)
    indicators = pd.read_csv(_downloads(published) / "indicators.csv", encoding="utf-8-sig")
    assert len(indicators) == projects["indicator_count"].sum()
    for dept_dir in (_downloads(published) / "departments").iterdir():
        page = (published.root / "content" / "departments" / f"{dept_dir.name}.md").read_text(
            encoding="utf-8"
        )
        rows = len(pd.read_csv(dept_dir / "projects.csv", encoding="utf-8-sig"))
        assert page.count('<td><a href="../projects/') == rows  # its table of projects
    api = list((published.root / "content" / "api" / "projects").glob("*.json"))
    assert len(api) == len(projects)


def test_downloads_are_deterministic(published, tmp_path):
    first = {
        p.relative_to(_downloads(published)): p.read_bytes()
        for p in _downloads(published).rglob("*")
        if p.is_file()
    }
    # a second run into another directory (the same one would be skipped as unchanged)
    again = run_generate(Settings(root=published.root), content=tmp_path / "content")
    assert again.written and "unchanged" not in (again.seconds or {})
    second = {
        p.relative_to(tmp_path / "content" / "downloads"): p.read_bytes()
        for p in (tmp_path / "content" / "downloads").rglob("*")
        if p.is_file()
    }
    assert first == second
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_indicator_columns_are_the_data_model_names():
    assert [c.name for c in INDICATORS][:12] == [
        "project_id",
        "scope",
        "seq",
        "level1",
        "level2",
        "name",
        "description",
        "value",
        "op",
        "number",
        "unit",
        "basis",
    ]
    names = [c.name for c in PROJECTS]
    for col in (
        "funds_total_period_yuan",
        "funds_total_annual_yuan",
        "funds_central_yuan",
        "funds_provincial_yuan",
        "funds_local_yuan",
        "funds_self_raised_yuan",
        "funds_other_yuan",
        "source_file",
        "source_line_start",
        "source_line_end",
        "page_url",
        "quality_flags",
    ):
        assert col in names


# the columns as published before the record model became typed: journalists script
# against these names and types, so they may only ever be added to, never renamed or dropped
RELEASED = {
    "projects": "project_id year province region department_code department_name unit_name project_name "
    "project_code attribute period_years category funds_total_period_yuan funds_total_annual_yuan "
    "funds_central_yuan funds_provincial_yuan funds_local_yuan funds_self_raised_yuan funds_other_yuan "
    "funds_fiscal_yuan funds_general_budget_yuan funds_government_fund_yuan funds_transfer_yuan "
    "funds_central_period_yuan funds_provincial_period_yuan funds_local_period_yuan "
    "funds_self_raised_period_yuan funds_other_period_yuan funds_fiscal_period_yuan "
    "funds_general_budget_period_yuan funds_government_fund_period_yuan funds_transfer_period_yuan "
    "funds_unit_in_source spending_plan fund_use overview basis necessity measures plan goal_period "
    "goal_annual fill_date budget_table_name budget_table_amount_yuan source_file source_line_start "
    "source_line_end page_url quality_flags indicator_count",
    "indicators": "project_id scope seq level1 level2 name description value op number unit basis",
    "departments": "region code name project_count annual_total_yuan province department_key page_url",
}
NUMBERS = {"year", "period_years", "source_line_start", "source_line_end", "indicator_count", "seq", "number"}


def test_released_columns_are_never_renamed_dropped_or_retyped():
    for table, names in RELEASED.items():
        columns = TABLES[table]
        assert [c.name for c in columns[: len(names.split())]] == names.split(), table
        for c in columns:
            numeric = c.name in NUMBERS or c.name.endswith("_yuan") or c.name == "project_count"
            assert (c.type in ("number", "integer")) == numeric, (table, c.name, c.type)
            assert c.title and c.description, (table, c.name)


def test_quality_field_names_an_indicator_as_indicators_csv_does():
    """quality.csv's `field` names an indicator by its scope and seq in indicators.csv."""
    from generator.model import Indicator, Record, SourceRef
    from generator.publish.schema import field_path

    inds = [
        Indicator(scope=s, level1="产出指标", level2="数量指标", name=n, value="1")
        for s, n in (("period", "a"), ("annual", "a"), ("period", "b"))
    ]
    rec = Record(source=SourceRef(file="x.txt", line_start=1, line_end=2), indicators=inds)
    assert [field_path(rec, f"indicators.{n}") for n in range(3)] == [
        "indicators.period.1",
        "indicators.annual.1",
        "indicators.period.2",
    ]
    assert field_path(rec, "indicators.2.value") == "indicators.period.2.value"
    assert field_path(rec, "funds.annual.total") == "funds.annual.total"


def test_a_table_longer_than_a_sheet_goes_on_in_more_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.publish import writers

    monkeypatch.setattr(writers, "SHEET_ROWS", 3)
    columns = TABLES["departments"]
    rows = [
        {c.name: (n if c.type in ("number", "integer") else f"部门{n}") for c in columns} for n in range(7)
    ]
    path = tmp_path / "departments.xlsx"
    write_xlsx(path, columns, rows, "2024-01-01")
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["departments", "departments (2)", "departments (3)"]
    seen = [r for ws in book.worksheets for r in list(ws.iter_rows(values_only=True))[2:]]
    assert len(seen) == 7, "no row is dropped"
    assert [next(iter(ws.iter_rows(values_only=True)))[0] for ws in book.worksheets] == [columns[0].name] * 3


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab 1中文〇𠀀😀é"), max_size=40), min_size=1, max_size=8))
def test_a_column_is_as_wide_as_its_widest_text(texts):
    """_column_width measures only the texts that could be wider: the width of measuring all."""
    from generator.publish.writers import WIDEST, _column_width, _display_width

    assert _column_width(texts) == min(WIDEST, max(8, max(_display_width(t) for t in texts) + 2))


_cell = st.one_of(
    st.none(),
    text,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e-05, -1.5e-07, 0.0001, "=1+1", "0.00001x", "第\r\n二行", ""]),
)
_COLUMNS = (
    Column("a", "string", "甲", ""),
    Column("b", "number", "乙", ""),
    Column("c", "string", "丙", ""),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries({"a": _cell, "b": _cell, "c": _cell, "extra": _cell}), max_size=9))
def test_csv_and_json_downloads_written_in_parts_are_the_text_of_one_piece(tmp_path_factory, rows):
    """write_csv writes as the rows come and write_json a few rows at a time (a corpus-wide
    table is hundreds of MB): the bytes are those of the whole table's text at once."""
    import generator.publish.writers as writers

    folder = tmp_path_factory.mktemp("parts")
    old = writers.JSON_ROWS
    writers.JSON_ROWS = 2  # several parts, the last one shorter or whole
    try:
        writers.write_json(folder / "t.json", _COLUMNS, rows, "2024-01-01")
    finally:
        writers.JSON_ROWS = old
    data = [{c.name: r[c.name] for c in _COLUMNS} for r in rows]
    whole = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    assert (folder / "t.json").read_bytes() == whole.encode("utf-8")
    write_csv(folder / "t.csv", _COLUMNS, rows, "2024-01-01")
    expected = io.StringIO()
    out = csv.writer(expected, lineterminator="\r\n")
    out.writerow([c.name for c in _COLUMNS])
    out.writerows([writers.cell_text(c, r[c.name]) for c in _COLUMNS] for r in rows)
    assert (folder / "t.csv").read_bytes() == ("\ufeff" + expected.getvalue()).encode("utf-8")


def test_project_rows_made_once_are_the_tables_rows(published):
    """A shard makes each project's rows once (ProjectRows) for every table it writes:
    the same rows as project_rows, indicator_rows and quality_rows make of any set of
    projects, in the same order, and the same objects when asked again."""
    from generator.corpus import build_corpus
    from generator.problems import Report
    from generator.publish.tables import ProjectRows, indicator_rows, project_rows, quality_rows
    from generator.records import load_records
    from generator.sources import load_sources

    paths = published
    records = load_records(paths, Report()).records
    corpus = build_corpus(records, load_sources(paths, Report()) or [])
    made = ProjectRows()
    for dept in corpus.departments:
        projects = list(reversed(dept.projects))  # any order in: by id out
        tables = made.tables(projects)
        assert tables["projects"] == project_rows(projects)
        assert tables["indicators"] == indicator_rows(projects)
        assert tables["quality"] == quality_rows(projects)
    whole = made.tables(corpus.projects)
    assert whole["indicators"] == indicator_rows(corpus.projects)
    assert sum(bool(r) for r in whole.values()) == 3
    first = corpus.projects[0]
    assert made.of(first)[0] is made.of(first)[0]
