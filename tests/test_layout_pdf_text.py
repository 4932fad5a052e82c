"""Layout pdf_text on excerpts of 001_b05b28ee3a1316ba.txt (whole tables, byte for byte)
and on the whole document. Expectations were read from the source by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.extract.layouts import pdf_text
from tests.conftest import FIXTURES, RAW

HERE = FIXTURES / "layouts" / "pdf_text"
FILE = "001_b05b28ee3a1316ba.txt"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _one(name: str):
    result = pdf_text.extract(_lines(HERE / name), FILE)
    assert len(result.tables) == 1
    table = result.tables[0]
    assert table.status == "ok", table.reason
    return table.record


def _rows(record, scope: str) -> list[tuple[str, str, str, str]]:
    return [(i.level1, i.level2, i.name, i.value) for i in record.indicators if i.scope == scope]


def test_detect():
    assert pdf_text.detect(_lines(RAW / FILE))
    tsv = ["a\tb", "项目名称 x", "项目名称 y", "项目支出绩效目标表", "项目支出绩效目标表"]
    assert not pdf_text.detect(tsv)


def test_simple_symmetric():
    rec = _one("simple-symmetric.txt")
    assert rec.project_name == "襄垣县十七届人大四次会议"
    assert (rec.department_code, rec.department_name) == ("001", "襄垣县人民代表大会常务委员会办公室")
    assert rec.unit_name == "襄垣县人民代表大会常务委员会办公室"
    assert (rec.attribute, rec.period_years) == ("一次性项目", 1)
    assert rec.funds.period.total == rec.funds.annual.total == 510000
    assert rec.funds.period.local == rec.funds.annual.local == 510000
    assert rec.funds.annual.central is None
    assert rec.basis == "长财行〔2014〕22号《长治市市直机关会议管理办法》。"
    assert rec.goal_period == "根据县十七届人大四次会议议程，提前谋划，精心组织，确保大会各项议程圆满完成。"
    assert rec.goal_annual.startswith("襄垣县十七届人民代表大会第四次会议，组织县人大代表及列席人员等350人")
    assert "具体负责会议筹备的各项工作。大会议秘书处" in rec.measures
    expected = [
        ("产出指标", "数量指标", "参会代表人数", "≥193人"),
        ("产出指标", "质量指标", "参会代表出勤率", "≥97%"),
        ("产出指标", "时效指标", "会议召开时间", "及时"),
        ("产出指标", "成本指标", "会议成本", "51万"),
        ("效益指标", "社会效益指标", "会议召开社会知晓度", "100%"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "95%"),
    ]
    assert _rows(rec, "period") == expected
    assert _rows(rec, "annual") == expected
    first = rec.indicators[0]
    assert (first.op, first.number, first.unit) == ("≥", 193, "人")
    assert rec.source.line_start == 1 and rec.source.line_end == 109 and rec.source.layout == "pdf_text"
    assert not rec.quality_flags


def test_merged_level2_rows():
    rec = _one("merged-level2-rows.txt")
    assert rec.project_name == "治超站运行经费"
    expected = [
        ("产出指标", "数量指标", "劳务派遣人员", "45人"),
        ("产出指标", "质量指标", "设备完好率", "100%"),
        ("产出指标", "质量指标", "工资发放足额率", "100%"),
        ("产出指标", "时效指标", "设备维修及时性", "及时"),
        ("产出指标", "时效指标", "工资发放及时率", "100%"),
        ("产出指标", "成本指标", "设备使用率", "100%"),
        ("产出指标", "成本指标", "治超站运营经费", "≤200万元"),
        ("效益指标", "社会效益指标", "查处问题整改反馈率", "100%"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
    ]
    assert _rows(rec, "period") == expected
    assert _rows(rec, "annual") == expected
    cost = next(i for i in rec.indicators if i.name == "治超站运营经费")
    assert (cost.op, cost.number, cost.unit) == ("≤", 200, "万元")


def test_sides_differ():
    rec = _one("sides-differ.txt")
    period = _rows(rec, "period")
    annual = _rows(rec, "annual")
    assert period[:4] == [
        ("产出指标", "数量指标", "电子监控维修", "≥22处"),
        ("产出指标", "数量指标", "信号灯及标志标牌维修", "≥22处"),
        ("产出指标", "质量指标", "项目验收率", "100%"),
        ("产出指标", "质量指标", "保障交通设施正常运转", "保障"),
    ]
    assert annual[:4] == [
        ("产出指标", "数量指标", "信号灯及标志标牌维修", "≥22处"),
        ("产出指标", "数量指标", "电子监控维修", "≥22处"),
        ("产出指标", "质量指标", "保障交通设施正常运转", "100%"),
        ("产出指标", "质量指标", "项目验收率", "保障"),
    ]
    assert period[4:] == annual[4:]
    assert period[-1] == ("满意度指标", "服务对象满意度指标", "人民群众满意度", "≥95%")


def test_perennial_99_years_and_label_shared_line():
    rec = _one("perennial-99-years.txt")
    assert (rec.attribute, rec.period_years) == ("经常性项目", 99)
    assert rec.funds.annual.total == 18650000
    # "立项依据 …" printed on one line
    assert rec.basis == (
        "中共襄垣县委办公室、襄垣县人民政府办公室《关于实习全科网格创新基层社会治理的实施方案》的通知"
    )
    assert rec.goal_period == rec.goal_annual
    assert rec.goal_period.endswith("矛盾纠纷全排查、民生服务全保障的目标。")
    names = [i.name for i in rec.indicators if i.scope == "period"]
    # "效益\n指标 经济效益指标 经济效益指标": the level-1 label is not an indicator
    assert "效益" not in names
    assert ("效益指标", "社会效益指标", "提高我县综合治理水平", "提高") in _rows(rec, "period")
    assert ("产出指标", "数量指标", "专职网格员数量", "294人") in _rows(rec, "annual")


def _one_row(rec, scope: str, name: str) -> tuple[str, str, str, str]:
    return next(r for r in _rows(rec, scope) if r[2] == name)


def test_unit_on_own_line():
    # 33404: "成本指标 资金成本 ≤1843 万元 成本指标 资金成本\n≤18430000\n\n万元"
    rec = _one("unit-on-own-line.txt")
    assert _rows(rec, "period")[12] == ("产出指标", "成本指标", "资金成本", "≤1843万元")
    assert _rows(rec, "annual")[12] == ("产出指标", "成本指标", "资金成本", "≤18430000万元")
    assert len(_rows(rec, "period")) == len(_rows(rec, "annual")) == 21
    assert "indicator_value_missing" not in rec.quality_flags


def test_sides_differ_units():
    # 48441: both sides print the same rows in a different order, units after a space
    rec = _one("sides-differ-units.txt")
    quantity = [(r[2], r[3]) for r in _rows(rec, "period") if r[1] == "数量指标"]
    assert quantity == [
        ("砖坟", "2座"),
        ("修路占地", "0.63亩"),
        ("土坟", "2座"),
        ("综改占地及万亩花海流转土地", "2307.72亩"),
    ]
    quantity = [(r[2], r[3]) for r in _rows(rec, "annual") if r[1] == "数量指标"]
    assert quantity == [
        ("土坟", "2座"),
        ("砖坟", "2座"),
        ("综改占地及万亩花海流转土地", "2307.72亩"),
        ("修路占地", "0.63亩"),
    ]
    quality = [(r[2], r[3]) for r in _rows(rec, "period") if r[1] == "质量指标"]
    assert quality == [
        ("砖坟迁坟补偿标准", "10000元/座"),
        ("修路占地补偿标准", "11000元/亩"),
        ("土坟迁坟补偿标准", "8000元/座"),
        ("综改占地及万亩花海占地流转土地补偿标准", "650元/亩"),
    ]
    quality = [(r[2], r[3]) for r in _rows(rec, "annual") if r[1] == "质量指标"]
    assert quality == [
        ("综改占地及万亩花海占地流转土地补偿标准", "650元/亩"),
        ("砖坟迁坟补偿标准", "10000元/座"),
        ("土坟迁坟补偿标准", "8000元/座"),
        ("修路占地补偿标准", "11000元/亩"),
    ]
    assert not rec.quality_flags


def test_value_wraps_and_name_runs_into_number():
    # 20427: "按工作开展情况发放\n按月发放每人\n\n每月"; "春节、八一慰问（1950人）300 元每人每次"
    rec = _one("value-wraps-name-runs-into-number.txt")
    for scope in ("period", "annual"):
        assert _one_row(rec, scope, "按工作开展情况发放")[3] == "按月发放每人每月"
        assert _one_row(rec, scope, "春节、八一慰问（1950人）")[3] == "300元每人每次"
        assert _one_row(rec, scope, "立功受奖年度慰问（15人）")[3] == "≥2000每人每次"
    assert "indicator_value_missing" not in rec.quality_flags


def test_level2_label_twice_period_empty():
    # 38588: "社会效益指标 社会效益指标 工程完成度 完成": the period cell is empty
    rec = _one("level2-label-twice-period-empty.txt")
    assert not [r for r in _rows(rec, "period") if r[1] == "社会效益指标"]
    assert [r for r in _rows(rec, "annual") if r[1] == "社会效益指标"] == [
        ("效益指标", "社会效益指标", "工程完成度", "完成")
    ]
    assert "indicator_value_missing" not in rec.quality_flags


def test_name_equals_level2_label():
    # 45869: "时效指标 时效指标 按月发放 时效指标 时效指标 按月发放": the name is "时效指标"
    rec = _one("name-equals-level2-label.txt")
    for scope in ("period", "annual"):
        assert ("产出指标", "时效指标", "时效指标", "按月发放") in _rows(rec, scope)
        assert len(_rows(rec, scope)) == 7
    assert rec.goal_period.endswith("五险一金546863.31元）")
    assert rec.goal_annual.startswith("古韩镇辖区范围内共有6个社区。")


def test_value_without_name():
    # 10124: the annual satisfaction row prints only "≥85%"
    rec = _one("value-without-name.txt")
    assert _rows(rec, "period")[-1] == ("满意度指标", "服务对象满意度指标", "监测对象满意度", "≥85%")
    assert _rows(rec, "annual")[-1] == ("满意度指标", "服务对象满意度指标", "", "≥85%")
    assert "indicator_name_missing" in rec.quality_flags
    assert "indicator_value_missing" not in rec.quality_flags


def test_wrapped_name_text_value():
    # 3068: wrapped names and text values in a narrow value column
    rec = _one("wrapped-name-text-value.txt")
    for scope in ("period", "annual"):
        rows = [(r[2], r[3]) for r in _rows(rec, scope)]
        assert ("部门（单位）指标体系建立数量", "162个") in rows
        assert ("报告指出问题整改时间", "评价结果反馈后1个月内") in rows
        assert ("评价报告评审时间", "10月15日前") in rows
        assert ("评价结果反馈时间", "评价报告正版提交5日内") in rows
        assert ("评价结果应用促进财政资金节约", "促进") in rows
        assert ("预算部门及单位绩效管理意识提高", "提高") in rows


def test_justified_name_line():
    # 10347: "老 干 部 感 受 …\n怀 ， 增强 老 干部 的 幸 福指\n…\n增强"
    rec = _one("justified-name-line.txt")
    name = "老干部感受党和政府的关怀，增强老干部的幸福指数，激发老干部为襄垣发展发挥余热。"
    for scope in ("period", "annual"):
        assert ("效益指标", "社会效益指标", name, "增强") in _rows(rec, scope)


def test_sides_differ_wrapped():
    # 21642: wrapped names, values "3000 元/人/\n一次性", rows in another order on each side
    rec = _one("sides-differ-wrapped.txt")
    cost = [(r[2], r[3]) for r in _rows(rec, "period") if r[1] == "成本指标"]
    assert cost == [
        ("非农无业领证独生子女父母奖励标准", "50元/月/人"),
        ("符合政策规定生育且子女不满3周岁的夫妻奖励标准", "200元/人/月"),
        ("符合政策规定生育二孩的家庭奖励标准", "3000元/人/一次性"),
        ("领证独生子女父母退休一次性奖励标准", "18000元/人/一次性"),
        ("符合政策规定生育三孩家庭的奖励标准", "5000元/人/一次性"),
    ]
    cost = [(r[2], r[3]) for r in _rows(rec, "annual") if r[1] == "成本指标"]
    assert cost == [
        ("符合政策规定生育且子女不满3周岁的夫妻奖励标准", "200元/人/月"),
        ("符合政策规定生育二孩的家庭奖励标准", "3000元/人/一次性"),
        ("符合政策规定生育三孩家庭的奖励标准", "5000元/人/一次性"),
        ("非农无业领证独生子女父母奖励标准", "50元/月/人"),
        ("领证独生子女父母退休一次性奖励标准", "18000元/人/一次性"),
    ]
    quantity = [r[2] for r in _rows(rec, "annual") if r[1] == "数量指标"]
    assert quantity[:2] == ["符合政策规定生育且子女不满3周岁的奖励对象", "符合政策规定生育三孩的奖励对象"]
    assert len(_rows(rec, "period")) == len(_rows(rec, "annual")) == 15


def test_annual_value_differs():
    # 51781: the period value is "确保", the annual one "确保确保"
    rec = _one("annual-value-differs.txt")
    name = "确保消防车正常取水，警情处置及时性。"
    assert _one_row(rec, "period", name)[3] == "确保"
    assert _one_row(rec, "annual", name)[3] == "确保确保"
    assert len(_rows(rec, "period")) == len(_rows(rec, "annual")) == 7


def test_goals_adjacent_columns():
    # 5352: a one-line period goal ending in "。" is followed by the annual goal's lines
    rec = _one("goals-adjacent-columns.txt")
    assert rec.goal_period == "通过本项目的实施，保障员额辅警人员薪酬福利及公用经费。"
    assert rec.goal_annual.startswith("本年度完成员额辅警155人工资及保险发放，项目投入使用后，")
    assert rec.goal_annual.endswith("满意度达到100%")


@pytest.fixture(scope="module")
def whole():
    return pdf_text.extract(_lines(RAW / FILE), FILE)


def test_whole_document(whole):
    tables = whole.tables
    assert len(tables) == 447
    assert not [t for t in tables if t.status == "failed"]
    for t in tables:
        rec = t.record
        assert rec.project_name and rec.department_code, t.line_start
        assert rec.funds.annual.total is not None, t.line_start
        assert rec.indicators, t.line_start
        for ind in rec.indicators:
            assert ind.level2, (t.line_start, ind)
            # a name cell left empty in the source (10124, 29843) is flagged, never filled
            named = ind.name or ("indicator_name_missing" in rec.quality_flags and ind.value)
            assert named, (t.line_start, ind)
            assert ind.value or "indicator_value_missing" in rec.quality_flags, (t.line_start, ind)


def test_odd_headers_flagged(whole):
    by_start = {t.line_start: t.record for t in whole.tables}
    for line in (35526, 36976, 31363):
        rec = next(r for s, r in by_start.items() if s <= line < s + 20)
        assert "header_cell_misplaced" in rec.quality_flags
    # 31351: annual total printed as "1年"; the rows below give 622,135
    assert by_start[31351].funds.annual.total == 622135
