"""003's 项目支出预算表 and its reconciliation with the performance tables."""

from __future__ import annotations

from pathlib import Path

from generator.extract.budget import BudgetLine, name_similarity, parse_budget_table, reconcile
from generator.model import BudgetMatch, FundColumn, Funds, Record, SourceRef

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "data" / "raw" / "003_da816537205eaa38.txt"
EXCERPT = Path(__file__).resolve().parent / "fixtures" / "budget" / "003-project-budget.txt"

OFFICE = "中国共产党中阳县委员会办公室"
HISTORY = "中共中阳县委党史研究室"
ARCHIVE = "中阳县档案馆"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _record(name: str, yuan: int, unit: str, line: int) -> Record:
    return Record(
        project_name=name,
        source=SourceRef(file=DOC.name, line_start=line, line_end=line + 30),
        unit_name=unit,
        funds=Funds(annual=FundColumn(total=yuan)),
    )


# ---------------------------------------------------------------- parsing


def test_parse_real_table():
    budget = parse_budget_table(_lines(DOC))
    # 15 projects of the 办公室 (lines 397-411), 10 of the 党史研究室 (413-422),
    # 7 of the 档案馆 (424-426, 428-431: line 427 is blank)
    assert len(budget) == 32
    assert [b.line for b in budget] == [*range(397, 412), *range(413, 423), 424, 425, 426, *range(428, 432)]
    assert [b.unit_name for b in budget] == [OFFICE] * 15 + [HISTORY] * 10 + [ARCHIVE] * 7
    assert budget[0] == BudgetLine("安可替代工程建设费", 3_700_000, 397, OFFICE)
    assert budget[1] == BudgetLine("机房UPS建设费", 110_000, 398, OFFICE)
    assert budget[24] == BudgetLine("遗属补助及取暖费", 10_000, 422, HISTORY)
    assert budget[-1] == BudgetLine("档案馆保护费和档案馆库建设费-办公设备购置", 15_000, 431, ARCHIVE)
    # the subtotals are the sums of their projects: 454.84 + 114.62 + 433.48 = 1002.94 万元
    assert sum(b.amount_yuan for b in budget if b.unit_name == OFFICE) == 4_548_400
    assert sum(b.amount_yuan for b in budget if b.unit_name == HISTORY) == 1_146_200
    assert sum(b.amount_yuan for b in budget if b.unit_name == ARCHIVE) == 4_334_800
    # no total or subtotal row is a project
    assert not {b.line for b in budget} & {395, 396, 412, 423}


def test_parse_excerpt_keeps_file_lines():
    # the excerpt starts at file line 379: the summary table above is not a project table
    budget = parse_budget_table(_lines(EXCERPT))
    assert len(budget) == 32
    assert budget[0].line == 397 - 378
    assert budget[-1].name == "档案馆保护费和档案馆库建设费-办公设备购置"


def test_parse_without_table():
    assert parse_budget_table(["项目支出绩效目标表", "项目名称\t某项目"]) == []


# ---------------------------------------------------------------- reconciliation


def _budget() -> list[BudgetLine]:
    return parse_budget_table(_lines(DOC))


def test_ocr_names_and_amounts():
    records = [
        _record("老属补助及取费费。", 9_960, HISTORY, 1075),
        _record("人才生活补贴和住房补贴", 9_000, "中共中阳县党史研究室", 1109),
        _record("中阳年度2024", 170_000, HISTORY, 1273),
        _record("中阳大事记2023年画册印费尾欠出版经费", 9_000, "中共中阳县党史研究室", 1177),
    ]
    reconcile(records, _budget())
    old, talent, yearbook, chronicle = records
    assert old.budget_match == BudgetMatch(name="遗属补助及取暖费", amount_yuan=10_000, line=422)
    # 9,960 yuan is what the budget table prints as 1.00万元: a name mismatch only
    assert old.quality_flags == ["ocr_name_mismatch"]
    [note] = old.notes_for("ocr_name_mismatch")
    assert (note.line, note.message) == (422, "部门项目支出预算表中的名称是“遗属补助及取暖费”")
    assert talent.budget_match == BudgetMatch(name="招才引智生活补贴和住房补贴", amount_yuan=9_000, line=420)
    assert yearbook.budget_match == BudgetMatch(name="中阳年鉴2024", amount_yuan=170_000, line=416)
    # both are 0.90万元: the names decide
    assert chronicle.budget_match == BudgetMatch(
        name="中阳大事记2023年编印费尾欠出版经费", amount_yuan=9_000, line=415
    )
    for rec in (talent, yearbook, chronicle):
        assert rec.quality_flags == ["ocr_name_mismatch"]


