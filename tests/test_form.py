"""The form reader (generator/extract/form.py) over tables built here as cell grids, one per
template family of ../shared/docs/TEMPLATES.md. Each expectation is read off the grid
written in its test, field by field; the Shanxi table is the first table of 002, rebuilt
by hand from its text export and checked against its committed record."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.extract.form import FormResult, is_performance_table, read_form, read_forms
from generator.extract.vocabulary import load_vocabulary
from generator.model import Indicator
from generator.tables import Cell, Table

REPO = Path(__file__).resolve().parent.parent
DOC_002 = "002_267eabc4729ba3a5.txt"
DOC_004 = "004_1edcff210bf438b5.txt"

LEFT = "<"  # the cell to the left continues here (colspan)
UP = "^"  # the cell above continues here (rowspan)


def grid_table(
    rows: list[list[str]],
    *,
    file: str = "test.pdf",
    title: str = "",
    context: tuple[str, ...] = (),
    lines: list[int] | None = None,
    pages: list[int] | None = None,
) -> Table:
    """A Table from rows of texts with merge markers: LEFT extends the cell to its left,
    UP the cell above (a block merged both ways has UP at all its lower positions); any
    other string, "" too, is a cell. `lines`: the text line of each row (text documents);
    `pages`: the PDF page of each row."""
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text in (LEFT, UP):
                continue
            colspan = 1
            while c + colspan < len(row) and row[c + colspan] == LEFT:
                colspan += 1
            rowspan = 1
            while r + rowspan < len(rows) and rows[r + rowspan][c : c + 1] == [UP]:
                rowspan += 1
            line, page = lines[r] if lines else 0, pages[r] if pages else 0
            cells.append(Cell(r, c, text, rowspan=rowspan, colspan=colspan, line=line, page=page))
    return Table(file=file, index=1, cells=cells, title=title, context=list(context))


def _read(table: Table) -> FormResult:
    vocab = load_vocabulary()
    assert is_performance_table(table, vocab)
    return read_form(table, vocab)


def _inds(inds: list[Indicator]) -> list[tuple[Any, ...]]:
    return [(i.scope, i.level1, i.level2, i.name, i.value, i.op, i.number, i.unit) for i in inds]


def test_grid_table_spans():
    t = grid_table([["a", LEFT, "b"], [UP, UP, "c"]])
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in t.cells] == [
        ("a", 0, 0, 2, 2),
        ("b", 0, 2, 1, 1),
        ("c", 1, 2, 1, 1),
    ]


# ---------------------------------------------------------------- vocabulary


def test_vocabulary_is_cached_and_labels_ignore_whitespace():
    vocab = load_vocabulary()
    assert load_vocabulary() is vocab
    assert vocab.label("项目\n概况") == vocab.label("项目概况")
    assert vocab.label("其中：中央财政资金") == vocab.label("中央财政资金")
    assert vocab.label("实施期资金总额:") == vocab.label("实施期资金总额")
    assert vocab.label("项目资金（元）") == vocab.label("项目资金")
    assert vocab.label("数量 指标") is None  # a level name is grid content, not a label


# ---------------------------------------------------------------- (1) Shanxi, 002's first table


def _tab_cells(line: str) -> list[str]:
    return [t.strip() for t in line.split("\t") if t.strip()]


def _committed_all(file: str) -> list[dict[str, Any]]:
    """The committed records of `file`, in table order."""
    paths = (REPO / "data" / "records").glob("*.yaml")
    records = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in paths]
    return sorted(
        (r for r in records if r["source"]["file"] == file), key=lambda r: r["source"]["line_start"]
    )


def _committed(file: str) -> dict[str, Any]:
    """The committed record of the first table of `file` (the smallest source.line_start)."""
    return _committed_all(file)[0]


def _shanxi() -> tuple[Table, dict[int, list[str]]]:
    """Lines 7-39 of 002 as the printed grid. The text export drops merged cells and shifts
    the rest of the row left; here each cell is back in its column: 8 columns, the period
    side in columns 1-4 and the annual side in 5-7; 总体目标 is merged over the goal label
    row and the goal row (the export prints it on the second)."""
    src = (REPO / "data" / "raw" / DOC_002).read_text(encoding="utf-8").split("\n")
    cells = {n: _tab_cells(src[n - 1]) for n in range(1, 50)}
    text = {n: cells[n][1] for n in (7, 16, 17, 18, 19, 20)}  # the long texts, as printed
    g1, g2 = cells[23][1], cells[23][2]
    dept, unit = "620-阳泉高新技术产业开发区社会事务管理中心", "阳泉高新技术产业开发区社会事务管理中心"
    n80, n90, n95 = "80(含)至89(含)周岁老人", "90(含)至94(含)周岁老人", "95(含)至99(含)周岁老人"

    def both(l1: str, l2: str, name: str, value: str) -> list[str]:
        """An indicator row: 绩效指标 merged down, level 1, then the same level 2, name and
        value on the period side (columns 2-4) and on the annual side (5-7), as printed."""
        return [UP, l1, l2, name, value, l2, name, value]

    rows = [
        ["项目名称", text[7], LEFT, LEFT, LEFT, LEFT, LEFT, LEFT],
        ["主管部门及代码", dept, LEFT, LEFT, LEFT, "实施单位", unit, LEFT],
        ["项目属性", "一次性项目(1年结束)", LEFT, LEFT, LEFT, "项目期", "1年", LEFT],
        ["项目资金(元)", "实施期资金总额:", LEFT, "785,100", LEFT, "年度资金总额:", "785,100", LEFT],
        [UP, "其中:中央财政资金", LEFT, "0", LEFT, "其中:中央财政资金", "0", LEFT],
        [UP, "省级财政资金", LEFT, "0", LEFT, "省级财政资金", "0", LEFT],
        [UP, "市县(区)财政资金", LEFT, "785,100", LEFT, "市县(区)财政资金", "785,100", LEFT],
        [UP, "单位自筹", LEFT, "0", LEFT, "单位自筹", "0", LEFT],
        [UP, "其他资金", LEFT, "", LEFT, "其他资金", "", LEFT],
        ["项目概况", text[16], LEFT, LEFT, LEFT, LEFT, LEFT, LEFT],
        ["立项依据", text[17], LEFT, LEFT, LEFT, LEFT, LEFT, LEFT],
        ["项目设立必要性", text[18], LEFT, LEFT, LEFT, LEFT, LEFT, LEFT],
        ["保证项目实施的制度、措施", text[19], LEFT, LEFT, LEFT, LEFT, LEFT, LEFT],
        ["项目实施计划", text[20], LEFT, LEFT, LEFT, LEFT, LEFT, LEFT],
        ["总体目标", "实施期目标", LEFT, LEFT, LEFT, "年度目标", LEFT, LEFT],
        [UP, g1, LEFT, LEFT, LEFT, g2, LEFT, LEFT],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"],
        both("产出指标", "数量指标", n80, "1371人"),
        both(UP, UP, n90, "≥50人"),
        both(UP, UP, n95, "≥50人"),
        both(UP, UP, "100周岁及以上老年人数", "1人"),
        both(UP, "质量指标", "高龄老人津贴补助发放率", "100%"),
        both(UP, "时效指标", "高龄老人津贴补助发放时间", "2024年每月"),
        both(UP, "成本指标", n80, "75元/人/月"),
        both(UP, UP, n90, "142元/人/月"),
        both(UP, UP, "100周岁及以上老年津贴成本", "292元/人/月"),  # printed before 95-99 (line 33)
        both(UP, UP, n95, "176元/人/月"),
        both("效益指标", "经济效益指标", "", ""),
        both(UP, "社会效益指标", "对高龄老年人生活影响", "持续改善"),
        both(UP, "生态效益指标", "", ""),
        both(UP, "可持续影响指标", "", ""),
        both("满意度指标", "服务对象满意度", "受益老年人满意度", "≥85%"),
    ]
    lines = [*range(7, 21), *range(22, 40)]  # line 21 is blank
    table = grid_table(rows, file=DOC_002, title=src[2], context=(src[4],), lines=lines)
    return table, cells


def test_shanxi_grid_holds_exactly_the_printed_cells():
    table, cells = _shanxi()
    printed = Counter(t for n in range(7, 40) for t in cells[n])
    assert Counter(c.text for c in table.cells if c.text) == printed


def test_shanxi_matches_committed_record():
    table, _ = _shanxi()
    result = _read(table)
    want = _committed(DOC_002)
    assert want["source"]["line_start"] == 3  # the first table
    assert result.status == "ok", result.reason
    assert (result.line_start, result.line_end) == (7, 39)
    rec = result.record
    assert rec is not None
    for key in (
        "project_name",
        "department_code",
        "department_name",
        "unit_name",
        "project_code",
        "attribute",
        "period_years",
        "category",
        "overview",
        "basis",
        "necessity",
        "measures",
        "plan",
        "goal_period",
        "goal_annual",
    ):
        assert getattr(rec, key) == want[key], key
    assert rec.funds.model_dump() == want["funds"]  # every row, both columns, and the unit
    assert _inds(rec.indicators) == [
        (i["scope"], i["level1"], i["level2"], i["name"], i["value"], i["op"], i["number"], i["unit"])
        for i in want["indicators"]
    ]
    assert len(rec.indicators) == 24
    assert rec.source.file == DOC_002 and rec.source.layout == "form"
    assert rec.quality_flags == []
    assert result.extra == {}


# ---------------------------------------------------------------- Hebei 怀来县, 004: every table


def _word_table(lines: list[str], start: int, end: int) -> Table:
    """A table of 004's Word export (lines start..end, 1-based): one cell per line starting
    with a tab, rows ended by any other line. The export keeps no spans: a merged cell is
    printed once and its other positions are empty cells."""
    rows: list[list[tuple[int, str]]] = [[]]
    for n in range(start, end + 1):
        if lines[n - 1].startswith("\t"):
            rows[-1].append((n, lines[n - 1].strip()))
        elif rows[-1]:
            rows.append([])
    cells = [Cell(r, c, text, line=n) for r, row in enumerate(rows) for c, (n, text) in enumerate(row)]
    return Table(file=DOC_004, index=1, cells=cells, title=lines[start - 1])


def test_hebei_word_tables_match_committed_records():
    lines = (REPO / "data" / "raw" / DOC_004).read_text(encoding="utf-8").split("\n")
    committed = _committed_all(DOC_004)
    assert len(committed) == 23
    for want in committed:
        start, end = want["source"]["line_start"], want["source"]["line_end"]
        result = _read(_word_table(lines, start, end))
        assert result.status == "ok", (start, result.reason)
        got = result.record
        assert got is not None
        for key in (
            "project_name",
            "project_code",
            "department_code",
            "department_name",
            "attribute",
            "period_years",
            "funds",
            "spending_plan",
            "fund_use",
            "overview",
            "goal_period",
            "goal_annual",
            "indicators",
            "fill_date",
        ):
            assert got.model_dump()[key] == want[key], (start, key)
        # the form prints no 实施单位: left empty (the 004 layout copies the department)
        assert got.unit_name == "" and want["unit_name"] == want["department_name"]


# ---------------------------------------------------------------- (2) Shanghai 申报表


def test_shanghai_application_form():
    rows = [
        ["项目名称", "闵行区中小学校园安全保障", LEFT, LEFT, LEFT, LEFT],
        ["主管部门", "上海市闵行区教育局", LEFT, "项目实施单位", "上海市闵行区教育保障中心", LEFT],
        ["项目性质", "阶段性", LEFT, "项目类别", "特定目标类", LEFT],
        ["项目资金（万元）", "项目资金总额", "360.00", "年度资金申请总额", "120.00", LEFT],
        [UP, UP, UP, "其中：当年财政拨款", "100.00", LEFT],
        [UP, UP, UP, "上年结转资金", "15.50", LEFT],
        [UP, UP, UP, "其他资金", "4.50", LEFT],
        ["总体目标", "三年内完成全区中小学校园安保体系建设。", LEFT, LEFT, LEFT, LEFT],
        ["年度目标", "2024年为120所学校配备专职安保人员。", LEFT, LEFT, LEFT, LEFT],
        ["一级指标", "二级指标", "三级指标", LEFT, "年度(/项目)指标值", LEFT],
        ["产出指标", "数量指标", "校园安保人员配备数", LEFT, "=120(人)", LEFT],
        [UP, "质量指标", "安保服务合格率", LEFT, "≥95.00(%)", LEFT],
        [UP, "时效指标", "服务完成及时率", LEFT, "=100.00(%)", LEFT],
        ["", "成本指标", "人均安保服务成本", LEFT, "≤1.00(万元/人)", LEFT],  # 一级指标 left empty
        ["效益指标", "社会效益指标", "校园安全事故发生率", LEFT, "≤1.00(%)", LEFT],
        ["", "可持续影响指标", "安全保障机制", LEFT, "长效", LEFT],
        ["满意度指标", "服务对象满意度指标", "师生家长满意度", LEFT, "≥90.00(%)", LEFT],
    ]
    result = _read(grid_table(rows, title="财政项目支出绩效目标申报表", context=("（2024年度）",)))
    assert result.status == "ok", result.reason
    assert (result.line_start, result.line_end) == (1, 17)  # table rows: a PDF has no lines
    rec = result.record
    assert rec is not None
    assert rec.project_name == "闵行区中小学校园安全保障"
    assert (rec.department_code, rec.department_name) == ("", "上海市闵行区教育局")
    assert rec.unit_name == "上海市闵行区教育保障中心"
    assert rec.attribute == "阶段性"
    assert rec.category == ""  # 项目类别 is not the A/B/C 项目分类
    assert rec.period_years is None
    assert rec.funds.unit_in_source == "万元"
    assert rec.funds.period.model_dump() == {
        "total": 3_600_000,
        "central": None,
        "provincial": None,
        "local": None,
        "self_raised": None,
        "other": None,
    }
    assert rec.funds.annual.model_dump() == {
        "total": 1_200_000,
        "central": None,
        "provincial": None,
        "local": None,
        "self_raised": None,
        "other": 45_000,
        "current_year": 1_000_000,  # 其中：当年财政拨款
        "carried_over": 155_000,  # 上年结转资金: with 其他资金 they make the total
    }
    assert result.extra == {"项目类别": "特定目标类"}
    assert rec.goal_period == "三年内完成全区中小学校园安保体系建设。"
    assert rec.goal_annual == "2024年为120所学校配备专职安保人员。"
    assert _inds(rec.indicators) == [
        ("annual", "产出指标", "数量指标", "校园安保人员配备数", "=120(人)", "=", 120, "人"),
        ("annual", "产出指标", "质量指标", "安保服务合格率", "≥95.00(%)", "≥", 95, "%"),
        ("annual", "产出指标", "时效指标", "服务完成及时率", "=100.00(%)", "=", 100, "%"),
        ("annual", "产出指标", "成本指标", "人均安保服务成本", "≤1.00(万元/人)", "≤", 1, "万元/人"),
        ("annual", "效益指标", "社会效益指标", "校园安全事故发生率", "≤1.00(%)", "≤", 1, "%"),
        ("annual", "效益指标", "可持续影响指标", "安全保障机制", "长效", "", None, ""),
        ("annual", "满意度指标", "服务对象满意度指标", "师生家长满意度", "≥90.00(%)", "≥", 90, "%"),
    ]
    assert rec.quality_flags == []


# ---------------------------------------------------------------- (3) Sichuan, one row per indicator


SICHUAN_HEADER = [
    "单位名称",
    "项目名称",
    "预算数",
    "年度目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "权重",
    "指标方向性",
]


def test_sichuan_one_row_per_indicator():
    u, p, a, g = (
        "成都市双流区农田建设服务中心",
        "高标准农田建设",
        "250.5",
        "新建高标准农田1200亩，提升粮食产能。",
    )
    rows = [
        SICHUAN_HEADER,
        [u, p, a, g, "产出指标", "数量指标", "新建高标准农田面积", "≥", "1200", "亩", "20", "正向"],
        [UP, UP, UP, UP, UP, "质量指标", "工程验收合格率", "=", "100", "%", "20", "正向"],
        [UP, UP, UP, UP, UP, "成本指标", "亩均建设成本", "≤", "2000", "元/亩", "10", "反向"],
        [UP, UP, UP, UP, "效益指标", "经济效益指标", "亩均粮食产能提升", "≥", "50", "公斤", "15", "正向"],
        [UP, UP, UP, UP, UP, "社会效益指标", "农田基础设施条件", "定性", "明显改善", "", "5", "正向"],
        [UP, UP, UP, UP, "满意度指标", "服务对象满意度指标", "受益农户满意度", "≥", "90", "%", "10", "正向"],
    ]
    context = ("部门名称：成都市双流区农业农村局", "单位：万元")
    table = grid_table(rows, file="sichuan.html", title="部门预算项目绩效目标申报表", context=context)
    result = _read(table)
    assert result.status == "ok", result.reason
    rec = result.record
    assert rec is not None
    assert rec.project_name == "高标准农田建设"
    # 部门名称 above the table; 单位名称 names the project's budget unit
    assert (rec.department_code, rec.department_name) == ("", "成都市双流区农业农村局")
    assert rec.unit_name == "成都市双流区农田建设服务中心"
    assert rec.funds.unit_in_source == "万元"
    assert rec.funds.annual.total == 2_505_000
    assert rec.funds.period.is_empty()
    assert (rec.goal_period, rec.goal_annual) == ("", g)
    assert _inds(rec.indicators) == [
        ("annual", "产出指标", "数量指标", "新建高标准农田面积", "≥1200亩", "≥", 1200, "亩"),
        ("annual", "产出指标", "质量指标", "工程验收合格率", "=100%", "=", 100, "%"),
        ("annual", "产出指标", "成本指标", "亩均建设成本", "≤2000元/亩", "≤", 2000, "元/亩"),
        ("annual", "效益指标", "经济效益指标", "亩均粮食产能提升", "≥50公斤", "≥", 50, "公斤"),
        ("annual", "效益指标", "社会效益指标", "农田基础设施条件", "明显改善", "", None, ""),
        ("annual", "满意度指标", "服务对象满意度指标", "受益农户满意度", "≥90%", "≥", 90, "%"),
    ]
    assert result.extra == {
        "indicators": [
            {"权重": "20", "指标方向性": "正向"},
            {"权重": "20", "指标方向性": "正向"},
            {"权重": "10", "指标方向性": "反向"},
            {"权重": "15", "指标方向性": "正向"},
            {"指标性质": "定性", "权重": "5", "指标方向性": "正向"},
            {"权重": "10", "指标方向性": "正向"},
        ]
    }
    assert rec.quality_flags == []


def test_sichuan_table_of_several_projects_with_a_subtotal_row():
    rows = [
        SICHUAN_HEADER,
        ["合计", LEFT, "30", "", "", "", "", "", "", "", "", ""],  # the department subtotal
        ["某中心", "项目甲", "10", "目标甲", "产出指标", "数量指标", "甲指标", "≥", "1", "个", "50", "正向"],
        [UP, UP, UP, UP, "满意度指标", "服务对象满意度指标", "甲满意度", "≥", "90", "%", "50", "正向"],
        [UP, "项目乙", "20", "目标乙", "产出指标", "数量指标", "乙指标", "≥", "2", "个", "100", "正向"],
    ]
    table = grid_table(rows, title="部门预算项目绩效目标申报表", context=("单位：万元",))
    results = read_forms(table, load_vocabulary())
    got = [
        (r.status, r.line_start, r.line_end, r.record.project_name, r.record.unit_name, r.record.goal_annual)
        for r in results
        if r.record is not None
    ]
    assert got == [("ok", 3, 4, "项目甲", "某中心", "目标甲"), ("ok", 5, 5, "项目乙", "某中心", "目标乙")]
    first, second = (r.record for r in results)
    assert first is not None and second is not None
    assert (first.funds.annual.total, second.funds.annual.total) == (100_000, 200_000)
    assert [i.name for i in first.indicators] == ["甲指标", "甲满意度"]
    assert [i.name for i in second.indicators] == ["乙指标"]
    assert read_form(table, load_vocabulary()).record == first


# ---------------------------------------------------------------- (4) Hunan


def test_hunan_form():
    rows = [
        ["项目支出名称", "农村义务教育学生营养改善计划", LEFT, LEFT, LEFT, LEFT],
        ["预算部门", "415001-湘潭县教育局", LEFT, LEFT, "项目支出实施期", "1年"],
        ["年度本级预算金额", "320", LEFT, LEFT, "该项目支出上级资金", "180"],
        ["实施期绩效目标", "保障农村义务教育学生营养膳食补助按时足额发放。", LEFT, LEFT, LEFT, LEFT],
        ["本年度绩效目标", "2024年为12000名学生提供营养膳食补助。", LEFT, LEFT, LEFT, LEFT],
        ["一级指标", "二级指标", "三级指标", LEFT, "指标值及单位", "绩效标准"],
        ["产出指标", "数量指标", "受益学生人数", LEFT, "≥12000人", "计划标准"],
        [UP, "质量指标", "食品安全事故发生次数", LEFT, "0次", "行业标准"],
        [UP, "时效指标", "", LEFT, "", ""],  # an unused 二级指标: no indicator
        [UP, "成本指标", "每生每天补助标准", LEFT, "5元", "计划标准"],
        ["效益指标", "经济效益指标", "", LEFT, "", ""],
        [UP, "社会效益指标", "学生营养健康状况", LEFT, "明显改善", "历史标准"],
        ["满意度指标", "服务对象满意度指标", "家长满意度", LEFT, "≥90%", "计划标准"],
        ["填报日期", "2024年1月25日", LEFT, LEFT, LEFT, LEFT],
    ]
    result = _read(grid_table(rows, title="项目支出绩效目标表", context=("单位：万元",)))
    assert result.status == "ok", result.reason
    rec = result.record
    assert rec is not None
    assert rec.project_name == "农村义务教育学生营养改善计划"
    assert (rec.department_code, rec.department_name) == ("415001", "湘潭县教育局")
    assert rec.period_years == 1
    assert rec.funds.unit_in_source == "万元"
    assert rec.funds.annual.total == 3_200_000
    assert rec.funds.period.is_empty()
    assert rec.goal_period == "保障农村义务教育学生营养膳食补助按时足额发放。"
    assert rec.goal_annual == "2024年为12000名学生提供营养膳食补助。"
    assert rec.fill_date == "2024-01-25"
    assert _inds(rec.indicators) == [
        ("annual", "产出指标", "数量指标", "受益学生人数", "≥12000人", "≥", 12000, "人"),
        ("annual", "产出指标", "质量指标", "食品安全事故发生次数", "0次", "", 0, "次"),
        ("annual", "产出指标", "成本指标", "每生每天补助标准", "5元", "", 5, "元"),
        ("annual", "效益指标", "社会效益指标", "学生营养健康状况", "明显改善", "", None, ""),
        ("annual", "满意度指标", "服务对象满意度指标", "家长满意度", "≥90%", "≥", 90, "%"),
    ]
    assert rec.funds.annual.upper_level == 1_800_000  # 该项目支出上级资金: beside the total, not in it
    assert result.extra == {
        "indicators": [
            {"绩效标准": "计划标准"},
            {"绩效标准": "行业标准"},
            {"绩效标准": "计划标准"},
            {"绩效标准": "历史标准"},
            {"绩效标准": "计划标准"},
        ],
    }
    assert rec.quality_flags == []


# ---------------------------------------------------------------- (5) 成本指标 at level 1


def test_cost_at_level_one():
    rows = [
        ["项目名称", "乡村道路养护", LEFT, LEFT],
        ["主管部门", "某县交通运输局", "实施单位", "某县公路管理段"],
        ["年度资金总额（万元）", "50", "其中：财政资金", "50"],
        ["年度目标", "完成乡村道路日常养护30公里。", LEFT, LEFT],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "养护道路里程", "≥30公里"],
        ["成本指标", "经济成本指标", "每公里养护成本", "≤1.6万元"],
        [UP, "社会成本指标", "施工期间交通中断时长", "≤2天"],
        [UP, "生态环境成本指标", "养护废料回收率", "≥90%"],
        ["效益指标", "社会效益指标", "道路通行条件", "改善"],
        ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%"],
    ]
    result = _read(grid_table(rows, title="项目支出绩效目标表"))
    assert result.status == "ok", result.reason
    rec = result.record
    assert rec is not None
    assert rec.funds.unit_in_source == "万元"  # printed only in the total's label: the block's unit
    assert (rec.funds.annual.total, rec.funds.annual.fiscal) == (500_000, 500_000)
    assert _inds(rec.indicators) == [
        ("annual", "产出指标", "数量指标", "养护道路里程", "≥30公里", "≥", 30, "公里"),
        ("annual", "成本指标", "经济成本指标", "每公里养护成本", "≤1.6万元", "≤", 1.6, "万元"),
        ("annual", "成本指标", "社会成本指标", "施工期间交通中断时长", "≤2天", "≤", 2, "天"),
        ("annual", "成本指标", "生态环境成本指标", "养护废料回收率", "≥90%", "≥", 90, "%"),
        ("annual", "效益指标", "社会效益指标", "道路通行条件", "改善", "", None, ""),
        ("annual", "满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "≥", 90, "%"),
    ]


# ---------------------------------------------------------------- (6) other budget tables


def test_income_and_expenditure_table_is_not_a_performance_table():
    rows = [
        ["收入", LEFT, "支出", LEFT],
        ["项目", "预算数", "项目", "预算数"],
        ["一般公共预算拨款收入", "1,200.00", "一般公共服务支出", "800.00"],
        ["政府性基金预算拨款收入", "100.00", "教育支出", "500.00"],
        ["收入总计", "1,300.00", "支出总计", "1,300.00"],
    ]
    vocab = load_vocabulary()
    assert not is_performance_table(grid_table(rows, title="2024年部门收支总表"), vocab)
    assert not is_performance_table(grid_table(rows), vocab)  # by its labels alone
    assert not is_performance_table(grid_table(rows, title="部门整体支出绩效目标表"), vocab)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("阳泉经济技术开发区县(区)级预算部门(单位)项目支出绩效目标表", True),
        ("中阳县县(区)级预算部门(单位)项目支出绩效目标申报表 (2024 年度)", True),
        ("[bookmark: _Toc_4_4_0000000015]12.官厅镇怀财字【2024】7号乡镇转移支付绩效目标表", True),
        ("3.某镇机关运行经费绩效目标表", True),  # a project's name inside the title
        ("财政项目支出绩效目标申报表", True),
        ("第一部分 部门整体绩效目标", False),
        ("部门整体支出绩效目标表", False),
        ("2024年部门收支总表", False),
        ("财政拨款“三公”经费支出表", False),
        ("一般公共预算基本支出表", False),
    ],
)
def test_titles(title: str, expected: bool):
    table = grid_table([["x"]], title=title)
    assert is_performance_table(table, load_vocabulary()) is expected


def test_performance_table_recognised_by_its_labels_without_title():
    table, _ = _shanxi()
    table.title, table.context = "", []
    assert is_performance_table(table, load_vocabulary())


# ---------------------------------------------------------------- (7) a table cut after the funds


def test_table_cut_after_funds_is_partial_and_flagged():
    table, _ = _shanxi()
    table.cells = [c for c in table.cells if c.row <= 8]  # 项目名称 … 其他资金
    result = _read(table)
    assert result.status == "partial"
    assert result.reason == "表格在第15行后中断，缺少绩效指标"
    rec = result.record
    assert rec is not None
    assert rec.quality_flags == ["table_truncated"]
    assert rec.quality_notes[0].message == "原表缺少绩效指标"
    assert rec.funds.annual.total == 785_100 and rec.indicators == []


def test_table_without_funds_is_flagged():
    rows = [
        ["项目名称", "某项目", LEFT],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训人次", "≥100人次"],
    ]
    result = _read(grid_table(rows, title="项目支出绩效目标表"))
    assert result.status == "partial" and result.reason == "表格缺少项目资金"
    assert result.record is not None and result.record.quality_flags == ["table_truncated"]


def test_table_without_project_name_fails():
    result = read_form(grid_table([["实施单位", "某局"]], title="项目支出绩效目标表"), load_vocabulary())
    assert result.status == "failed" and result.record is None
    assert "项目名称" in result.reason


# ---------------------------------------------------------------- other layouts of the same labels


def test_funds_grid_with_side_columns_and_label_in_cell():
    rows = [
        ["项目名称：乡村学校校舍维修", LEFT, LEFT],
        ["资金来源", "实施期", "年度"],
        ["资金总额", "90万", "30万"],
        ["中央财政资金", "60万", "20万"],
        ["市县（区）财政资金", "30万", "10万"],
        ["一级指标", "二级指标", "三级指标"],
        ["产出指标", "数量指标", "维修校舍面积"],
    ]
    result = _read(grid_table(rows, title="项目支出绩效目标表"))
    rec = result.record
    assert rec is not None
    assert rec.project_name == "乡村学校校舍维修"
    assert rec.funds.unit_in_source == "万元"  # from the values
    period, annual = rec.funds.period, rec.funds.annual
    assert (period.total, period.central, period.local) == (900_000, 600_000, 300_000)
    assert (annual.total, annual.central, annual.local) == (300_000, 200_000, 100_000)
    # an indicator with no value column printed: kept, flagged
    assert _inds(rec.indicators) == [("annual", "产出指标", "数量指标", "维修校舍面积", "", "", None, "")]
    assert rec.quality_flags == ["indicator_value_missing"]


def test_name_cut_by_a_page_break_is_joined():
    rows = [
        ["项目名称", "某项目", LEFT, LEFT],
        ["年度资金总额", "100", LEFT, LEFT],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "成本指标", "100周岁及", "292元/人/月"],
        [UP, UP, "以上老年津贴成本", ""],  # the rest of the cell, on the next page
        [UP, UP, "95周岁老人", "176元/人/月"],
        [UP, "时效指标", "发放时间", ""],  # same page: an indicator without value
    ]
    result = _read(grid_table(rows, title="项目支出绩效目标表", pages=[1, 1, 1, 1, 2, 2, 2]))
    rec = result.record
    assert rec is not None
    assert [(i.name, i.value) for i in rec.indicators] == [
        ("100周岁及以上老年津贴成本", "292元/人/月"),
        ("95周岁老人", "176元/人/月"),
        ("发放时间", ""),
    ]
    assert rec.quality_flags == ["indicator_value_missing"]


def test_period_that_is_no_length_and_word_comparisons():
    rows = [
        ["项目名称", "某项目", LEFT, LEFT, LEFT],
        ["项目期：2024-2026", LEFT, "预算数", "12", LEFT],
        ["三级指标", "指标性质", "指标值", "度量单位", "二级指标"],
        ["培训人次", "大于等于", "100", "人次", "数量指标"],
        ["培训合格率", "≥", "95%", "%", "质量指标"],  # the unit already printed in the value
    ]
    result = _read(grid_table(rows, title="项目支出绩效目标表"))
    rec = result.record
    assert rec is not None
    assert rec.period_years is None and result.extra == {"项目期": "2024-2026"}
    assert rec.funds.annual.total == 12
    assert _inds(rec.indicators) == [
        ("annual", "产出指标", "数量指标", "培训人次", "大于等于100人次", "≥", 100, "人次"),
        ("annual", "产出指标", "质量指标", "培训合格率", "≥95%", "≥", 95, "%"),
    ]


def test_unknown_fund_row_is_flagged_and_category_read():
    rows = [
        ["项目名称", "某项目", LEFT, LEFT],
        ["项目分类", "A类项目", "☑", LEFT],
        [UP, "B类项目", "□", LEFT],
        ["项目资金（元）", "年度资金总额", "1,000", LEFT],
        [UP, "债券资金", "1,000", LEFT],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训人次", "≥100人次"],
    ]
    result = _read(grid_table(rows, title="项目支出绩效目标表", lines=list(range(10, 17))))
    rec = result.record
    assert rec is not None
    assert rec.category == "A类项目"
    assert rec.funds.annual.total == 1000
    assert [(f.code, f.line, f.message) for f in rec.quality_notes] == [
        ("fund_row_unknown", 14, "资金行“债券资金”无法归类")
    ]
