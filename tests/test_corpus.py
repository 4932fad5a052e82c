"""The real corpus: committed records equal a fresh extraction, every table is
accounted for, and invariants hold on every record."""

from __future__ import annotations

import shutil

import pytest

from generator.extract import run_extract
from generator.paths import Paths
from generator.validate import run_validate
from tests.conftest import REPO


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    shutil.copyfile(REPO / "data" / "sources.yaml", root / "data" / "sources.yaml")
    if (REPO / "data" / "corrections").is_dir():
        shutil.copytree(REPO / "data" / "corrections", root / "data" / "corrections")
    paths = Paths(root)
    return paths, run_extract(paths)


def test_committed_records_equal_a_fresh_extraction_plus_corrections(fresh):
    paths, _ = fresh
    committed = {p.name: p.read_bytes() for p in (REPO / "data" / "records").glob("*.yaml")}
    fresh_files = {p.name: p.read_bytes() for p in paths.records.glob("*.yaml")}
    assert sorted(committed) == sorted(fresh_files), "records differ from data/raw: run `budget-site extract`"
    changed = [name for name in committed if committed[name] != fresh_files[name]]
    assert not changed, f"{len(changed)} records drifted from data/raw, e.g. {changed[:3]}"
    assert (REPO / "data" / "extract-report.md").read_bytes() == paths.extract_report.read_bytes()


def test_every_table_is_accounted_for(fresh):
    _, outcome = fresh
    stats = {s.file[:3]: s for s in outcome.stats}
    assert stats["001"].tables_found == 447
    assert stats["004"].tables_found == 23
    for s in outcome.stats:
        assert s.tables_found == s.records + s.merged + s.failed, s
    assert not outcome.report.errors, [i.format() for i in outcome.report.errors]


def test_every_record_validates(fresh):
    paths, _ = fresh
    report, loaded = run_validate(paths)
    assert loaded.files > 500 and not loaded.skipped
    assert not report.errors, [i.format() for i in report.errors[:10]]


def test_record_invariants(fresh):
    _, outcome = fresh
    for pid, rec in outcome.records.items():
        assert rec["project_name"] and rec["department_name"], pid
        partial = "table_truncated" in rec["quality_flags"]
        assert partial or rec["funds"]["annual"]["total"] is not None, pid
        for n, ind in enumerate(rec["indicators"]):
            assert ind["level2"], (pid, n)
            assert ind["name"] or "indicator_name_missing" in rec["quality_flags"], (pid, n, ind)
            assert ind["value"] or "indicator_value_missing" in rec["quality_flags"], (pid, n, ind)
