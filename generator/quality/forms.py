"""A form not filled in: template placeholders, empty goals, one value on every row."""

from __future__ import annotations

import re

from generator.model import Record
from generator.quality.common import TEXT_FIELDS, Sources, at

_PLACEHOLDER_TEXT = re.compile(r"(目标内容|指标内容|项目内容)\s*\d+")
_PLACEHOLDER_NAME = re.compile(r"^(指标|三级指标|指标名称)\s*\d+$")


def check_placeholders(record: Record, src: Sources) -> None:
    found: list[str] = []
    fields: list[str] = []
    line = 0
    for field_name in TEXT_FIELDS:
        m = _PLACEHOLDER_TEXT.search(getattr(record, field_name))
        if m:
            found.append(f"{Record.model_fields[field_name].title}留有“{m.group(0)}”")
            fields.append(field_name)
            line = line or src.find(record, m.group(0))
    for n, ind in enumerate(record.indicators):
        if _PLACEHOLDER_NAME.match(ind.name.strip()):
            found.append(f"指标名称是“{ind.name}”")
            fields.append(f"indicators.{n}")
            line = line or src.find(record, ind.name)
    if not record.goal_period.strip() and not record.goal_annual.strip():
        found.append("没有填写绩效目标（实施期目标和年度目标都是空的）")
        fields += ["goal_period", "goal_annual"]
        line = line or src.find(record, "总体目标", "年度目标", "实施期目标")
    if found:
        record.flag(
            "placeholder_text", line, fields=fields, at=at(line), found="；".join(dict.fromkeys(found))
        )


def check_boilerplate(record: Record, src: Sources) -> None:
    values = [ind.value for ind in record.indicators if ind.value.strip()]
    if len(values) >= 4 and len(set(values)) == 1:
        line = src.find(record, record.indicators[0].name, values[0])
        record.flag(
            "boilerplate_values", line, fields=["indicators"], at=at(line), count=len(values), value=values[0]
        )
