"""The tab-separated layouts (000 tsv_continued, 002 tsv_varying, 003 dept_disclosure):
expectations read off the source by hand. Fixtures are exact excerpts of data/raw/ files;
their line N is the raw line given in each test's docstring plus N - 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.extract.layouts import dept_disclosure, detect_layout, tsv_common, tsv_continued, tsv_varying
from generator.model import Indicator

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "data" / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "layouts" / "tsv"
DOC_000 = "000_6bdd23b08ba68985.txt"
DOC_002 = "002_267eabc4729ba3a5.txt"
DOC_003 = "003_da816537205eaa38.txt"
DOCS = ["000_6bdd23b08ba68985.txt", "001_b05b28ee3a1316ba.txt", DOC_002, DOC_003, "004_1edcff210bf438b5.txt"]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _one(module, name: str):
    result = module.extract(_lines(FIXTURES / name), name)
    assert len(result.tables) == 1
    return result.tables[0], result.tables[0].record


def _ind(
    scope: str,
    level1: str,
    level2: str,
    name: str,
    value: str,
    op: str = "",
    number: int | float | None = None,
    unit: str = "",
) -> Indicator:
    return Indicator(
        scope=scope, level1=level1, level2=level2, name=name, value=value, op=op, number=number, unit=unit
    )


def _short(inds: list[Indicator]) -> list[tuple[str, str, str, str, str]]:
    return [(i.scope, i.level1, i.level2, i.name, i.value) for i in inds]


# ---------------------------------------------------------------- detect


@pytest.mark.parametrize(
    ("doc", "layout"), [(DOC_000, tsv_continued), (DOC_002, tsv_varying), (DOC_003, dept_disclosure)]
)
def test_detect_is_exclusive(doc: str, layout):
    lines = _lines(RAW / doc)
    mine = [m for m in (dept_disclosure, tsv_continued, tsv_varying) if m.detect(lines)]
    assert mine == [layout]
    assert detect_layout(lines) is layout


@pytest.mark.parametrize("doc", ["001_b05b28ee3a1316ba.txt", "004_1edcff210bf438b5.txt"])
def test_detect_false_on_other_layouts(doc: str):
    lines = _lines(RAW / doc)
    assert not any(m.detect(lines) for m in (dept_disclosure, tsv_continued, tsv_varying))


def test_detect_false_on_empty_file():
    assert not any(m.detect([""]) for m in (dept_disclosure, tsv_continued, tsv_varying))


# ---------------------------------------------------------------- 000


def test_continued_page_is_one_record():
    """000 lines 37-111: page 1 (37-78) has no footer; page 2 (80-111) repeats the header."""
    table, rec = _one(tsv_continued, "continued-page.txt")
    assert (table.status, table.line_start, table.line_end) == ("ok", 1, 42)
    assert table.merged_from == [(48, 75)]
    assert rec.source.model_dump() == {
        "file": "continued-page.txt",
        "line_start": 1,
        "line_end": 42,
        "layout": "tsv_continued",
        "continued": [{"line_start": 48, "line_end": 75}],
    }
    assert rec.project_name == "开发区建设发展专项资金"
    assert (rec.department_code, rec.department_name) == ("601", "繁峙经济技术开发区管理委员会")
    assert rec.unit_name == "繁峙经济技术开发区管理委员会"
    assert (rec.attribute, rec.period_years) == ("一次性项目", 1)
    zero = {"total": 0, "central": 0, "provincial": 0, "local": 0, "self_raised": 0, "other": None}
    assert rec.funds.model_dump() == {"unit_in_source": "元", "period": zero, "annual": zero}
    assert rec.basis.endswith("《县政府第四十一次常务会议》(〔2022〕)")  # page 1 kept
    assert rec.plan == "按照实际工作进度实施"
    assert rec.goal_period.startswith("项目资金1500万元全部用于") and rec.goal_annual == ""
    assert rec.fill_date == "2024-03-19"  # printed on page 2 only
    assert rec.quality_flags == ["continuation_header_differs"]
    assert [(n.line, n.message) for n in rec.notes_for("continuation_header_differs")] == [
        (58, "续表的立项依据与首页不同：首页“第四十一次常务”，续页“第四十七次常务”（采用首页）"),
        (
            60,
            "续表的保证项目实施的制度、措施与首页不同：首页“第四十一次常务”，续页“第四十七次常务”（采用首页）",
        ),
    ]
    inds = rec.indicators
    assert len(inds) == 28 and all(i.scope == "period" for i in inds)
    assert [i.level2 for i in inds].count("数量指标") == 12
    assert inds[12] == _ind("period", "产出指标", "质量指标", "经费支出合规性(%)", "100%", "", 100, "%")
    # line 72 "成本 指标 | 成本 指标": level 1 成本指标; the page-2 rows (101-105) continue it
    assert inds[14] == _ind(
        "period", "成本指标", "成本指标", "三化三制绩效工资发放金", "≤6.3万元/人", "≤", 6.3, "万元/人"
    )
    assert _short(inds[20:27]) == [
        ("period", "成本指标", "成本指标", "两新组织联合党组织党建", "≤2400元/人"),
        ("period", "成本指标", "成本指标", "单位信息网络运维线路维", "≤4.765万元/条"),
        ("period", "成本指标", "成本指标", "单位聘用人员费用(万元)", "≤4万元/人"),
        ("period", "成本指标", "成本指标", "往年规划、土地业务编制", "≤52.6万元/个"),
        ("period", "成本指标", "成本指标", "财政奖补资金涉及企业金", "≤200.34万元/个"),
        ("period", "成本指标", "成本指标", "单位运转参与、办公用品", "≤1.87万元/人"),
        ("period", "效益指标", "社会效益指标", "保障单位正常运转", "保障"),
    ]
    assert inds[27] == _ind(
        "period", "满意度指标", "服务对象满意度指标", "单位人员满意度(%)", "≥98%", "≥", 98, "%"
    )


def test_two_level2_labels_before_the_name():
    """000 lines 3-35; line 26 "时效指标 | 质量指标 | 经费支出合规性 | 100% | 时效指标"."""
    table, rec = _one(tsv_continued, "level2-before-name.txt")
    assert (table.status, table.line_start, table.line_end) == ("ok", 1, 33)
    assert rec.project_name == "攀登阅读"
    assert (rec.department_code, rec.department_name, rec.unit_name) == (
        "101",
        "繁峙县教育科技局",
        "繁峙县教育科技局",
    )
    assert rec.fill_date == "2023-03-16"
    assert rec.overview == "攀登阅读该项经费主要用于义务教育阶段学校攀登阅读素养提升项目，总投入100万元"
    assert _short(rec.indicators) == [
        ("period", "产出指标", "数量指标", "覆盖义务教育阶段学校、中心校", "≥26所"),
        ("period", "产出指标", "质量指标", "经费分配合规性", "100%"),  # value in the last column
        ("period", "产出指标", "质量指标", "经费支出合规性", "100%"),  # the nearer label applies
        ("period", "产出指标", "时效指标", "经费分配及时性", "≥98%"),  # the other starts here
        ("period", "产出指标", "时效指标", "经费支出及时性", "≥98%"),
        ("period", "产出指标", "成本指标", "项目总投入", "≤100万元"),  # one 成本指标: level 2
        ("period", "效益指标", "社会效益指标", "提升师生阅读素养", "提升"),
        ("period", "满意度指标", "服务对象满意度指标", "师生满意度", "≥98%"),
    ]
    assert rec.quality_flags == []


def test_annual_side_with_labels_only():
    """000 lines 145-177: the 年度 side prints level-2 labels only; line 169 prints 时效指标 there."""
    table, rec = _one(tsv_continued, "annual-side-empty.txt")
    assert (table.status, table.line_start, table.line_end) == ("ok", 1, 33)
    assert rec.project_name == "繁城镇建筑垃圾存放及再生利用处理经费"
    assert rec.fill_date == "2024-04-08"
    assert _short(rec.indicators) == [
        ("period", "产出指标", "数量指标", "繁城镇建筑垃圾存放及再生", "1项"),
        ("period", "产出指标", "质量指标", "垃圾清运覆盖率(%)", "≥98%"),
        ("period", "产出指标", "质量指标", "资金支付合规性(%)", "≥100%"),
        ("period", "产出指标", "时效指标", "经费支出及时率(%)", "≥100%"),  # line 169
        ("period", "产出指标", "时效指标", "垃圾清运及时率(%)", "≥98%"),  # line 170
        ("period", "产出指标", "成本指标", "繁城镇建筑垃圾存放及再生", "≤425000万元/项"),
        ("period", "效益指标", "社会效益指标", "提高城市容貌美观和整体", "提高"),
        ("period", "满意度指标", "服务对象满意度指标", "群众满意度(%)", "≥98%"),
    ]


def test_label_repeated_as_name():
    """000 lines 179-215; line 214 "满意度指标 | 服务对象满意度 | 服务对象满意度 | 满意 | 服务对象满意度"."""
    table, rec = _one(tsv_continued, "label-as-name.txt")
    assert (table.line_start, table.line_end) == (1, 37)
    assert rec.indicators[-1] == _ind("period", "满意度指标", "服务对象满意度指标", "服务对象满意度", "满意")
    assert rec.indicators[6] == _ind(
        "period", "产出指标", "时效指标", "政府购买服务资金支付及时率", "≥98%", "≥", 98, "%"
    )
    assert rec.funds.period.total == 9636000 and rec.funds.annual.local == 3212000
    assert rec.fill_date == "2021-12-22"  # line 215, the file's last line (no newline after it)


# ---------------------------------------------------------------- 002


def test_perennial_99_years():
    """002 lines 51-81: 经常性项目, 项目期 99年, both sides filled, annual names cut short."""
    table, rec = _one(tsv_varying, "perennial-99-years.txt")
    assert (table.status, table.line_start, table.line_end) == ("ok", 1, 31)
    assert rec.source.layout == "tsv_varying"
    assert rec.project_name == "2024年社会养老服务体系建设补助资金"
    assert (rec.attribute, rec.period_years) == ("经常性项目", 99)
    side = {
        "total": 4890000,
        "central": 0,
        "provincial": 4890000,
        "local": 0,
        "self_raised": 0,
        "other": None,
    }
    assert rec.funds.model_dump() == {"unit_in_source": "元", "period": side, "annual": side}
    assert rec.overview.startswith("支持高新区老年福利中心项目建设")
    assert rec.basis == (
        "《阳泉市财政局关于提前下达2024年社会养老服务体系建设补助资金的通知》(阳财社(2023)147号)"
    )
    assert rec.necessity == "保障高新区老年福利中心建设项目顺利推进。"
    assert rec.plan == "2025年12月底前完成老年福利中心项目建设费用支出。"
    assert rec.goal_period == rec.goal_annual == "保障高新区老年福利中心建设项目顺利推进。"
    assert rec.fill_date == "2024-02-23"
    period = [
        ("产出指标", "数量指标", "项目数量", "1个"),
        ("产出指标", "质量指标", "建设项目验收合格率", "≥95%"),
        ("产出指标", "时效指标", "建设项目按期完成率", "≥90%"),
        ("产出指标", "成本指标", "单位造价", "≤5800元/平方米"),
        ("效益指标", "社会效益指标", "养老服务基础设施条件", "不断改善"),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%"),
    ]
    annual = [
        *period[:2],
        ("产出指标", "时效指标", "建设项目按期完成", "≥90%"),
        period[3],
        ("效益指标", "社会效益指标", "养老服务基础设施", "不断改善"),
        period[5],
    ]
    assert _short(rec.indicators) == [("period", *p) for p in period] + [("annual", *a) for a in annual]
    assert rec.indicators[3] == _ind(
        "period", "产出指标", "成本指标", "单位造价", "≤5800元/平方米", "≤", 5800, "元/平方米"
    )


# ---------------------------------------------------------------- 003


def test_sides_differ():
    """003 lines 1071-1103: period 数量指标 vs annual 质量指标 (1092-1093), swapped cost values."""
    table, rec = _one(dept_disclosure, "sides-differ.txt")
    assert (table.status, table.line_start, table.line_end) == ("ok", 1, 33)
    assert rec.project_name == "老属补助及取费费。"  # OCR error kept; budget.reconcile handles it
    assert (rec.department_code, rec.department_name) == ("021", "中国共产党中阳县委员会办公室")
    assert rec.unit_name == "中共中阳县委党史研究室"
    assert (rec.attribute, rec.period_years) == ("经常性项目", 99)
    assert rec.funds.model_dump() == {
        "unit_in_source": "元",
        "period": {
            "total": None,
            "central": None,
            "provincial": None,
            "local": None,
            "self_raised": None,
            "other": None,
        },
        "annual": {
            "total": 9960,
            "central": 0,
            "provincial": 0,
            "local": 9960,
            "self_raised": 0,
            "other": None,
        },
    }
    assert rec.measures == "中共中阳县委党史研究室办公室制度"  # label "拟设项目实施的制度、标准"
    assert rec.goal_period == "及时发放退休人员取费费,每季度发放老属补助"
    assert rec.goal_annual == "及时发放老属补助和取费费"
    assert rec.fill_date == "2024-03-06"
    assert _short(rec.indicators) == [
        ("period", "产出指标", "数量指标", "退休人数", "人"),
        ("period", "产出指标", "数量指标", "退休人数取费费及老属补助", "件数"),
        ("period", "产出指标", "时效指标", "资金支付及时性", "每季度发放老属补助"),
        ("period", "产出指标", "成本指标", "退休工资", "284元"),
        ("period", "产出指标", "成本指标", "取费费标准", "1280元"),
        ("period", "产出指标", "成本指标", "退休下配总额", "~528元"),
        ("period", "效益指标", "社会效益指标", "保障机关工作人员合法权益", "有效提高"),
        ("period", "满意度指标", "服务对象满意度指标", "退休人数满意度", "100%"),
        ("annual", "产出指标", "质量指标", "退休人数", "人"),
        ("annual", "产出指标", "质量指标", "退休人数取费费", "件数"),
        ("annual", "产出指标", "时效指标", "资金支付及时性", "每季度发放老属补助"),
        ("annual", "产出指标", "成本指标", "退休工资总额", "~528元"),
        ("annual", "产出指标", "成本指标", "取费费标准", "1280元"),
        ("annual", "产出指标", "成本指标", "退休下配总额", "284元"),
        ("annual", "效益指标", "社会效益指标", "保障机关工作人员", "有效提高"),
        ("annual", "满意度指标", "服务对象满意度指标", "退休人数满意度", "100%"),
    ]


def test_wan_yuan_shenbao():
    """003 lines 558-591: a 申报表 in 万元; only the 年度 side is filled, no class box ticked."""
    table, rec = _one(dept_disclosure, "wan-yuan-shenbao.txt")
    assert (table.status, table.line_start, table.line_end) == ("ok", 1, 34)
    assert rec.project_name == "法律顾问费"
    assert (rec.department_code, rec.department_name) == ("024", "中国共产党中阳县委员会办公室")
    assert rec.category == ""
    [note] = rec.notes_for("category_unmarked")
    assert (note.line, note.message) == (8, "项目分类的A类、B类、C类都没有勾选")
    assert rec.funds.model_dump() == {
        "unit_in_source": "万元",
        "period": {
            "total": None,
            "central": None,
            "provincial": None,
            "local": None,
            "self_raised": None,
            "other": None,
        },
        "annual": {
            "total": 60000,
            "central": None,
            "provincial": None,
            "local": None,
            "self_raised": None,
            "other": None,
            "general_budget": 0,
            "government_fund": 0,
            "transfer": 0,
        },
    }
    assert (rec.goal_period, rec.goal_annual) == ("", "提供法律服务,更好地依法行政")
    assert rec.plan == "每年签订合同,当年合同时效结束前协商下一年度合同签订事项"
    assert rec.fill_date == ""
    assert _short(rec.indicators) == [
        ("annual", "产出指标", "数量指标", "法律服务次数", "≥5次/年"),
        ("annual", "产出指标", "质量指标", "服务覆盖率", "≥99%"),
        ("annual", "产出指标", "时效指标", "服务执行", "按法律时效运行"),
        ("annual", "产出指标", "成本指标", "成本控制数", "5万元/年"),  # printed level 1 效益指标 not trusted
        ("annual", "效益指标", "社会效益指标", "法制政府影响", "≥99%"),
        ("annual", "效益指标", "可持续影响指标", "依法行政效率", "提高"),
        ("annual", "满意度指标", "服务对象满意度指标", "法律服务对象满意度", "≥99%"),
    ]


def test_truncated_table_is_partial():
    """003 lines 1269-1279: the table stops after two fund rows."""
    table, rec = _one(dept_disclosure, "truncated-table.txt")
    assert (table.status, table.line_start, table.line_end) == ("partial", 1, 11)
    assert table.reason == "表格在第11行后中断，缺少项目概况、总体目标、绩效指标"
    assert rec.project_name == "中阳年度2024"
    assert (rec.attribute, rec.period_years) == ("经常性项目", 99)  # 99年 wrapped onto line 1276
    assert rec.funds.period.total == rec.funds.annual.total == 170000  # "170.000" yuan
    assert (rec.funds.period.central, rec.funds.annual.provincial, rec.funds.annual.local) == (0, 0, None)
    assert rec.indicators == []
    [note] = rec.notes_for("table_truncated")
    assert (note.line, note.message) == (1, "原表缺少项目概况、总体目标、绩效指标")


# ---------------------------------------------------------------- row grammar


def _read(*rows: list[str]) -> list[Indicator]:
    reader = tsv_common.IndicatorReader()
    for n, cells in enumerate(rows, 1):
        reader.read(tsv_common.to_row(n, "\t".join(cells)))
    return reader.finish()


def test_unlabelled_rows_take_the_label_before_the_first_one():
    """002 lines 242-256: rows before any level-2 label."""
    inds = _read(
        ["", "双创大赛奖励", "", "≤7家"], ["", "产出指标", "质量指标", "按时完成资金拨付", "2024年12月"]
    )
    assert _short(inds) == [
        ("period", "产出指标", "数量指标", "双创大赛奖励", "≤7家"),
        ("period", "产出指标", "质量指标", "按时完成资金拨付", "2024年12月"),
    ]


def test_annual_side_follows_the_period_label():
    """002 lines 338-339: 质量指标 printed on the period side only."""
    inds = _read(
        ["", "", "数量指标", "甲", "1家", "", "数量指标", "甲", "1家"],
        ["", "质量指标", "", "应发尽发率", "", "100%", "应发尽发率", "100%"],
    )
    assert [i.level2 for i in inds] == ["数量指标", "质量指标", "数量指标", "质量指标"]


def test_lone_pair_under_the_annual_name_is_annual():
    """002 lines 144-145: "保障学校硬件设施 | 有效保障" stands in the annual columns."""
    inds = _read(
        ["", "", "社会效益指标", "甲", "乙", "社会效益指标", "丙", "丁"],
        ["", "", "", "", "", "", "保障学校硬件设施", "有效保障"],
    )
    assert [(i.scope, i.name) for i in inds] == [
        ("period", "甲"),
        ("annual", "丙"),
        ("annual", "保障学校硬件设施"),
    ]


def test_name_without_value_is_flagged():
    """002 line 114: a stray "社会效益 | 保障师生安全" after the satisfaction row."""
    reader = tsv_common.IndicatorReader()
    reader.read(tsv_common.to_row(114, "\t\t社会效益\t保障师生安全\t\t\t"))
    assert _short(reader.finish()) == [("period", "效益指标", "社会效益指标", "保障师生安全", "")]
    assert reader.notes == [("indicator_value_missing", 114, {"name": "保障师生安全"})]


def test_clean_value_strips_colon_artefacts():
    assert tsv_common.clean_value("::100%") == "100%"
    assert tsv_common.clean_value(":: 座") == "座"


# ---------------------------------------------------------------- whole documents


def _result(module, doc: str):
    return module.extract(_lines(RAW / doc), doc)


def test_000_whole_document():
    result = _result(tsv_continued, DOC_000)
    assert [(t.line_start, t.status) for t in result.tables] == [
        (3, "ok"),
        (37, "ok"),
        (113, "ok"),
        (145, "ok"),
        (179, "ok"),
    ]
    assert result.tables[1].merged_from == [(84, 111)]
    assert sum(len(t.record.indicators) for t in result.tables) == 62


def test_002_whole_document():
    result = _result(tsv_varying, DOC_002)
    assert [t.line_start for t in result.tables] == [3, 51, 83, 119, 152, 186, 222, 276, 308]
    assert all(t.status == "ok" for t in result.tables)
    science = result.tables[6].record
    assert science.project_name == "科技项目扶持及专项奖励资金"
    [note] = science.notes_for("indicator_level_inferred")
    assert (note.line, note.message) == (
        242,
        "第242–255行（在第一个二级指标之前）的二级指标未印出，按位置推断为“数量指标”",
    )
    assert [t.record.fill_date for t in result.tables][2:5] == ["2024-01-27", "2024-01-27", "2024-03-06"]


def test_003_whole_document():
    result = _result(dept_disclosure, DOC_003)
    assert len(result.tables) == 29
    assert [t.line_start for t in result.tables if t.status == "partial"] == [1269]
    assert all(t.status == "ok" for t in result.tables if t.line_start != 1269)
    shenbao = [t.record for t in result.tables if 558 <= t.line_start <= 1039]
    assert len(shenbao) == 13 and all(r.funds.unit_in_source == "万元" for r in shenbao)
    assert all("category_unmarked" in r.quality_flags for r in shenbao)
    cut = next(t.record for t in result.tables if t.line_start == 998)
    assert cut.department_name == "中国共产党中阳县委员会办"
    [note] = cut.notes_for("department_name_truncated")
    assert (note.line, note.message) == (
        1003,
        "主管部门印作“中国共产党中阳县委员会办”，同一代码024在别处印作“中国共产党中阳县委员会办公室”",
    )
