"""003 (中阳县): a whole 部门预算公开 document with the performance tables as an annex.

The tables (both 项目支出绩效目标表 in 元 and 申报表 in 万元) follow the shared
tab-separated grammar (tsv_common). The document's 项目支出预算表 lists the correct
project names and amounts; generator.extract.budget reads it and reconciles it with
the records, and its notes (budget lines no table matched) go into the result.
"""

from __future__ import annotations

from generator.extract import budget
from generator.extract.layouts import tsv_common
from generator.model import LayoutResult

NAME = "dept_disclosure"
_TOP_LINES = 20  # the "2024年度部门预算公开" cover title stands in the first lines


def detect(lines: list[str]) -> bool:
    cover = any("部门预算公开" in ln for ln in lines[:_TOP_LINES])
    return cover and any("项目支出预算表" in ln for ln in lines)


def extract(lines: list[str], file: str) -> LayoutResult:
    result = tsv_common.extract_tables(lines, file, NAME)
    records = [t.record for t in result.tables if t.record is not None]
    result.notes = budget.reconcile(records, budget.parse_budget_table(lines))
    return result
