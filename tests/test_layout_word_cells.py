"""The word_cells layout (004, 怀来县 官厅镇): expectations read off the source by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.extract.layouts import detect_layout, word_cells
from generator.model import Indicator

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "data" / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "layouts" / "word_cells"
DOC = "004_1edcff210bf438b5.txt"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _only_record(name: str):
    result = word_cells.extract(_lines(FIXTURES / name), name)
    assert len(result.tables) == 1
    table = result.tables[0]
    assert table.status == "ok", table.reason
    return table, table.record


def _ind(
    level1: str,
    level2: str,
    name: str,
    description: str,
    value: str,
    op: str,
    number: int | float | None,
    unit: str,
    basis: str,
) -> Indicator:
    return Indicator(
        scope="annual",
        level1=level1,
        level2=level2,
        name=name,
        description=description,
        value=value,
        op=op,
        number=number,
        unit=unit,
        basis=basis,
    )


# ---------------------------------------------------------------- detect


def test_detect_004():
    assert word_cells.detect(_lines(RAW / DOC))
    assert detect_layout(_lines(RAW / DOC)) is word_cells


@pytest.mark.parametrize(
    "doc",
    [
        "000_6bdd23b08ba68985.txt",
        "001_b05b28ee3a1316ba.txt",
        "002_267eabc4729ba3a5.txt",
        "003_da816537205eaa38.txt",
    ],
)
def test_detect_false_on_other_layouts(doc: str):
    assert not word_cells.detect(_lines(RAW / doc))


def test_detect_false_on_empty_file():
    assert not word_cells.detect([""])
    assert not word_cells.detect([])


def test_detect_needs_the_cells():
    # bookmarks and a title alone are a Word document, not this form
    assert not word_cells.detect(["[bookmark: _Toc1]1.某项目绩效目标表", "\t项目名称", "\t某项目"])


# ---------------------------------------------------------------- one table


def test_one_table_fields():
    table, rec = _only_record("one-table.txt")
    assert (table.line_start, table.line_end) == (1, 94)
    assert rec.source.model_dump() == {
        "file": "one-table.txt",
        "line_start": 1,
        "line_end": 94,
        "layout": "word_cells",
    }
    assert rec.department_code == "816001"
    assert rec.department_name == "怀来县官厅镇人民政府"
    assert rec.unit_name == "怀来县官厅镇人民政府"
    assert rec.project_code == "13073024P00888510015C"
    assert rec.project_name == "官厅镇村干部工资"
    assert rec.funds.unit_in_source == "万元"
    assert rec.funds.annual.model_dump() == {
        "total": 675400,
        "central": None,
        "provincial": None,
        "local": None,
        "self_raised": None,
        "other": None,
        "fiscal": 675400,
    }
    assert rec.funds.period.is_empty()
    assert rec.fund_use == "用于支付村干部工资"
    assert rec.spending_plan == {"3月底": 25.0, "6月底": 50.0, "10月底": 75.0, "12月底": 100.0}
    assert rec.goal_annual == (
        "1.加大村级组织建设保障力度，充分调动和激发农村干部的工作热情，确保村级组织机构的正常运转。"
    )
    assert rec.goal_period == ""
    assert (rec.attribute, rec.period_years, rec.fill_date, rec.category) == ("", None, "", "")
    assert rec.quality_flags == []


def test_one_table_indicators():
    _, rec = _only_record("one-table.txt")
    assert rec.indicators == [
        _ind(
            "产出指标", "数量指标", "行政村数量", "经费保障行政村数量", "21个", "", 21, "个", "年度工作计划"
        ),
        _ind("产出指标", "质量指标", "足额发放率", "足额发放率", "≥95%", "≥", 95, "%", "年度工作计划"),
        _ind("产出指标", "时效指标", "及时发放率", "及时发放率", "≥95%", "≥", 95, "%", "年度工作计划"),
        _ind(
            "产出指标",
            "成本指标",
            "预算成本内",
            "控制在预算成本内",
            "≤67.54万元",
            "≤",
            67.54,
            "万元",
            "2024县级预算编制通知",
        ),
        _ind(
            "效益指标",
            "经济效益指标",
            "村级组织机构的正常运转",
            "是否能够保障村级组织机构的正常运转",
            "得到保障",
            "",
            None,
            "",
            "年初工作计划",
        ),
        # the source cell has a leading space: " 加强村干部工作稳定性"
        _ind(
            "效益指标",
            "社会效益指标",
            "加强村干部工作稳定性",
            "对所服务地区村两委队伍生活工作的影响",
            "得到提升",
            "",
            None,
            "",
            "年初工作计划",
        ),
        _ind(
            "满意度指标",
            "服务对象满意度指标",
            "村干部满意度",
            "村干部对工资发放是否满意",
            "≥95%",
            "≥",
            95,
            "%",
            "年度工作计划",
        ),
    ]


# ---------------------------------------------------------------- wrapped heading


def test_wrapped_heading():
    table, rec = _only_record("wrapped-heading.txt")
    # the heading is two bookmarked lines; the table starts at the first
    assert (table.line_start, table.line_end) == (1, 95)
    # the name cell ends with two tabs (empty merged cells)
    assert rec.project_name == "怀财字【2024】7号村干部养老保险"
    assert rec.project_code == "13073024P00886210004D"
    assert rec.funds.annual.total == 123000
    assert rec.funds.annual.fiscal == 123000
    assert rec.funds.annual.other is None
    assert rec.fund_use == "村干部养老保险经费"
    assert rec.goal_annual == (
        "1.加大村级组织建设保障力度，充分调动和激发农村干部的工作热情，确保村级组织机构的正常运转"
    )
    assert rec.indicators == [
        _ind(
            "产出指标", "数量指标", "行政村数量", "经费保障行政村数量", "21个", "", 21, "个", "年初工作计划"
        ),
        _ind(
            "产出指标", "质量指标", "保险缴纳到位率", "足额缴纳养老保险", "≥95%", "≥", 95, "%", "年初工作计划"
        ),
        _ind("产出指标", "时效指标", "保险缴纳及时率", "及时缴纳保险", "≥95%", "≥", 95, "%", "年初工作计划"),
        _ind(
            "产出指标",
            "成本指标",
            "预算资金",
            "控制在预算成本内",
            "≤12.3万元",
            "≤",
            12.3,
            "万元",
            "2024县级预算编制通知",
        ),
        _ind(
            "效益指标",
            "社会效益指标",
            "村级组织机构运转",
            "村级组织机构能否正常运转",
            "正常运转",
            "",
            None,
            "",
            "年初工作计划",
        ),
        _ind(
            "效益指标",
            "可持续影响指标",
            "增强村干部工作稳定性",
            "对所服务地区村两委队伍生活工作的影响",
            "得到增强",
            "",
            None,
            "",
            "年初工作计划",
        ),
        _ind(
            "满意度指标",
            "服务对象满意度指标",
            "村干部满意度",
            "村干部满意度",
            "≥95%",
            "≥",
            95,
            "%",
            "年度工作计划",
        ),
    ]


# ---------------------------------------------------------------- placeholder goal


def test_placeholder_goal_table():
    table, rec = _only_record("placeholder-goal.txt")
    assert (table.line_start, table.line_end) == (1, 106)
    assert rec.project_name == "官厅镇怀财字【2024】7号防火经费"
    assert rec.project_code == "13073024P00889410018Q"
    assert rec.funds.annual.total == 210000
    assert rec.fund_use == "防火经费"
    assert rec.goal_annual == "1.目标内容1"
    names = [
        "年度服务部门数量",
        "发票损耗率",
        "报告完成时间",
        "控制在预算内",
        "新增粮食产能",
        "社保费征缴率",
        "对区域生态改善",
        "项目建成效果",
        "服务满意度",
    ]
    level2 = [
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "可持续影响指标",
        "服务对象满意度指标",
    ]
    level1 = ["产出指标"] * 4 + ["效益指标"] * 4 + ["满意度指标"]
    assert rec.indicators == [
        _ind(l1, l2, n, n, "≥95百分比", "≥", 95, "百分比", "年初工作计划")
        for l1, l2, n in zip(level1, level2, names, strict=True)
    ]


# ---------------------------------------------------------------- whole document


def test_whole_document():
    lines = _lines(RAW / DOC)
    result = word_cells.extract(lines, DOC)
    assert len(result.tables) == 23
    assert all(t.status == "ok" for t in result.tables)
    # the table of contents lists the same 23 tables: no note
    assert result.notes == []
    records = [t.record for t in result.tables]
    assert [r.source.line_start for r in records][:3] == [101, 199, 296]
    assert records[-1].project_name == "怀财字【2024】7号驻村工作队工作经费"
    assert (records[-1].source.line_start, records[-1].source.line_end) == (2383, 2478)
    assert len({r.project_code for r in records}) == 23
    assert all(r.department_name == "怀来县官厅镇人民政府" for r in records)
    assert all(r.unit_name == r.department_name for r in records)
    assert all(r.funds.annual.total == r.funds.annual.fiscal for r in records)
    # 894.78万元: the 23 预算数 cells summed by hand
    assert sum(r.funds.annual.total for r in records) == 8_947_800
    assert sum(len(r.indicators) for r in records) == 9 * 9 + 14 * 7
    assert all(
        r.spending_plan == {"3月底": 25.0, "6月底": 50.0, "10月底": 75.0, "12月底": 100.0} for r in records
    )
    # 怀财字【2024】7号村级组织运转（村干部工资）: 230.12万元
    assert records[16].funds.annual.total == 2_301_200


def test_missing_table_is_reported():
    lines = _lines(RAW / DOC)
    # drop table 2 (lines 199-295): the table of contents still lists it
    result = word_cells.extract(lines[:198] + lines[295:], DOC)
    assert len(result.tables) == 22
    assert result.notes == [
        ("toc-mismatch", 101, {"listed": "23", "found": "22", "missing": "表2", "extra": "无"})
    ]
