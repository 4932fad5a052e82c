"""Cell cleaning and value parsing shared by every layout."""

from __future__ import annotations

import doctest

import pytest

import generator.text
from generator.text import (
    canonical_level2,
    level1_for,
    parse_amount,
    parse_attribute,
    parse_fill_date,
    parse_value,
    split_department,
    squash_spaces,
)


def test_doctests():
    assert doctest.testmod(generator.text).failed == 0


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("建设培养乡村 e 镇个数", "建设培养乡村e镇个数"),
        ("老 干 部 感 受 党 和 政 府 的 关 怀 ， 增强", "老干部感受党和政府的关怀，增强"),
        ("完成 。资金", "完成。资金"),
        ("机房 UPS 建设费", "机房UPS建设费"),
        ("3000 元/人/月", "3000元/人/月"),
        ("UPS power supply", "UPS power supply"),
    ],
)
def test_squash_spaces(raw, expected):
    assert squash_spaces(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("≥193 人", ("≥", 193, "人")),
        ("≤119.26 万元", ("≤", 119.26, "万元")),
        ("::100%", ("", 100, "%")),
        ("1,500,000卷", ("", 1500000, "卷")),
        ("≥95百分比", ("≥", 95, "百分比")),
        ("不少于6次", ("≥", 6, "次")),
        ("2024年12月", ("", None, "")),  # a date, not a quantity
        ("2024年每月", ("", None, "")),  # a year, not 2024 years
        ("2023年度", ("", None, "")),
        ("≤2024年底前", ("", None, "")),
        ("3年", ("", 3, "年")),  # a period of years is a quantity
        ("及时", ("", None, "")),
        ("~528元", ("", None, "")),
    ],
)
def test_parse_value(raw, expected):
    assert parse_value(raw) == expected


@pytest.mark.parametrize(
    "raw,unit,expected",
    [
        ("2,131, 157", "元", 2131157),
        ("1, 140,000", "元", 1140000),
        ("170.000", "元", 170000),  # OCR'd thousands dot: yuan have at most two decimals
        ("6.48", "万元", 64800),
        ("3.86", "万元", 38600),
        ("2282714.15", "元", 2282714.15),
        ("", "元", None),
        ("0", "元", 0),
    ],
)
def test_parse_amount(raw, unit, expected):
    assert parse_amount(raw, unit) == expected


def test_levels():
    assert canonical_level2("数量 指标") == "数量指标"
    assert canonical_level2("服务对象满意度指") == "服务对象满意度指标"
    assert canonical_level2("2.社会效益指标") == "社会效益指标"
    assert canonical_level2("满意度指标") is None
    assert level1_for("成本指标") == "产出指标"
    assert level1_for("成本指标", "成本指标") == "成本指标"
    assert level1_for("经济影响指标") == "效益指标"


def test_header_cells():
    assert parse_fill_date("20230316171330") == "2023-03-16"
    assert parse_fill_date("2024/11/15 19:52") == "2024-11-15"
    assert parse_fill_date("") == ""
    assert parse_attribute("一次性项目（ 1年结束）") == "一次性项目"
    assert parse_attribute("经常性项目(长期开展)") == "经常性项目"
    assert split_department("001-襄垣县人民代表大会常务委员会办公室") == (
        "001",
        "襄垣县人民代表大会常务委员会办公室",
    )
    assert split_department("816001怀来县官厅镇人民政府") == ("816001", "怀来县官厅镇人民政府")


def test_level1_of_printed_variants():
    from generator.text import level1_of

    assert level1_of("产出指标", "数量指标") == "产出指标"
    assert level1_of("影响力指标", "长效管理") == "效益指标"  # Shanghai: by the printed label's words
    assert level1_of("效果指标", "服务对象满意度") == "满意度指标"  # the level 2 says more than 效果
    assert level1_of("效果指标", "社会效益") == "效益指标"
    assert level1_of("", "时效指标") == "产出指标"
