"""Generic quality flags on small hand-built records."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from generator.model import BudgetMatch, FundColumn, Funds, Indicator, Record, SourceRef
from generator.quality import QUALITY_FLAGS, compute_flags
from generator.quality_codes import SEVERITY

FIXTURES = Path(__file__).parent / "fixtures" / "quality"

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


def _ind(
    name: str,
    value: str,
    level2: str = "数量指标",
    number=None,
    unit: str = "",
    *,
    scope: str = "annual",
    op: str = "",
    description: str = "",
) -> Indicator:
    return Indicator(
        scope=scope,
        level1="成本指标" if level2 == "成本指标" else "产出指标",
        level2=level2,
        name=name,
        value=value,
        number=number,
        unit=unit,
        op=op,
        description=description,
    )


def _both(name: str, value: str, level2: str = "数量指标", number=None, unit: str = "", op: str = "") -> list:
    """The same row on both sides of a Shanxi table."""
    return [_ind(name, value, level2, number, unit, scope=s, op=op) for s in ("period", "annual")]


def _flags(*records: Record) -> list[list[str]]:
    compute_flags(list(records), FIXTURES)
    return [r.quality_flags for r in records]


def _messages(rec: Record, code: str) -> list[tuple[int, str]]:
    return [(n.line, n.message) for n in rec.notes_for(code)]


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


def test_every_code_has_a_severity():
    assert set(SEVERITY) == set(QUALITY_FLAGS)
    assert set(SEVERITY.values()) == {"严重", "注意", "提示"}
    assert SEVERITY["funds_sum_mismatch"] == "严重" and SEVERITY["placeholder_text"] == "提示"


# ---------------------------------------------------------------- funds


def test_funds_sum_mismatch():
    rec = _rec(annual=FundColumn(total=100, central=50, local=40))
    assert _flags(rec) == [["funds_sum_mismatch"]]
    [note] = rec.notes_for("funds_sum_mismatch")
    assert (note.line, note.related) == (1, [])
    assert note.message == (
        "第 1 行：年度资金的中央财政资金、省级财政资金、市县（区）财政资金、单位自筹、其他资金各行合计90元，"
        "而年度资金总额为100元，二者应相等"
    )
    # the total and the rows it printed are marked in place, not the rows it left empty
    assert note.fields == ["funds.annual.total", "funds.annual.central", "funds.annual.local"]


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
    assert _messages(rec, "annual_exceeds_period") == [
        (1, "第 1 行：年度资金200元大于实施期资金100元，年度资金应包含在实施期资金之内")
    ]
    same = _rec(period=FundColumn(total=200), annual=FundColumn(total=200))
    assert _flags(same) == [[]]


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
    assert note.message == "第 1 行：项目概况写“总投入100万元”（1,000,000元），而表中资金总额为0元"
    assert note.fields == ["overview"]


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
    assert _messages(goal, "placeholder_text") == [(1, "第 1 行：年度目标留有“目标内容1”")]
    assert _messages(ind, "placeholder_text") == [(1, "第 1 行：指标名称是“指标1”")]
    assert _messages(empty, "placeholder_text") == [
        (1, "第 1 行：没有填写绩效目标（实施期目标和年度目标都是空的）")
    ]


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
    compute_flags([rec], FIXTURES)
    assert "implausible_unit" in rec.quality_flags
    [note] = rec.notes_for("implausible_unit")
    assert "≤425000万元/项" in note.message
    assert note.message == (
        "第 1 行：指标“繁城镇建筑垃圾存放及再生”的值≤425000万元/项即4,250,000,000元，"
        "而项目资金只有425,000元，超过100倍"
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
    assert (note.line, note.message) == (
        10,
        "第 10 行起的绩效指标与统计局的“统计站办公经费”（第 50 行）完全相同",
    )
    assert note.related == [b.project_id]
    [back] = b.notes_for("indicators_copied")
    assert (back.message, back.related) == (
        "第 50 行起的绩效指标与镇政府的“防火经费”（第 10 行）完全相同",
        [a.project_id],
    )


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


def test_duplicate_submission_same_amounts():
    money = {"annual": FundColumn(total=1_360_000), "period": FundColumn(total=1_360_000)}
    a = _rec("驻村工作队工作经费", line=961, **money)
    b = _rec("驻村工作队工作经费", line=1509, **money)
    c = _rec("驻村工作队工作经费", unit="中阳县内寨镇", line=2000, **money)
    d = _rec("驻村工作队工作经费", region="别的县", line=3000, **money)
    assert _flags(a, b, c, d) == [["duplicate_submission"], ["duplicate_submission"], [], []]
    [note] = a.notes_for("duplicate_submission")
    assert (note.line, note.message, note.related) == (
        961,
        "第 961、1,509 行：同一部门、单位的同名项目以相同金额（年度资金1,360,000元）共公开了2次",
        [b.project_id],
    )
    [back] = b.notes_for("duplicate_submission")
    assert (back.line, back.related) == (1509, [a.project_id])


def test_duplicate_submission_not_for_different_allocations():
    # 001: 700,000 for 905 students and 1,192,552 for 2,114 share a name: two allocations
    a = _rec("城乡义务教育补助经费", annual=FundColumn(total=700_000), period=FundColumn(total=700_000))
    b = _rec("城乡义务教育补助经费", annual=FundColumn(total=1_192_552), period=FundColumn(total=1_192_552))
    assert _flags(a, b) == [[], []]


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


# ---------------------------------------------------------------- period vs annual, money


def _in_table(**kw) -> Record:
    """A record whose table is tests/fixtures/quality/shanxi-table.txt (lines 1–14)."""
    rec = _rec(dept="档案馆", **kw)
    rec.source = SourceRef(file="shanxi-table.txt", line_start=1, line_end=14)
    return rec


def test_one_year_totals_differ():
    rec = _in_table(period_years=1, period=FundColumn(total=638_080), annual=FundColumn(total=616_080))
    assert _flags(rec) == [["one_year_totals_differ"]]
    assert _messages(rec, "one_year_totals_differ") == [
        (4, "第 4 行：年度资金616,080元，实施期资金638,080元，项目期 1 年，二者应相等")
    ]
    rounding = _rec(period_years=1, period=FundColumn(total=100_000), annual=FundColumn(total=99_990))
    assert _flags(rounding) == [[]]


def test_period_total_zero_beside_positive_annual():
    rec = _rec(period=FundColumn(total=0), annual=FundColumn(total=32_280_000))
    assert _flags(rec) == [["period_total_zero"]]
    assert _messages(rec, "period_total_zero") == [
        (1, "第 1 行：实施期资金总额为0，而年度资金为32,280,000元")
    ]


def test_period_equals_annual_says_which():
    recurring = _rec(
        period_years=99, attribute="经常性项目", period=FundColumn(total=9000), annual=FundColumn(total=9000)
    )
    multi = _rec(period_years=3, period=FundColumn(total=9000), annual=FundColumn(total=9000))
    one = _rec(period_years=1, period=FundColumn(total=9000), annual=FundColumn(total=9000))
    assert _flags(recurring, multi, one) == [["period_equals_annual"], ["period_equals_annual"], []]
    assert "经常性项目，项目期99年" in recurring.quality_notes[0].message
    assert multi.quality_notes[0].message.startswith("第 1 行：项目期3年，实施期资金与年度资金都是9,000元")


# ---------------------------------------------------------------- fund rows


def test_funds_sum_mismatch_general_budget_family():
    # 003 申报表: 年度资金总额 6 万元, 其中 一般公共预算资金 0、政府性基金 0、上级转移支付资金 0
    rec = _rec(annual=FundColumn(total=60_000, general_budget=0, government_fund=0, transfer=0))
    ok = _rec(annual=FundColumn(total=60_000, general_budget=50_000, transfer=10_000))
    assert _flags(rec, ok) == [["funds_sum_mismatch"], []]
    assert (
        "一般公共预算资金、政府性基金、上级转移支付资金、其他资金各行合计0元" in rec.quality_notes[0].message
    )


def test_funds_sum_mismatch_by_year_family():
    rec = _rec(annual=FundColumn(total=100, current_year=60, carried_over=30))
    ok = _rec(annual=FundColumn(total=100, current_year=70, carried_over=30))
    assert _flags(rec, ok) == [["funds_sum_mismatch"], []]


def test_fund_rows_crossed_between_columns():
    rec = _rec(
        period=FundColumn(total=900, central=500, local=500),
        annual=FundColumn(total=1000, central=400, local=500),
    )
    assert _flags(rec) == [["fund_rows_crossed", "annual_exceeds_period"]]
    assert "两栏像是填反了" in rec.notes_for("fund_rows_crossed")[0].message


# ---------------------------------------------------------------- text amounts: precision


def test_text_amount_whole_project_with_own_amount_stated():
    # 001 各种考试费: 共计1400000元，其中：在经常性项目中预算700000元
    part = _rec(
        overview="经预算资金共计1400000元，其中：在经常性项目中预算700000元", annual=FundColumn(total=700_000)
    )
    # 001 七一集团: 共计78356.94万元 …… 现申请拨付905. 15万元 (a space in the PDF number)
    request = _rec(
        overview="安置费用共计78356.94万元……现申请拨付905. 15万元。", annual=FundColumn(total=9_051_500)
    )
    # 001 文庙: 总投资600万元，其中县财政投资400万元 / 环宝峰湖: 总投资400万元 (the table pays a part)
    invest = _rec(overview="该项目总投资600万元，其中县财政投资400万元。", annual=FundColumn(total=4_000_000))
    whole = _rec(overview="该项目总投资400万元，经过项目初设", annual=FundColumn(total=655_593.57))
    # 001 村级管理费: 每村8万元，37个行政村，金额共计296万元
    villages = _rec(
        overview="每村拨付8万元，我镇下辖37个行政村，金额共计296万元", annual=FundColumn(total=2_367_600)
    )
    assert _flags(part, request, invest, whole, villages) == [[], [], [], [], []]


def test_text_amount_total_below_the_table():
    # 001 劳务派遣: 预算总金额为91万元, table 915,000
    rec = _rec(overview="劳务派遣费用，预算总金额为91万元", annual=FundColumn(total=915_000))
    assert _flags(rec) == [["text_amount_mismatch"]]


def test_text_amount_in_project_name():
    rec = _rec(
        "高标准农田建设1162.5万", annual=FundColumn(total=3_045_000), period=FundColumn(total=3_045_000)
    )
    agrees = _rec("设施蔬菜50万", annual=FundColumn(total=500_000))
    assert _flags(rec, agrees) == [["text_amount_mismatch"], []]
    assert "项目名称写“1162.5万”（11,625,000元），而表中资金总额为3,045,000元" in rec.quality_notes[0].message


def test_text_amount_request_differs():
    rec = _rec(overview="总投资8629687.74元……现需支付6040781.42元", annual=FundColumn(total=4_500_000))
    assert _flags(rec) == [["text_amount_mismatch"]]


# ---------------------------------------------------------------- cost indicators


def test_cost_exceeds_total():
    rec = _rec(
        period=FundColumn(total=40_000),
        annual=FundColumn(total=40_000),
        indicators=_both("出版编印费", "100000元", "成本指标", 100000, "元"),
    )
    assert _flags(rec) == [["cost_exceeds_total"]]
    assert rec.quality_notes[0].message == (
        "第 1 行：实施期和年度成本指标“出版编印费”为100000元即100,000元，大于实施期和年度资金总额40,000元"
    )
    # both sides' row and both totals
    assert rec.quality_notes[0].fields == [
        "indicators.0",
        "indicators.1",
        "funds.period.total",
        "funds.annual.total",
    ]


def test_cost_ceiling_a_little_above_total_is_fine():
    rec = _rec(
        annual=FundColumn(total=594_600),
        indicators=[_ind("新建公厕成本", "≤60万元", "成本指标", 60, "万元", op="≤")],
    )
    assert _flags(rec) == [[]]


def test_cost_items_exceed_total():
    rec = _rec(
        annual=FundColumn(total=5_000_000),
        indicators=[
            _ind("2018年创卫期间工程经费", "225.5万元", "成本指标", 225.5, "万元"),
            _ind("2023年巩卫专项经费", "174.38万元", "成本指标", 174.38, "万元"),
            _ind("巩卫基础项目库建设经费", "138.24万元", "成本指标", 138.24, "万元"),
        ],
    )
    assert _flags(rec) == [["cost_items_exceed_total"]]
    assert "合计5,381,200元，大于年度资金总额5,000,000元" in rec.quality_notes[0].message


def test_unit_cost_times_count_exceeds_total():
    rec = _rec(
        annual=FundColumn(total=785_100),
        indicators=[
            _ind("80至89周岁老人", "1371人", number=1371, unit="人"),
            _ind("80至89周岁老人补贴标准", "75元/人/月", "成本指标", 75, "元/人/月"),
        ],
    )
    assert _flags(rec) == [["unit_cost_exceeds_total"]]
    assert (
        "75元/人/月 × 数量指标“80至89周岁老人”1371人 × 12个月 = 1,233,900元" in rec.quality_notes[0].message
    )


def test_unit_cost_not_for_another_group_or_a_share():
    other_group = _rec(
        annual=FundColumn(total=6_380_760),
        indicators=[
            _ind("补贴人数", "6606人", number=6606, unit="人"),
            _ind("100周岁及以上老人", "300元/人/月", "成本指标", 300, "元/人/月"),
        ],
    )
    share = _rec(
        "重度残疾人护理补贴（县级）",
        annual=FundColumn(total=1_229_738),
        indicators=[
            _ind("一二级残疾人人数", "2216人", number=2216, unit="人"),
            _ind("一二级残疾人补贴标准", "109元/人/月", "成本指标", 109, "元/人/月"),
        ],
    )
    assert _flags(other_group, share) == [[], []]


def test_cost_budget_mismatch_003():
    rec = _rec(
        annual=FundColumn(total=60_000),
        budget_match=BudgetMatch(name="法律顾问费", amount_yuan=60_000, line=400),
        indicators=[_ind("成本控制数", "5万元/年", "成本指标", 5, "万元/年")],
    )
    assert _flags(rec) == [["cost_budget_mismatch"]]
    assert rec.quality_notes[0].message == (
        "第 1 行：成本指标“成本控制数”为5万元/年即50,000元，而部门项目支出预算表（第 400 行）列60,000元"
    )


# ---------------------------------------------------------------- impossible values


def test_percent_too_high_and_bound_misused():
    rec = _rec(
        indicators=[
            _ind("居民满意度", "≥9595%", number=9595, unit="%", op="≥"),
            _ind("受益群众满意度", "≥100%", number=100, unit="%", op="≥"),
            _ind("工资发放及时率", "≤100%", number=100, unit="%", op="≤"),
            _ind("差错率", "≤100%", number=100, unit="%", op="≤"),
            _ind("验收合格率", "100%", number=100, unit="%"),
        ]
    )
    assert _flags(rec) == [["percent_too_high", "percent_bound_misused"]]
    assert [n.message for n in rec.notes_for("percent_bound_misused")] == [
        "第 1 行：年度指标“受益群众满意度”的指标值为≥100%：比率不能超过100%，“≥100%”应写作“=100%”",
        "第 1 行：年度指标“工资发放及时率”的指标值为≤100%：这是越高越好的比率，“≤100%”不构成任何要求",
    ]


def test_negative_value():
    rec = _rec(
        indicators=[
            _ind("编修发行经费", "-28000元", "成本指标", 28000, "元"),
            _ind("工期", "1-5日", number=1),
        ]
    )
    assert _flags(rec) == [["negative_value"]]


def test_unit_without_number():
    rec = _rec(indicators=[_ind("发放人数", ":人"), _ind("档案馆数字化建设", "座"), _ind("完成情况", "及时")])
    assert _flags(rec) == [["unit_without_number"]]
    assert len(rec.notes_for("unit_without_number")) == 2


def test_quantity_out_of_scale_with_the_overview():
    rec = _in_table(
        overview="档案馆藏有馆藏档案十三万卷,馆藏档案必须进行全文数字化扫描",
        indicators=_both("档案扫描量", "1500000卷", number=1500000, unit="卷"),
    )
    assert _flags(rec) == [["quantity_out_of_scale"]]
    assert (
        rec.quality_notes[0].message
        == "第 8 行：实施期指标“档案扫描量”的指标值为1500000卷，而文字中说到的同一事物只有130,000卷"
    )
    plausible = _rec(
        overview="馆藏档案十三万卷", indicators=[_ind("档案扫描量", "130000卷", number=130000, unit="卷")]
    )
    assert _flags(plausible) == [[]]


def test_date_malformed():
    rec = _rec(indicators=[_ind("补贴时限", "10底前", "时效指标"), _ind("完成时间", "12月底前", "时效指标")])
    assert _flags(rec) == [["date_malformed"]]


# ---------------------------------------------------------------- dates


def test_fill_date_before_preparation_or_after_publication():
    early = _in_table(year=2024, fill_date="2021-12-22")
    late = _rec(year=2024, fill_date="2024-11-15")
    ok = _rec(year=2024, fill_date="2024-03-11")
    assert _flags(early, late, ok) == [["fill_date_implausible"], ["fill_date_implausible"], []]
    assert early.quality_notes[0].message == (
        "第 14 行：填报日期2021-12-22，早于本年度预算的编制"
        "（2024年预算的表应在2023-07-01至2024-06-30之间填报）"
    )
    assert "晚于本年度预算的公开" in late.quality_notes[0].message
    assert early.quality_notes[0].fields == ["fill_date"]


def test_fill_date_after_the_documents_publication_date():
    """With sources.yaml's `published`, the check knows when the document came out."""
    after = _rec(year=2024, fill_date="2024-02-20")
    before = _rec(year=2024, fill_date="2024-01-20")
    compute_flags([after, before], FIXTURES, {"x.txt": "2024-02-01"})
    assert (after.quality_flags, before.quality_flags) == (["fill_date_implausible"], [])
    assert "晚于这份文件的公开日期2024-02-01" in after.quality_notes[0].message
    # without the date, the same fill date is within the budget year's first half
    assert _flags(_rec(year=2024, fill_date="2024-02-20")) == [[]]


