"""Layout of 004 (怀来县 官厅镇, Hebei): a Word export with one table cell per line.

Each cell is a line that starts with a tab; the rows of a table are separated
by lines without a leading tab (empty, or a single space). A table starts at a
"[bookmark: _Toc…]N.…绩效目标表" heading, whose title may wrap onto a second
bookmarked line ("14.怀财字【2024】7号村干部养老保险" + "绩效目标表"). The table of
contents at the top of the document lists every table with its number, which
lets us check that none was missed.

Rows of one table, in order:

    816001怀来县官厅镇人民政府 | 单位：万元
    项目编码 | <code> | 项目名称 | <name>
    预算规模及资金用途 | 预算数 | <total> | 其中：财政    资金 | <fiscal> | 其他资金 | <other>
    (empty) | <资金用途 text>
    资金支出计划（%） | 3月底 | 6月底 | 10月底 | 12月底
    (empty) | 25% | 50% | 75% | 100%
    绩效目标 | <goal>
    一级指标 | 二级指标 | 三级指标 | 绩效指标描述 | 指标值 | 指标值确定依据
    <indicator rows, level-1 cell filled only on the first row of a group>
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.model import ExtractedTable, Funds, Indicator, LayoutResult, Record, SourceRef
from generator.text import (
    canonical_level1,
    canonical_level2,
    clean_label,
    join_lines,
    level1_for,
    parse_amount,
    parse_value,
    split_department,
    squash_spaces,
)

NAME = "word_cells"

_BOOKMARK = re.compile(r"^\[bookmark:[^\]]*\]")
# a numbered table heading: "[bookmark: _Toc_4_4_0000000004]1.官厅镇村干部工资绩效目标表"
_HEADING = re.compile(r"^\[bookmark: _Toc[^\]]*\]\s*(\d+)[.．、]\s*(.*)$")
# a table-of-contents entry: "14.怀财字【2024】7号村干部养老保险\t17" (page number last)
_TOC_ENTRY = re.compile(r"^(\d+)[.．、](.*?)\t+\d+\s*$")
_DEPARTMENT = re.compile(r"^\d{3,}\s*[-－—_]?\s*[^\d\s]")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*[%％]$")
_TITLE_SUFFIX = "绩效目标表"
_INDICATOR_HEADER = ("一级指标", "二级指标", "三级指标")


@dataclass(frozen=True)
class Cell:
    line: int  # 1-based line in the file
    text: str  # stripped; "" for an empty cell


Row = list[Cell]


def _label(text: str) -> str:
    """A cell's text without any whitespace, for comparing with a printed label."""
    return re.sub(r"\s+", "", text)


def detect(lines: list[str]) -> bool:
    """Word bookmarks, a 绩效目标表 title, and the cells 项目编码 and 预算规模及资金用途."""
    has_bookmark = any(line.startswith("[bookmark:") for line in lines)
    if not has_bookmark or not any(_TITLE_SUFFIX in line for line in lines):
        return False
    cells = {_label(line) for line in lines if line.startswith("\t")}
    return "项目编码" in cells and "预算规模及资金用途" in cells


# ---------------------------------------------------------------- table boundaries


@dataclass(frozen=True)
class _Heading:
    number: int
    title: str
    line_start: int  # 1-based, first line of the heading
    body_start: int  # 1-based, first line after the heading


def _find_headings(lines: list[str]) -> list[_Heading]:
    headings: list[_Heading] = []
    n = 0
    while n < len(lines):
        m = _HEADING.match(lines[n])
        if not m:
            n += 1
            continue
        title = squash_spaces(m.group(2))
        end = n + 1
        # a long title wraps: the rest ("绩效目标表") is a second bookmarked line
        if not title.endswith(_TITLE_SUFFIX) and end < len(lines) and _BOOKMARK.match(lines[end]):
            rest = squash_spaces(_BOOKMARK.sub("", lines[end]))
            if rest and not _HEADING.match(lines[end]):
                title += rest
                end += 1
        if title.endswith(_TITLE_SUFFIX):
            headings.append(_Heading(int(m.group(1)), title, n + 1, end + 1))
        n = end
    return headings


