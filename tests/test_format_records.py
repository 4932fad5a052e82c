"""The format fixtures end to end: each document of tests/fixtures/formats/ (the three template
families of families.py as Word, PDF, HTML, Excel and Excel 97, plus the continued and the
borderless table) goes through run_extract in a tmp project, and every field of every record
must be what tests/fixtures/formats/expected/<family>.yaml says. Those expectations are written
by hand from the fixtures, not from the extractor's output.

Only provenance that differs by format is not compared: project_id, source.file and the
positions (line, page, sheet, table numbers, continued spans) and quality_notes (their lines);
source.layout and quality_flags are compared.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_core import PydanticUndefined

from generator.extract import run_extract
from generator.model import FundColumn, Indicator, Record
from generator.paths import Paths
from tests.conftest import FIXTURES, sources_yaml

FORMATS = FIXTURES / "formats"
EXPECTED = FORMATS / "expected"
FAMILIES = ("shanxi", "shanghai", "sichuan")
FMTS = ("docx", "pdf", "html", "xlsx", "xls")
WORKBOOKS = {"xlsx": "families.xlsx", "xls": "families.xls"}  # one sheet per family
NOT_COMPARED = {"project_id", "quality_notes"}
EMPTY: dict[str, Any] = {"number": None, "extra": {}}  # an indicator key an expectation leaves out


def _case(family: str, fmt: str) -> Any:
    return pytest.param(family, fmt, id=f"{family}-{fmt}")


CASES = [_case(family, fmt) for family in FAMILIES for fmt in FMTS]
CASES += [_case(family, fmt) for family in ("continued", "borderless") for fmt in ("docx", "pdf")]


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory):
    """A file of tests/fixtures/formats/ -> the records run_extract makes of it (once per file)."""

    @cache
    def run(name: str) -> tuple[dict[str, Any], ...]:
        root = tmp_path_factory.mktemp(Path(name).stem)
        (root / "data" / "raw").mkdir(parents=True)
        shutil.copyfile(FORMATS / name, root / "data" / "raw" / name)
        entry = (name, "测试省", "测试县", "test")
        (root / "data" / "sources.yaml").write_text(sources_yaml([entry]), encoding="utf-8")
        outcome = run_extract(Paths(root))
        order = sorted(outcome.records.values(), key=lambda r: (r["source"].get("table") or 0, _start(r)))
        return tuple(order)  # table by table, each table's projects top to bottom

    return run


def _start(record: dict[str, Any]) -> int:
    return int(record["source"]["line_start"])  # a Word/Excel/HTML/PDF table's row number


def _expected(family: str, fmt: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    spec = yaml.safe_load((EXPECTED / f"{family}.yaml").read_text(encoding="utf-8"))
    printed = (spec.get("formats") or {}).get(fmt, {})
    return spec, [{**record, **printed} for record in spec["records"]]


def _default(model: Any, key: str) -> Any:
    default = model.model_fields[key].get_default(call_default_factory=True)
    return EMPTY.get(key, "") if default is PydanticUndefined else default


def _same(where: str, want: Any, got: Any, out: list[str]) -> None:
    if want != got or (want is None) != (got is None):
        out.append(f"{where}: expected {want!r}, got {got!r}")


def _funds(where: str, want: dict[str, Any], got: dict[str, Any], out: list[str]) -> None:
    _same(f"{where}.unit_in_source", want.get("unit_in_source"), got.get("unit_in_source"), out)
    for side in ("period", "annual"):
        w, g = want.get(side) or {}, got.get(side) or {}
        for key in FundColumn.model_fields:
            _same(f"{where}.{side}.{key}", w.get(key), g.get(key), out)


def _indicators(where: str, want: list[dict[str, Any]], got: list[dict[str, Any]], out: list[str]) -> None:
    if len(want) != len(got):
        out.append(
            f"{where}: expected {len(want)} indicators, got {len(got)}: {[i.get('name') for i in got]}"
        )
    for n, (w, g) in enumerate(zip(want, got, strict=False)):
        for key in Indicator.model_fields:
            default = _default(Indicator, key)
            _same(f"{where}[{n}].{key} ({w.get('name')})", w.get(key, default), g.get(key, default), out)


def compare(want: dict[str, Any], got: dict[str, Any], where: str) -> list[str]:
    """Every field of one record that differs, as 'field: expected …, got …'."""
    out: list[str] = []
    unknown = set(want) - set(Record.model_fields)
    if unknown:
        out.append(f"{where}: the expectation names no Record field {sorted(unknown)}")
    for key in Record.model_fields:
        if key in NOT_COMPARED:
            continue
        w, g = want.get(key, _default(Record, key)), got.get(key, _default(Record, key))
        if key == "funds":
            _funds(f"{where}.funds", w, g, out)
        elif key == "indicators":
            _indicators(f"{where}.indicators", w, g, out)
        elif key == "source":
            _same(f"{where}.source.layout", w.get("layout"), g.get("layout"), out)
        elif key == "quality_flags":
            _same(f"{where}.quality_flags", sorted(w), sorted(g), out)
        else:
            _same(f"{where}.{key}", w, g, out)
    return out


@pytest.mark.parametrize(("family", "fmt"), CASES)
def test_fixture_gives_the_expected_records(family: str, fmt: str, extract) -> None:
    spec, want = _expected(family, fmt)
    name = WORKBOOKS.get(fmt, f"{family}.{fmt}")
    got = [r for r in extract(name) if fmt not in WORKBOOKS or r["source"].get("sheet") == spec["sheet"]]
    names = [r.get("project_name") for r in want], [r.get("project_name") for r in got]
    assert len(got) == len(want), f"{name}: expected records {names[0]}, got {names[1]}"
    problems: list[str] = []
    for n, (w, g) in enumerate(zip(want, got, strict=True)):
        problems += compare(w, g, f"record[{n}] {w.get('project_name')!r}")
    assert not problems, f"{name}: {len(problems)} field(s) differ:\n" + "\n".join(problems)