def test_same_name_different_amounts():
    # 驻村工作队工作经费 is printed twice: 3万 for the 办公室, 1.5万 carried out by 内寨镇
    office = _record("驻村工作队工作经费", 30_000, OFFICE, 961)
    village = _record("驻村工作队工作经费", 15_000, "中阳县内寨镇", 1509)
    reconcile([office, village], _budget())
    assert office.budget_match == BudgetMatch(name="驻村工作队经费", amount_yuan=30_000, line=399)
    assert office.quality_flags == ["ocr_name_mismatch"]
    assert village.budget_match == BudgetMatch(name="驻村工作队工作经费", amount_yuan=15_000, line=424)
    assert village.quality_flags == []


def test_same_amounts_different_names():
    records = [
        _record("国安办经费", 40_000, OFFICE, 879),
        _record("深改办经费", 40_000, OFFICE, 635),
        _record("考察、督查、下乡、学习等费用", 80_000, OFFICE, 756),
    ]
    notes = reconcile(records, _budget())
    assert [r.budget_match.line for r in records] == [407, 401, 409]
    assert records[0].quality_flags == records[1].quality_flags == []
    assert records[2].quality_flags == ["ocr_name_mismatch"]
    unmatched = {line for _, line, _ in notes}
    assert 405 in unmatched  # 资料版面制作等费用, also 8万, has no table
    assert len(notes) == 32 - 3


def test_amount_within_the_budget_tables_rounding_is_not_a_mismatch():
    rec = _record("见习生工资", 42_720, ARCHIVE, 1415)
    reconcile([rec], _budget())
    assert rec.budget_match == BudgetMatch(name="见习生工资", amount_yuan=42_700, line=428)  # 4.27万元
    assert rec.quality_flags == []


def test_amount_beyond_rounding_is_flagged_with_both_amounts():
    rec = _record("见习生工资", 52_720, ARCHIVE, 1415)
    reconcile([rec], _budget())
    assert rec.quality_flags == ["budget_amount_mismatch"]
    [note] = rec.notes_for("budget_amount_mismatch")
    assert (note.line, note.message) == (428, "本表52,720元，部门项目支出预算表42,700元")


def test_unmatched_record_and_lines():
    rec = _record("完全无关的项目", 123_456, OFFICE, 10)
    notes = reconcile([rec], _budget())
    assert rec.budget_match is None
    assert rec.quality_flags == ["budget_line_missing"]
    [note] = rec.notes_for("budget_line_missing")
    assert (note.line, note.message) == (
        0,
        "部门项目支出预算表中没有名称或金额（123,456元）与本项目相符的一行",
    )
    assert len(notes) == 32
    assert notes[0] == (
        "budget-line-unmatched",
        397,
        {"name": "安可替代工程建设费", "unit": "中国共产党中阳县委员会办公室", "amount": "3,700,000元"},
    )


def test_one_to_one_and_deterministic():
    records = [
        _record("驻村工作队工作经费", 15_000, "中阳县内寨镇", 1509),
        _record("驻村工作队工作经费", 15_000, "中阳县内寨镇", 1600),
    ]
    reconcile(records, _budget())
    # the second copy cannot take the same line; the earlier table wins the tie
    assert records[0].budget_match is not None and records[0].budget_match.line == 424
    assert records[1].budget_match is None or records[1].budget_match.line != 424


def test_name_similarity():
    assert name_similarity("机房 UPS 建设费", "机房UPS建设费") == 1.0
    assert name_similarity("老属补助及取费费。", "遗属补助及取暖费") >= 0.7
    assert name_similarity("业务费", "安可替代工程建设费") < 0.3