def _toc_numbers(lines: list[str], first_table_line: int) -> list[int]:
    """Table numbers listed in the table of contents (the lines before the first table)."""
    numbers: list[int] = []
    for line in lines[: first_table_line - 1]:
        m = _TOC_ENTRY.match(line)
        if m:
            numbers.append(int(m.group(1)))
    return numbers


def _rows(lines: list[str], start: int, stop: int) -> list[Row]:
    """Group the cell lines start..stop-1 (1-based) into rows.

    A cell line starts with a tab; any other line (empty, a lone space) ends the
    row. A cell holding only tabs is an empty cell: Word wrote the merged
    neighbours of a wide cell as extra tabs.
    """
    rows: list[Row] = []
    current: Row = []
    for n in range(start, stop):
        line = lines[n - 1]
        if line.startswith("\t"):
            current.append(Cell(n, line.strip()))
            continue
        if current:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows


def _last_content_line(lines: list[str], start: int, stop: int) -> int:
    """The last line in start..stop-1 (1-based) that holds any text."""
    for n in range(stop - 1, start - 1, -1):
        if lines[n - 1].strip():
            return n
    return start


# ---------------------------------------------------------------- one table


def _cell_after(rows: list[Row], label: str) -> Cell | None:
    """The cell that follows the cell printed as `label`, in the same row."""
    for row in rows:
        for i, cell in enumerate(row[:-1]):
            if _label(cell.text) == label:
                return row[i + 1]
    return None


def _row_index(rows: list[Row], label: str) -> int | None:
    for i, row in enumerate(rows):
        if row and _label(row[0].text) == label:
            return i
    return None


def _texts(row: Row) -> list[str]:
    return [c.text for c in row if c.text]


def _department(rows: list[Row]) -> tuple[str, str]:
    for row in rows:
        for cell in row:
            if _DEPARTMENT.match(cell.text):
                return split_department(cell.text)
    return "", ""


def _funds(rows: list[Row]) -> Funds:
    funds = Funds(unit_in_source="万元")
    # the unit cell says 万元 on every table of 004; read it anyway
    for row in rows:
        for cell in row:
            m = re.match(r"^单位[:：]\s*(万元|元)$", _label(cell.text))
            if m:
                funds.unit_in_source = m.group(1)
    unit = funds.unit_in_source
    for label, attr in (("预算数", "total"), ("其中：财政资金", "fiscal"), ("其他资金", "other")):
        amount_cell = _cell_after(rows, label)
        if amount_cell is not None:
            setattr(funds.annual, attr, parse_amount(amount_cell.text, unit))
    return funds


def _fund_use(rows: list[Row]) -> str:
    """The 资金用途 text: the row(s) between the amounts and the spending plan."""
    start = _row_index(rows, "预算规模及资金用途")
    stop = _row_index(rows, "资金支出计划（%）")
    if start is None:
        return ""
    stop = stop if stop is not None and stop > start else start + 2
    return join_lines([t for row in rows[start + 1 : stop] for t in _texts(row)])


def _spending_plan(rows: list[Row]) -> dict[str, float]:
    i = _row_index(rows, "资金支出计划（%）")
    if i is None or i + 1 >= len(rows):
        return {}
    labels = [_label(c.text) for c in rows[i][1:] if c.text]
    values = [m.group(1) for c in rows[i + 1] if (m := _PERCENT.match(_label(c.text)))]
    if len(labels) != len(values):
        return {}
    return {label: float(value) for label, value in zip(labels, values, strict=True)}


def _goal(rows: list[Row]) -> str:
    i = _row_index(rows, "绩效目标")
    if i is None:
        return ""
    return join_lines(_texts(rows[i])[1:])