def test_earlier_year_amount():
    # 000 彩虹社工: "2022年山西彩虹社工政府购买服务资金321.2万元" on the 2024 table of 3,212,000
    rec = _rec(
        year=2024,
        overview="2022年山西彩虹社工政府购买服务资金321.2万元。",
        annual=FundColumn(total=3_212_000),
    )
    paid = _rec(
        year=2024, overview="于2023年年底支付100万元。为此申请100万元", annual=FundColumn(total=1_000_000)
    )
    assert _flags(rec, paid) == [["earlier_year_amount"], []]


# ---------------------------------------------------------------- within one table


def test_side_values_differ_names_the_rows():
    rec = _in_table(
        period_years=1,
        indicators=[
            *_both("档案扫描量", "1500000卷"),
            _ind("扫描合格率", "≥95%", "质量指标", scope="period"),
            _ind("扫描合格率", "≥98%", "质量指标", scope="annual"),
        ],
    )
    assert "side_values_differ" in _flags(rec)[0]
    assert _messages(rec, "side_values_differ") == [(9, "第 9 行起：“扫描合格率”实施期≥95%、年度≥98%")]
    assert rec.notes_for("side_values_differ")[0].fields == ["indicators.2", "indicators.3"]


def test_side_indicators_differ():
    rec = _rec(
        period_years=1,
        indicators=[
            _ind("带动群众增收", "带动", "经济效益指标", scope="period"),
            _ind("带动农民增收", "带动", "经济效益指标", scope="annual"),
        ],
    )
    multi_year = _rec(
        period_years=3,
        indicators=[_ind("甲", "1个", scope="period"), _ind("乙", "1个", scope="annual")],
    )
    assert _flags(rec, multi_year) == [["side_indicators_differ"], []]
    assert (
        "只在实施期栏的指标有“带动群众增收”；只在年度栏的指标有“带动农民增收”" in rec.quality_notes[0].message
    )


