"""Generic quality flags on small hand-built records."""

from __future__ import annotations

import itertools
import re

from generator.model import FundColumn, Funds, Indicator, Record, SourceRef
from generator.quality import QUALITY_FLAGS, compute_flags

_names = itertools.count(1)


def _pid(n: int) -> str:
    return f"2024-test-{n:010x}"


def _rec(
    name: str = "",
    *,
    pid: str = "",
    annual: FundColumn | None = None,
    period: FundColumn | None = None,
    line: int = 1,
    dept: str = "部门",
    unit: str = "单位",
    region: str = "某县",
    **kw,
) -> Record:
    # distinct default names: same-named records would be flagged as duplicates;
    # distinct ids: flags across records name the other project by its id
    n = next(_names)
    name = name or f"项目{n}"
    rec = Record(
        project_id=pid or _pid(n),
        project_name=name,
        source=SourceRef(file="x.txt", line_start=line, line_end=line + 10),
        region=region,
        department_name=dept,
        unit_name=unit,
        funds=Funds(period=period or FundColumn(), annual=annual or FundColumn()),
        **kw,
    )
    rec.goal_annual = kw.get("goal_annual", "完成任务")
    return rec


def _ind(name: str, value: str, level2: str = "数量指标", number=None, unit: str = "") -> Indicator:
    return Indicator(
        scope="annual", level1="产出指标", level2=level2, name=name, value=value, number=number, unit=unit
    )


def _flags(*records: Record) -> list[list[str]]:
    compute_flags(list(records))
    return [r.quality_flags for r in records]


def test_every_code_is_explained():
    for code in (
        "indicator_value_missing",
        "indicator_level_inferred",
        "table_truncated",
        "continuation_header_differs",
        "ocr_name_mismatch",
        "budget_amount_mismatch",
        "budget_line_missing",
        "department_name_truncated",
        "category_unmarked",
        "header_cell_misplaced",
        "funds_sum_mismatch",
        "annual_exceeds_period",
        "text_amount_mismatch",
        "placeholder_text",
        "implausible_unit",
        "boilerplate_values",
        "indicators_copied",
        "duplicate_submission",
    ):
        assert QUALITY_FLAGS[code]
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", c) for c in QUALITY_FLAGS)


# ---------------------------------------------------------------- funds


def test_funds_sum_mismatch():
    rec = _rec(annual=FundColumn(total=100, central=50, local=40))
    assert _flags(rec) == [["funds_sum_mismatch"]]
    [note] = rec.notes_for("funds_sum_mismatch")
    assert (note.line, note.message, note.related) == (0, "年度各行合计90元，表中总额100元", [])


def test_funds_sum_mismatch_period_column_and_fiscal_rows():
    period = _rec(period=FundColumn(total=100, provincial=100, self_raised=5))
    fiscal = _rec(annual=FundColumn(total=675400, fiscal=600000))
    assert _flags(period, fiscal) == [["funds_sum_mismatch"], ["funds_sum_mismatch"]]


def test_funds_sum_ok_or_rows_absent():
    ok = _rec(annual=FundColumn(total=100, central=60, local=40, other=None))
    no_rows = _rec(annual=FundColumn(total=100))
    zeros = _rec(annual=FundColumn(total=0, central=0, provincial=0, local=0, self_raised=0))
    fiscal = _rec(annual=FundColumn(total=675400, fiscal=675400))
    assert _flags(ok, no_rows, zeros, fiscal) == [[], [], [], []]


def test_annual_exceeds_period():
    rec = _rec(period=FundColumn(total=100), annual=FundColumn(total=200))
    assert _flags(rec) == [["annual_exceeds_period"]]
    same = _rec(period=FundColumn(total=200), annual=FundColumn(total=200))
    zero_period = _rec(period=FundColumn(total=0), annual=FundColumn(total=200))
    assert _flags(same, zero_period) == [[], []]


# ---------------------------------------------------------------- text amounts


def test_text_amount_against_zero_total():
    # 000 攀登阅读: 总投入100万元 in the overview, 0 in the table
    rec = _rec(
        overview="攀登阅读……提升项目，总投入100万元", annual=FundColumn(total=0), period=FundColumn(total=0)
    )
    assert _flags(rec) == [["text_amount_mismatch"]]
    [note] = rec.notes_for("text_amount_mismatch")
    assert "1,000,000元" in note.message
    assert "0元" in note.message
    assert (note.line, note.message) == (0, "文字写“总投入100万元”（1,000,000元），表中总额0元")


def test_text_amount_weak_word_against_zero_and_different_total():
    zero = _rec(
        overview="经费用于繁城镇建筑垃圾存放及再生利用处理,共425000元,主要为", annual=FundColumn(total=0)
    )
    bigger = _rec(overview="项目资金1500万元全部用于开发区", annual=FundColumn(total=5_000_000))
    assert _flags(zero, bigger) == [["text_amount_mismatch"], ["text_amount_mismatch"]]


def test_text_amount_agrees_or_is_a_part():
    agrees = _rec(overview="总投入67.54万元", annual=FundColumn(total=675400))
    part = _rec(overview="其中培训共计20万元", annual=FundColumn(total=1_000_000))
    other_words = _rec(overview="共产生费用389.73万元", annual=FundColumn(total=0))
    no_total = _rec(overview="总投入100万元")
    assert _flags(agrees, part, other_words, no_total) == [[], [], [], []]


# ---------------------------------------------------------------- placeholders, units, values