def _indicators(rows: list[Row]) -> list[Indicator]:
    start = next(
        (i for i, row in enumerate(rows) if tuple(_label(c.text) for c in row[:3]) == _INDICATOR_HEADER), None
    )
    if start is None:
        return []
    out: list[Indicator] = []
    printed_level1 = printed_level2 = ""
    for row in rows[start + 1 :]:
        if len(row) < 6:
            continue
        l1, l2, name, description, value, basis = (c.text for c in row[:6])
        # merged cells: the level-1 (and, defensively, level-2) label is printed
        # only on the first row of its group and left blank below
        printed_level1 = clean_label(l1) or printed_level1
        printed_level2 = l2 or printed_level2
        level2 = canonical_level2(printed_level2) or clean_label(printed_level2)
        level1 = canonical_level1(printed_level1) or level1_for(level2)
        value = squash_spaces(value)
        op, number, unit = parse_value(value)
        out.append(
            Indicator(
                scope="annual",
                level1=level1,
                level2=level2,
                name=squash_spaces(name),
                value=value,
                op=op,
                number=number,
                unit=unit,
                description=squash_spaces(description),
                basis=squash_spaces(basis),
            )
        )
    return out


def _title_name(title: str) -> str:
    return title.removesuffix(_TITLE_SUFFIX).strip()


def _extract_table(lines: list[str], file: str, heading: _Heading, stop: int) -> ExtractedTable:
    line_end = _last_content_line(lines, heading.line_start, stop)
    rows = _rows(lines, heading.body_start, stop)
    name_cell = _cell_after(rows, "项目名称")
    code_cell = _cell_after(rows, "项目编码")
    project_name = squash_spaces(name_cell.text) if name_cell else ""
    if not project_name and not rows:
        return ExtractedTable(
            heading.line_start,
            line_end,
            None,
            "failed",
            f"表{heading.number}（{heading.title}）没有单元格",
        )
    department_code, department_name = _department(rows)
    record = Record(
        project_name=project_name or _title_name(heading.title),
        source=SourceRef(file=file, line_start=heading.line_start, line_end=line_end, layout=NAME),
        department_code=department_code,
        department_name=department_name,
        # the form prints no 实施单位: the department carries out its own projects
        unit_name=department_name,
        project_code=squash_spaces(code_cell.text) if code_cell else "",
        funds=_funds(rows),
        spending_plan=_spending_plan(rows),
        fund_use=_fund_use(rows),
        # the form has a single 绩效目标, set for the budget year
        goal_annual=_goal(rows),
        indicators=_indicators(rows),
    )
    missing = [
        label
        for label, ok in (
            ("项目名称", bool(project_name)),
            ("预算数", record.funds.annual.total is not None),
            ("绩效指标", bool(record.indicators)),
        )
        if not ok
    ]
    if missing:
        record.flag("table_truncated", heading.line_start, missing="、".join(missing))
        return ExtractedTable(
            heading.line_start,
            line_end,
            record,
            "partial",
            f"表{heading.number}缺少{'、'.join(missing)}",
        )
    return ExtractedTable(heading.line_start, line_end, record)


def extract(lines: list[str], file: str) -> LayoutResult:
    result = LayoutResult()
    headings = _find_headings(lines)
    for i, heading in enumerate(headings):
        stop = headings[i + 1].line_start if i + 1 < len(headings) else len(lines) + 1
        result.tables.append(_extract_table(lines, file, heading, stop))
    if headings:
        listed = _toc_numbers(lines, headings[0].line_start)
        found = [h.number for h in headings]
        if listed and sorted(set(listed)) != sorted(found):
            missing = sorted(set(listed) - set(found))
            extra = sorted(set(found) - set(listed))
            values = {
                "listed": str(len(set(listed))),
                "found": str(len(found)),
                "missing": "、".join(f"表{n}" for n in missing) or "无",
                "extra": "、".join(f"表{n}" for n in extra) or "无",
            }
            result.notes.append(("toc-mismatch", headings[0].line_start, values))
    return result
