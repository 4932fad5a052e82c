"""The extract pipeline end to end: bad input, ids, determinism, corrections."""

from __future__ import annotations

import itertools
import re

from generator.extract import run_extract
from generator.records import load_yaml
from tests.conftest import FIXTURES, RAW

GOOD = "002_267eabc4729ba3a5.txt"
BAD = FIXTURES / "bad"


def _codes(outcome, path_part: str) -> set[str]:
    return {i.code for i in outcome.report.problems if path_part in i.file}


def test_bad_inputs_are_reported_and_the_good_document_is_still_extracted(make_project):
    paths = make_project(
        {
            GOOD: RAW / GOOD,
            "empty.txt": BAD / "empty.txt",
            "gbk-encoded.txt": BAD / "gbk-encoded.txt",
            "truncated-table.txt": BAD / "truncated-table.txt",
            "unknown-layout.txt": BAD / "unknown-layout.txt",
            "random-bytes.bin": BAD / "random-bytes.bin",
        }
    )
    outcome = run_extract(paths)
    by_file = {s.file: s for s in outcome.stats}
    assert by_file[GOOD].records == 9
    assert "empty-document" in _codes(outcome, "empty.txt")
    assert "undecodable" in _codes(outcome, "random-bytes.bin")
    [unknown] = [i for i in outcome.report.problems if "unknown-layout.txt" in i.file]
    assert unknown.code == "unknown-layout" and unknown.line == 6  # the line naming 绩效目标
    assert "已知版式：" in unknown.hint and "pdf_text" in unknown.hint
    # GBK is read (with a warning naming the first non-UTF-8 line) and extracted
    [gbk] = [i for i in outcome.report.problems if "gbk-encoded.txt" in i.file]
    assert gbk.code == "not-utf8" and gbk.line == 3
    assert by_file["gbk-encoded.txt"].records == 1
    # the truncated table is accounted for: published as partial or reported as failed
    trunc = by_file["truncated-table.txt"]
    assert trunc.tables_found == 1 and trunc.partial + trunc.failed == 1
    assert _codes(outcome, "truncated-table.txt") & {"table-partial", "table-failed"}
    # every message names the file, relative to the project
    assert all(i.file.startswith("data/") for i in outcome.report.problems)


def test_ids_are_url_safe_unique_and_independent_of_file_order(make_project, tmp_path):
    paths = make_project({GOOD: RAW / GOOD})
    first = run_extract(paths)
    ids = sorted(first.records)
    assert len(ids) == len(set(ids)) == 9
    assert all(re.fullmatch(r"[a-z0-9-]+", pid) for pid in ids)
    # reversing the document's tables changes every line number but no id
    lines = (RAW / GOOD).read_text(encoding="utf-8").split("\n")
    starts = [n for n, line in enumerate(lines) if "项目支出绩效目标表" in line] + [len(lines)]
    blocks = [lines[a:b] for a, b in itertools.pairwise(starts)]
    reordered = [line for block in reversed(blocks) for line in block]
    (paths.raw / GOOD).write_text("\n".join(reordered), encoding="utf-8")
    assert sorted(run_extract(paths).records) == ids


def test_extract_is_deterministic(make_project):
    paths = make_project({GOOD: RAW / GOOD})
    run_extract(paths)
    first = {p.name: p.read_bytes() for p in paths.records.iterdir()}
    report = paths.extract_report.read_bytes()
    run_extract(paths)
    assert {p.name: p.read_bytes() for p in paths.records.iterdir()} == first
    assert paths.extract_report.read_bytes() == report


def test_a_hand_correction_survives_the_next_extract(make_project):
    paths = make_project({GOOD: RAW / GOOD})
    records = run_extract(paths).records
    pid = next(p for p, r in records.items() if r["project_name"] == "安全隐患工程")
    paths.corrections.mkdir(parents=True)
    (paths.corrections / f"{pid}.yaml").write_text(
        f"project_id: {pid}\nreason: 测试\nset:\n  unit_name: 阳泉高新区教育处（已更正）\n"
        "  funds.annual.local: 2324601\nexpect:\n  unit_name: 阳泉高新技术产业开发区教育处\n",
        encoding="utf-8",
    )
    outcome = run_extract(paths)
    rec = load_yaml(paths.records / f"{pid}.yaml")
    assert rec["unit_name"] == "阳泉高新区教育处（已更正）"
    assert rec["funds"]["annual"]["local"] == 2324601
    assert rec["corrected_fields"] == ["funds.annual.local", "unit_name"]
    assert outcome.corrections_applied == 2
    assert not [i for i in outcome.report.problems if i.code.startswith("correction")]


def test_stale_and_orphan_corrections_are_reported(make_project):
    paths = make_project({GOOD: RAW / GOOD})
    pid = sorted(run_extract(paths).records)[0]
    paths.corrections.mkdir(parents=True)
    (paths.corrections / "orphan.yaml").write_text(
        "project_id: 2024-nowhere-1-abc\nset:\n  unit_name: x\n", encoding="utf-8"
    )
    (paths.corrections / "stale.yaml").write_text(
        f"project_id: {pid}\nset:\n  plan: 新计划\nexpect:\n  plan: 以前的计划\n", encoding="utf-8"
    )
    issues = {(i.file, i.line, i.code) for i in run_extract(paths).report.problems}
    assert ("data/corrections/orphan.yaml", 1, "correction-unknown-project") in issues
    assert ("data/corrections/stale.yaml", 5, "correction-stale") in issues


def test_a_document_that_cannot_be_read_keeps_its_published_records(make_project):
    paths = make_project({GOOD: RAW / GOOD})
    ids = sorted(run_extract(paths).records)
    texts = {p.name: p.read_bytes() for p in paths.records.iterdir()}
    (paths.raw / GOOD).write_bytes(b"%PDF-1.4\n")  # the county's PDF dropped over the text export
    outcome = run_extract(paths)
    codes = {(i.file, i.code) for i in outcome.report.problems}
    assert ("data/raw/" + GOOD, "format-unsupported") in codes
    assert ("data/sources.yaml", "records-kept") in codes
    assert {p.name: p.read_bytes() for p in paths.records.iterdir()} == texts
    (paths.raw / GOOD).unlink()  # and then deleted, the entry left behind
    outcome = run_extract(paths)
    assert {i.code for i in outcome.report.problems} == {"source-file-missing", "records-kept"}
    assert sorted(p.stem for p in paths.records.iterdir()) == ids


def test_a_broken_entry_keeps_the_records_on_disk_and_says_so_once(make_project):
    from generator.problems import Report
    from generator.validate import run_validate

    paths = make_project({GOOD: RAW / GOOD})
    ids = sorted(run_extract(paths).records)
    text = paths.sources.read_text(encoding="utf-8")
    paths.sources.write_text(text.replace("year: 2024", "year: 2024年"), encoding="utf-8")
    outcome = run_extract(paths)
    assert {i.code for i in outcome.report.problems} == {"source-entry", "records-kept"}
    assert sorted(p.stem for p in paths.records.iterdir()) == ids
    report, loaded = run_validate(paths, Report())
    [problem] = report.problems
    assert (problem.code, problem.file, problem.line) == ("record-unlisted", "data/sources.yaml", 2)
    assert len(loaded.skipped) == 9 and loaded.records == []