def test_placeholder_text():
    goal = _rec(goal_annual="1.目标内容1")
    ind = _rec(indicators=[_ind("指标1", "10个")])
    empty = _rec()
    empty.goal_annual = ""
    assert _flags(goal, ind, empty) == [["placeholder_text"]] * 3
    assert [(n.line, n.message) for n in goal.quality_notes] == [(0, "年度目标留有“目标内容1”")]
    assert [(n.line, n.message) for n in ind.quality_notes] == [(0, "指标名称是“指标1”")]
    assert [(n.line, n.message) for n in empty.quality_notes] == [(0, "没有填写绩效目标")]


def test_no_placeholder():
    rec = _rec(goal_period="建成", goal_annual="", indicators=[_ind("行政村数量", "21个")])
    assert _flags(rec) == [[]]


def test_implausible_unit_against_stated_amount():
    # 000: ≤425000万元/项 on a project the text says costs 425000元 (table total 0)
    rec = _rec(
        overview="共425000元",
        annual=FundColumn(total=0),
        indicators=[_ind("繁城镇建筑垃圾存放及再生", "≤425000万元/项", "成本指标", 425000, "万元/项")],
    )
    compute_flags([rec])
    assert "implausible_unit" in rec.quality_flags
    [note] = rec.notes_for("implausible_unit")
    assert "≤425000万元/项" in note.message
    assert note.message == (
        "指标“繁城镇建筑垃圾存放及再生”的值≤425000万元/项即4,250,000,000元，而项目资金为425,000元"
    )


def test_implausible_unit_against_total():
    rec = _rec(
        annual=FundColumn(total=675400),
        indicators=[_ind("预算成本内", "≤67540万元", "成本指标", 67540, "万元")],
    )
    assert _flags(rec) == [["implausible_unit"]]


def test_plausible_units():
    cost = _rec(
        annual=FundColumn(total=675400),
        indicators=[_ind("预算成本内", "≤67.54万元", "成本指标", 67.54, "万元")],
    )
    # a benefit may exceed the cost: not a cost indicator
    benefit = _rec(
        annual=FundColumn(total=10000),
        indicators=[_ind("带动销售额", "≥500万元", "经济效益指标", 500, "万元")],
    )
    no_reference = _rec(indicators=[_ind("成本", "≤425000万元", "成本指标", 425000, "万元")])
    assert _flags(cost, benefit, no_reference) == [[], [], []]


def test_boilerplate_values():
    rec = _rec(indicators=[_ind(f"指标名{i}", "≥95百分比") for i in "甲乙丙丁"])
    assert _flags(rec) == [["boilerplate_values"]]
    three = _rec(indicators=[_ind(f"指标名{i}", "≥95%") for i in "甲乙丙"])
    mixed = _rec(indicators=[_ind(f"指标名{i}", "≥95%") for i in "甲乙丙"] + [_ind("数量", "21个")])
    assert _flags(three, mixed) == [[], []]


# ---------------------------------------------------------------- across records


def _indicators() -> list[Indicator]:
    return [
        _ind("年度服务部门数量", "3个"),
        _ind("发票损耗率", "≤1%"),
        _ind("报告完成时间", "12月底"),
        _ind("服务满意度", "≥90%"),
    ]


def test_indicators_copied():
    a = _rec("防火经费", dept="镇政府", indicators=_indicators(), line=10)
    b = _rec("统计站办公经费", dept="统计局", indicators=_indicators(), line=50)
    assert _flags(a, b) == [["indicators_copied"], ["indicators_copied"]]
    [note] = a.notes_for("indicators_copied")
    assert "统计站办公经费" in note.message
    assert (note.line, note.message) == (0, "绩效指标与统计局的“统计站办公经费”完全相同")
    assert note.related == [b.project_id]
    [back] = b.notes_for("indicators_copied")
    assert (back.message, back.related) == ("绩效指标与镇政府的“防火经费”完全相同", [a.project_id])


def test_indicators_not_copied():
    same_dept = [
        _rec("防火经费", dept="镇政府", indicators=_indicators()),
        _rec("统计站办公经费", dept="镇政府", indicators=_indicators()),
    ]
    related = [
        _rec("村干部工资", dept="甲镇", indicators=_indicators()),
        _rec("村干部工资补贴", dept="乙镇", indicators=_indicators()),
    ]
    different = [
        _rec("防火经费", dept="镇政府", indicators=_indicators()),
        _rec("统计站办公经费", dept="统计局", indicators=[*_indicators()[:3], _ind("满意度", "≥95%")]),
    ]
    for group in (same_dept, related, different):
        assert _flags(*group) == [[], []]


def test_duplicate_submission():
    a = _rec("驻村工作队工作经费", line=961)
    b = _rec("驻村工作队工作经费", line=1509)
    c = _rec("驻村工作队工作经费", unit="中阳县内寨镇", line=2000)
    d = _rec("驻村工作队工作经费", region="别的县", line=3000)
    assert _flags(a, b, c, d) == [["duplicate_submission"], ["duplicate_submission"], [], []]
    [note] = a.notes_for("duplicate_submission")
    assert (note.line, note.message, note.related) == (
        961,
        "同一部门、单位的同名项目共公开了2次",
        [b.project_id],
    )
    [back] = b.notes_for("duplicate_submission")
    assert (back.line, back.related) == (1509, [a.project_id])


def test_deterministic_and_idempotent():
    def build() -> list[Record]:
        return [
            _rec("防火经费", pid=_pid(1), dept="镇政府", indicators=_indicators(), goal_annual="1.目标内容1"),
            _rec("统计站办公经费", pid=_pid(2), dept="统计局", indicators=_indicators()),
        ]

    first, second = build(), build()
    compute_flags(first)
    compute_flags(second)
    compute_flags(second)
    assert [r.to_dict() for r in first] == [r.to_dict() for r in second]
