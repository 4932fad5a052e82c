"""000 (繁峙县): tab-separated tables, one of them continued onto a second page.

Titles read "预算部门（单位）项目支出绩效目标表" (full-width brackets) or
"…县(区)级预算部门(单位)…"; the project row keeps an empty cell after its label
("项目名称\\t\\t攀登阅读"). The grammar is shared with tsv_varying (tsv_common); the
page merge happens there too, since it is detected by content, not by layout.
"""

from __future__ import annotations

from generator.extract.layouts import dept_disclosure, tsv_common
from generator.model import LayoutResult

NAME = "tsv_continued"


def detect(lines: list[str]) -> bool:
    if not tsv_common.has_tab_cells(lines) or dept_disclosure.detect(lines):
        return False
    titled = any("预算部门（单位）项目支出绩效目标表" in ln or "县(区)级预算部门" in ln for ln in lines)
    return titled and tsv_common.first_project_row(lines).startswith("项目名称\t\t")


def extract(lines: list[str], file: str) -> LayoutResult:
    return tsv_common.extract_tables(lines, file, NAME)
