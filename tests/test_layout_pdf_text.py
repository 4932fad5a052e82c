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
    assert rec.basis == ("中共襄垣县委办公室、襄垣县人民政府办公室"
                         "《关于实习全科网格创新基层社会治理的实施方案》的通知")
    assert rec.goal_period == rec.goal_annual
    assert rec.goal_period.endswith("矛盾纠纷全排查、民生服务全保障的目标。")
    names = [i.name for i in rec.indicators if i.scope == "period"]
    # "效益\n指标 经济效益指标 经济效益指标": the level-1 label is not an indicator
    assert "效益" not in names
    assert ("效益指标", "社会效益指标", "提高我县综合治理水平", "提高") in _rows(rec, "period")
    assert ("产出指标", "数量指标", "专职网格员数量", "294人") in _rows(rec, "annual")


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
            assert ind.level2 and ind.name, (t.line_start, ind)
            assert ind.value or "indicator_value_missing" in rec.quality_flags, (t.line_start, ind)


def test_odd_headers_flagged(whole):
    by_start = {t.line_start: t.record for t in whole.tables}
    for line in (35526, 36976, 31363):
        rec = next(r for s, r in by_start.items() if s <= line < s + 20)
        assert "header_cell_misplaced" in rec.quality_flags
    # 31351: annual total printed as "1年"; the rows below give 622,135
    assert by_start[31351].funds.annual.total == 622135
