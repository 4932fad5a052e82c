"""002 (阳泉 高新区): tab-separated tables whose column count varies from table to table.

The footer is sometimes one cell per line (lines 41-49) or one line; a "------" rule
separates two tables. The first project row has its name right after the label
("项目名称\\t2024年…"), which tells this export from tsv_continued's.
"""

from __future__ import annotations

import re

from generator.extract.layouts import dept_disclosure, tsv_common
from generator.model import LayoutResult

NAME = "tsv_varying"


def detect(lines: list[str]) -> bool:
    if not tsv_common.has_tab_cells(lines) or dept_disclosure.detect(lines):
        return False
    titled = any("县(区)级预算部门(单位)项目支出绩效目标表" in ln for ln in lines)
    return titled and bool(re.match(r"项目名称\t[^\t]", tsv_common.first_project_row(lines)))


def extract(lines: list[str], file: str) -> LayoutResult:
    return tsv_common.extract_tables(lines, file, NAME)