def test_indicator_repeated_within_a_side():
    rec = _in_table(
        indicators=[*_both("查阅满意度", "有效保障有效保障"), *_both("查阅满意度", "有效保障有效保障")]
    )
    assert "indicator_repeated" in _flags(rec)[0]


def test_text_doubled():
    rec = _in_table(indicators=_both("查阅满意度", "有效保障有效保障"))
    assert _flags(rec) == [["text_doubled"]]
    assert (
        rec.quality_notes[0].message
        == "第 12 行：指标“查阅满意度”的指标值是“有效保障有效保障”，同一段文字重复了两遍"
    )
    plain = _rec(indicators=[_ind("满意度", "满意满意度高"), _ind("百分比", "100100")])
    assert _flags(plain) == [[]]


def test_indicator_name_truncated_against_other_side_and_description():
    side = _in_table(
        indicators=[
            _ind("山西地域文化视觉形象编录", "100%", "质量指标", scope="period"),
            _ind("山西地域文化视觉", "100%", "质量指标", scope="annual"),
        ]
    )
    described = _rec(
        indicators=[
            _ind(
                "逐步促进了解河势变化及对防洪、",
                "明显",
                description="逐步促进了解河势变化及对防洪、河道整治的开发利用",
            )
        ]
    )
    heading = _rec(indicators=[_ind("村民幸福感", "增强", description="村民幸福感是否增强")])
    assert _flags(side, described, heading) == [
        ["indicator_name_truncated"],
        ["indicator_name_truncated"],
        [],
    ]
    assert (
        side.quality_notes[0].message
        == "第 10 行：三级指标“山西地域文化视觉”只是“山西地域文化视觉形象编录”的开头"
    )


