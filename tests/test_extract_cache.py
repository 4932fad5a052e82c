"""The extraction cache never changes the result: a warm run gives the same records, report
and files as a cold one; a changed document, source entry or extractor is read again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import stamps
from generator.extract import documents, run_extract
from generator.paths import Paths
from tests.conftest import FIXTURES, RAW

GOOD = "002_267eabc4729ba3a5.txt"
FORMATS = FIXTURES / "formats"


def _snapshot(paths: Paths) -> dict[str, bytes]:
    files = [*paths.records.glob("*.yaml"), paths.extract_report]
    return {p.name: p.read_bytes() for p in files}


@pytest.fixture
def project(make_project) -> Paths:
    return make_project(
        {GOOD: RAW / GOOD, "shanxi.docx": FORMATS / "shanxi.docx", "sichuan.pdf": FORMATS / "sichuan.pdf"}
    )


def test_a_warm_run_reads_nothing_and_writes_the_same_bytes(project: Paths, monkeypatch) -> None:
    cold = run_extract(project)
    assert cold.cached == 0 and len(cold.records) >= 11
    before = _snapshot(project)
    mtimes = {p.name: p.stat().st_mtime_ns for p in project.records.iterdir()}

    def no_reading(*_args: object) -> None:
        raise AssertionError("a cached document was read again")

    monkeypatch.setattr(documents, "extract_source", no_reading)
    warm = run_extract(project)
    assert warm.cached == 3
    assert warm.records == cold.records
    assert [p.format() for p in warm.report.sorted()] == [p.format() for p in cold.report.sorted()]
    assert warm.stats == cold.stats
    assert _snapshot(project) == before
    # data/records/ was left alone, not rewritten with the same bytes
    assert {p.name: p.stat().st_mtime_ns for p in project.records.iterdir()} == mtimes


def test_only_the_changed_document_is_read_again(project: Paths) -> None:
    run_extract(project)
    shutil.copyfile(FORMATS / "shanghai.docx", project.raw / "shanxi.docx")  # a new release, same name
    outcome = run_extract(project)
    assert outcome.cached == 2
    names = {r["project_name"] for r in outcome.records.values() if r["source"]["file"] == "shanxi.docx"}
    cold = Paths(project.root / "cold")
    shutil.copytree(project.root / "data", cold.root / "data", ignore=shutil.ignore_patterns("records"))
    fresh = run_extract(cold)
    assert fresh.cached == 0
    assert fresh.records == outcome.records and _snapshot(cold) == _snapshot(project)
    assert names == {
        r["project_name"] for r in fresh.records.values() if r["source"]["file"] == "shanxi.docx"
    }


def test_a_changed_entry_or_extractor_reads_again(project: Paths, monkeypatch) -> None:
    run_extract(project)
    sources = project.sources.read_text(encoding="utf-8")
    project.sources.write_text(sources.replace("year: 2024", "year: 2025", 1), encoding="utf-8")
    outcome = run_extract(project)
    assert outcome.cached == 2 and {r["year"] for r in outcome.records.values()} == {2024, 2025}
    monkeypatch.setattr(documents, "extractor_version", lambda: "a newer extractor")
    stamps.forget(project.cache, "extract")  # the stage's own stamp follows the real code version
    assert run_extract(project).cached == 0


def test_a_damaged_cache_entry_is_read_again_not_trusted(project: Paths) -> None:
    cold = run_extract(project)
    entries = sorted((project.cache / "extract").glob("*.json"))
    assert len(entries) == 3
    entries[0].write_text('{"records": [{"project_name": 1}]', encoding="utf-8")  # cut and wrong
    entries[1].write_text(
        '{"rel": "x", "stats": null, "records": [{"bogus": 1}], "problems": [], "pool": {}}'
    )
    # read the documents' entries, not the whole run's (its stamp) or their records' (the memo)
    stamps.forget(project.cache, "extract")
    (project.cache / "extract-read.pickle").unlink()
    warm = run_extract(project)
    assert warm.cached == 1 and warm.records == cold.records


def test_entries_no_document_uses_are_pruned(project: Paths) -> None:
    run_extract(project)
    (project.raw / "sichuan.pdf").unlink()
    run_extract(project)
    assert len(list((project.cache / "extract").glob("*.json"))) == 2


def test_the_extractor_version_follows_the_code(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "generator"
    shutil.copytree(stamps.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(stamps, "PACKAGE", package)
    stamps.code_version.cache_clear()
    try:
        first = documents.extractor_version()
        stamps.code_version.cache_clear()
        vocabulary = package / "vocabulary.yaml"
        vocabulary.write_text(vocabulary.read_text(encoding="utf-8") + "\n# a new label\n", encoding="utf-8")
        assert documents.extractor_version() != first
    finally:
        stamps.code_version.cache_clear()


def test_an_unchanged_run_is_repeated_and_a_new_correction_is_not(project: Paths, monkeypatch) -> None:
    cold = run_extract(project)
    monkeypatch.setattr(documents, "extract_documents", lambda *a: (_ for _ in ()).throw(AssertionError))
    warm = run_extract(project)  # inputs and outputs as the last run left them: nothing is done
    assert warm.records == cold.records and warm.stats == cold.stats
    assert [p.format() for p in warm.report.sorted()] == [p.format() for p in cold.report.sorted()]
    monkeypatch.undo()
    pid = sorted(cold.records)[0]
    (project.corrections).mkdir(parents=True, exist_ok=True)
    (project.corrections / f"{pid}.yaml").write_text(
        f"project_id: {pid}\nreason: test\nset:\n  unit_name: 改过的单位\n", encoding="utf-8"
    )
    assert run_extract(project).records[pid]["unit_name"] == "改过的单位"
    (project.records / f"{pid}.yaml").unlink()  # an output deleted by hand is made again
    assert run_extract(project).corrections_applied == 1 and (project.records / f"{pid}.yaml").is_file()


def test_a_correction_rechecks_its_record_and_matches_a_cold_run(project: Paths, monkeypatch) -> None:
    """After a hand correction only that record's checks run again (the others' notes come
    from the memo in .cache/quality.pickle); the records equal those of a run without it."""
    from generator import quality

    first = run_extract(project)
    pid = sorted(first.records)[0]
    (project.root / "data" / "corrections").mkdir(exist_ok=True)
    (project.root / "data" / "corrections" / f"{pid}.yaml").write_text(
        f"project_id: {pid}\nreason: test\nset:\n  overview: 项目资金999万元。\n", encoding="utf-8"
    )
    checked: list[str] = []
    real = quality._RECORD_CHECKS

    def counting(rec, src):
        checked.append(rec.project_id)

    monkeypatch.setattr(quality, "_RECORD_CHECKS", (*real, counting))

    def not_read(*args, **kwargs):
        raise AssertionError("a correction alone read the documents' cached extractions")

    with monkeypatch.context() as m:  # the documents' records come from .cache/extract-read.pickle
        m.setattr(documents, "_load", not_read)
        warm = run_extract(project)
    assert set(checked) == {pid}  # the corrected record only
    assert "text_amount_mismatch" in warm.records[pid]["quality_flags"]  # its new text is checked
    (project.cache / "quality.pickle").unlink()
    (project.cache / "extract-read.pickle").unlink()
    stamps.forget(project.cache, "extract")
    cold = run_extract(project)
    assert cold.records == warm.records and cold.report.problems == warm.report.problems
