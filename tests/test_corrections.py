"""Hand corrections are checked against the model, applied before the quality checks,
and every bad one is one problem at its line; the good ones still apply."""

from __future__ import annotations

from generator.corrections import resolve
from generator.extract import run_extract
from generator.model import Record
from generator.records import load_yaml
from tests.conftest import RAW

GOOD = "002_267eabc4729ba3a5.txt"


def _extract(make_project):
    paths = make_project({GOOD: RAW / GOOD})
    records = run_extract(paths).records
    paths.corrections.mkdir(parents=True)
    return paths, records


def _write(paths, name: str, text: str) -> int:
    (paths.corrections / name).write_text(text, encoding="utf-8")
    return len(text.split("\n"))


def _problems(outcome) -> set[tuple[str, int, str]]:
    return {(p.file.rsplit("/", 1)[-1], p.line, p.code) for p in outcome.report.problems}


def test_a_path_typo_is_an_error_with_a_suggestion_and_changes_nothing(make_project):
    paths, records = _extract(make_project)
    pid = sorted(records)[0]
    _write(paths, f"{pid}.yaml", f"project_id: {pid}\nset:\n  funds.annual.locl: 5\n  unit_name: 新单位\n")
    outcome = run_extract(paths)
    [problem] = [p for p in outcome.report.problems if p.code == "correction-path"]
    assert problem.line == 3 and "funds.annual.local" in problem.message
    rec = load_yaml(paths.records / f"{pid}.yaml")
    assert "locl" not in rec["funds"]["annual"]
    assert rec["unit_name"] == "新单位" and rec["corrected_fields"] == ["unit_name"]
    assert outcome.corrections_applied == 1


def test_values_are_checked_against_the_model(make_project):
    paths, records = _extract(make_project)
    pid = sorted(records)[0]
    text = (
        f"project_id: {pid}\nset:\n  funds.annual.total: '160万'\n  funds.annual.local: -1600000\n"
        f"  project_name: {'名' * 201}\n  overview: 修正后的概况\n"
    )
    _write(paths, f"{pid}.yaml", text)
    outcome = run_extract(paths)
    found = _problems(outcome)
    assert {(f"{pid}.yaml", n, "correction-value") for n in (3, 4, 5)} <= found
    rec = load_yaml(paths.records / f"{pid}.yaml")
    assert rec["funds"]["annual"]["total"] == records[pid]["funds"]["annual"]["total"]
    assert rec["overview"] == "修正后的概况" and rec["corrected_fields"] == ["overview"]


def test_bad_files_are_reported_at_their_line(make_project):
    paths, records = _extract(make_project)
    pid = sorted(records)[0]
    _write(paths, "list.yaml", f"- project_id: {pid}\n- set: {{}}\n")
    _write(paths, "unknown-key.yaml", f"project_id: {pid}\nsets:\n  plan: x\n")
    _write(paths, "broken.yaml", f"project_id: {pid}\nset:\n  plan: 'unclosed\n")
    _write(paths, "notes.txt", "not a correction\n")
    _write(paths, "orphan.yml", "project_id: 2024-nowhere-1-abc\nset:\n  plan: x\n")
    found = _problems(run_extract(paths))
    assert ("list.yaml", 1, "correction-shape") in found
    assert ("unknown-key.yaml", 2, "correction-shape") in found
    assert ("broken.yaml", 3, "correction-yaml") in found
    assert ("notes.txt", 0, "correction-ignored") in found
    assert ("orphan.yml", 1, "correction-unknown-project") in found


def test_a_yml_correction_is_applied(make_project):
    paths, records = _extract(make_project)
    pid = sorted(records)[1]
    _write(paths, f"{pid}.yml", f"project_id: {pid}\nset:\n  plan: 按季度实施\n")
    outcome = run_extract(paths)
    assert outcome.corrections_applied == 1 and not outcome.report.errors
    assert load_yaml(paths.records / f"{pid}.yaml")["plan"] == "按季度实施"


def test_corrections_come_before_the_quality_checks(make_project):
    paths, records = _extract(make_project)
    pid = sorted(records)[0]
    annual = records[pid]["funds"]["annual"]
    total = annual["total"]
    # first make the rows disagree with the total: the flag appears
    _write(paths, "a.yaml", f"project_id: {pid}\nset:\n  funds.annual.local: {total + 90}\n")
    rec = run_extract(paths).records[pid]
    assert "funds_sum_mismatch" in rec["quality_flags"]
    # then a correction that makes them agree: the flag is gone
    rows = {k: 0 for k in ("central", "provincial", "self_raised", "other")}
    sets = "".join(f"  funds.annual.{k}: {v}\n" for k, v in rows.items())
    _write(paths, "a.yaml", f"project_id: {pid}\nset:\n  funds.annual.local: {total}\n{sets}")
    rec = run_extract(paths).records[pid]
    assert "funds_sum_mismatch" not in rec["quality_flags"]
    assert Record.model_validate(rec).funds.annual.local == total


def test_resolve_walks_the_model_not_the_data():
    rec = Record.model_validate(
        {"project_name": "x", "source": {"file": "x.txt", "line_start": 1, "line_end": 2}}
    ).to_dict()
    assert resolve(rec, "funds.annual.fiscal") == (rec["funds"]["annual"], "fiscal")  # optional row
    assert resolve(rec, "indicators.0.name") == "（indicators 共有 0 项，序号从 0 开始）"
    assert "funds.period.total" in str(resolve(rec, "funds.perod.total"))
    assert resolve(rec, "spending_plan.3月底") == (rec["spending_plan"], "3月底")
    assert "不能手工修正" in str(resolve(rec, "project_id"))
    assert "不能手工修正" in str(resolve(rec, "quality_flags"))