# ---------------------------------------------------------------- across records and the document


def test_fund_use_other_project():
    a = _rec("村级组织运转经费", fund_use="社区工作者经费", line=100)
    b = _rec("社区工作者经费", fund_use="社区工作者工资", line=200)
    assert _flags(a, b) == [["fund_use_other_project"], []]
    assert a.notes_for("fund_use_other_project")[0].related == [b.project_id]


def test_project_count_mismatch():
    recs = [_rec(dept="县委办"), _rec(dept="县委办")]
    for n, rec in enumerate(recs):
        rec.source = SourceRef(file="count-statement.txt", line_start=5 + 2 * n, line_end=6 + 2 * n)
    assert _flags(*recs) == [["project_count_mismatch"]] * 2
    assert recs[0].quality_notes[0].message == (
        "第 4 行：文件写“纳入绩效目标管理的二级项目3个”“公开项目绩效目标3个”，"
        "称有3个项目，实际印出的项目支出绩效目标表只有2张"
    )


def test_department_in_two_documents():
    a = _rec(dept="县委办")
    b = _rec(dept="县委办")
    b.source = SourceRef(file="y.txt", line_start=5, line_end=9)
    c = _rec(dept="统计局")
    assert _flags(a, b, c) == [["department_in_two_documents"], ["department_in_two_documents"], []]


def test_truncated_table_gets_only_table_truncated():
    # 003 中阳年度2024: cut off after the fund rows; no "rows don't add up", no "goal not filled"
    rec = _rec(
        period=FundColumn(total=170_000, central=0, provincial=0), annual=FundColumn(total=170_000, central=0)
    )
    rec.goal_annual = ""
    rec.flag("table_truncated", 1269, missing="项目概况、总体目标、绩效指标")
    assert _flags(rec) == [["table_truncated"]]
