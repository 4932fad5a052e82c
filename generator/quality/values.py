"""Indicator values that cannot be right: rates above 100%, a bound that says
nothing, negative amounts or counts, a unit without its number, a quantity out of
scale with the texts, dates like "10底前"."""

from __future__ import annotations

import re
from decimal import Decimal

from generator.model import Indicator, Record
from generator.quality.common import (
    CN_NUMBER,
    NUMBER,
    SCOPE_NAMES,
    TEXT_FIELDS,
    Sources,
    at,
    cn_number,
    number,
    rows_of,
)

# rates that a project wants high: a ceiling of 100% says nothing
_MINIMUM_RATE = re.compile(
    r"满意|合格|及时|完成|覆盖|准确|足额|知晓|达标|到位|执行|正常运行|验收|使用|参与|落实|规范"
)
_RATE = re.compile(r"率|满意度|比例|占比|覆盖|达标|知晓|合格|及时|完成|%|百分比")
_MAXIMUM_RATE = re.compile(
    r"差错|误差|损耗|投诉|发生|事故|超支|空置|流失|返工|降低|下降|减少|增长|增幅|提高|提升"
)
_PERCENT = re.compile(r"%|百分比|％")
_MEASURE_WORDS = (
    "人|人次|个|座|户|项|次|件|台|套|亩|平方米|㎡|公里|千米|米|册|卷|本|家|所|辆|处|份|场|期|篇|批|天|日|月|年|"
    "元|万元|吨|棵|株|盏|间|栋|条|张|名|位|村|km"
)
_UNIT_ONLY = re.compile(rf"^[:：\s]*(?:{_MEASURE_WORDS})(?:/(?:{_MEASURE_WORDS}))*$")
_NEGATIVE = re.compile(rf"(?:^|[≥≤=<>:：\s])[-－−](?P<num>{NUMBER})")
# "10底前", "12底": a month without 月; "13月": no such month
_BAD_DATE = re.compile(
    r"(?<![\d月])(?P<m>\d{1,2})(?P<w>底|初|中旬|上旬|下旬)|(?<!\d)(?P<bad>1[3-9]|[2-9]\d)月"
)
_SCALE = 10  # a quantity ten times every figure the texts give in the same unit


def _where(record: Record, src: Sources, ind: Indicator) -> tuple[int, str, list[str]]:
    line = src.find_row(record, ind.name, ind.value)
    return line, f"{SCOPE_NAMES[ind.scope]}指标“{ind.name or '（无名称）'}”", rows_of(record, ind)


def check_values(record: Record, src: Sources) -> None:
    seen: set[tuple[str, str, str]] = set()
    for ind in record.indicators:
        key = (ind.name, ind.value, ind.unit)
        if key in seen:  # the same row on the other side: one note is enough
            continue
        seen.add(key)
        _percent(record, src, ind)
        _negative(record, src, ind)
        _unit_only(record, src, ind)
        _bad_date(record, src, ind)


def _percent(record: Record, src: Sources, ind: Indicator) -> None:
    if (
        ind.number is None
        or not _PERCENT.search(ind.unit + ind.value)
        or not _RATE.search(ind.name + ind.unit)
    ):
        return
    value = Decimal(str(ind.number))
    if _MAXIMUM_RATE.search(ind.name):
        return
    if value > 100:
        line, where, rows = _where(record, src, ind)
        record.flag("percent_too_high", line, fields=rows, at=at(line), where=where, value=ind.value)
        return
    if value != 100:
        return
    if ind.op in ("≥", ">"):
        why = "比率不能超过100%，“≥100%”应写作“=100%”"
    elif ind.op in ("≤", "<") and _MINIMUM_RATE.search(ind.name):
        why = "这是越高越好的比率，“≤100%”不构成任何要求"
    else:
        return
    line, where, rows = _where(record, src, ind)
    record.flag(
        "percent_bound_misused", line, fields=rows, at=at(line), where=where, value=ind.value, why=why
    )


def _negative(record: Record, src: Sources, ind: Indicator) -> None:
    m = _NEGATIVE.search(ind.value.strip())
    if m and not re.search(r"\d\s*[-－−]\s*\d", ind.value):
        line, where, rows = _where(record, src, ind)
        record.flag("negative_value", line, fields=rows, at=at(line), where=where, value=ind.value)


def _unit_only(record: Record, src: Sources, ind: Indicator) -> None:
    if ind.number is None and _UNIT_ONLY.match(ind.value.strip()):
        line, where, rows = _where(record, src, ind)
        record.flag("unit_without_number", line, fields=rows, at=at(line), where=where, value=ind.value)


def _bad_date(record: Record, src: Sources, ind: Indicator) -> None:
    m = _BAD_DATE.search(ind.value)
    if not m:
        return
    if m.group("m") and not 1 <= int(m.group("m")) <= 12:
        return
    line, where, rows = _where(record, src, ind)
    record.flag(
        "date_malformed", line, fields=rows, at=at(line), where=where, value=ind.value, part=m.group(0)
    )


_TEXT_FIGURE = re.compile(rf"(?P<num>{NUMBER}|{CN_NUMBER})\s*(?P<unit>[^\d\s，,。；;、（）()]{{1,2}})")
_VAGUE = re.compile(r"占地|面积|项目|数量|人数|资金|建设|每年|预计|全县|全年|完成")


def _same_thing(name: str, before: str) -> bool:
    """The words before a figure in the text name what the indicator counts."""
    words = {name[i : i + 2] for i in range(len(name) - 1)}
    return any(w in before and not _VAGUE.fullmatch(w) for w in words)


def check_scale(record: Record, src: Sources) -> None:
    """A quantity ten times the figure the texts state for the same thing in the same
    unit (1,500,000卷 where the overview says 馆藏档案十三万卷)."""
    text = "。".join(getattr(record, f) for f in TEXT_FIELDS)
    figures: list[tuple[str, Decimal, str]] = []  # unit, value, the words before it
    for m in _TEXT_FIGURE.finditer(text):
        raw = m.group("num")
        value = number(raw) if raw[0].isdigit() else (Decimal(n) if (n := cn_number(raw)) else None)
        unit = m.group("unit")
        if value and unit[0] in "万亿" and raw[0].isdigit():
            value, unit = value * (10_000 if unit[0] == "万" else 100_000_000), unit[1:]
        if value and unit:
            before = text[max(0, m.start() - 12) : m.start()]
            figures += [(key, value, before) for key in dict.fromkeys((unit[:1], unit[:2]))]
    seen: set[str] = set()
    for ind in record.indicators:
        unit = ind.unit.lstrip("/")
        if (
            ind.number is None
            or ind.number < 1000
            or not unit
            or unit in ("元", "万元", "%")
            or ind.name in seen
        ):
            continue
        stated = [v for u, v, before in figures if u == unit and _same_thing(ind.name, before)]
        # the figures may be parts (pipes of 1950米 and 3711米): ten times all of them
        every = sum(v for u, v, _ in figures if u == unit)
        if not stated or every * _SCALE > Decimal(str(ind.number)):
            continue
        seen.add(ind.name)
        line, where, rows = _where(record, src, ind)
        record.flag(
            "quantity_out_of_scale",
            line,
            fields=rows,
            at=at(line),
            where=where,
            value=ind.value,
            stated=f"{sum(stated):,}{unit}",
        )
