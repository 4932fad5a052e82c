"""One form reader for every 项目支出绩效目标表, driven by the label vocabulary.

Every file-format reader yields the same Table (generator/tables.py); this module maps a
Table to a Record through generator/vocabulary.yaml, never through fixed positions:
labels are found by their text, a value is the cell to the right of its label (or the
cell below when that one is another label: column-header layouts), the funds are
label/value pairs or a grid with 实施期/年度 columns, and the indicator grid
(form_indicators.py) is found by its header row. What a family prints and the Record has
no field for goes to FormResult.extra; what a family does not print stays empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.extract.form_indicators import Sheet, clean_text, find_header_rows, read_indicators
from generator.extract.vocabulary import (
    FAMILY_GROUP,
    TEXT_FIELDS,
    Label,
    Status,
    Vocabulary,
)
from generator.model import Amount, ExtractedTable, FundColumn, Record, SourceRef
from generator.quality.common import reader_note_fields
from generator.tables import Cell, Table
from generator.text import (
    parse_amount,
    parse_attribute,
    parse_fill_date,
    parse_years,
    split_department,
)

LAYOUT = "form"  # SourceRef.layout of every record this reader makes


@dataclass(frozen=True)
class Found:
    cell: Cell
    label: Label
    printed: str  # the label as printed, normalized
    inline: str | None = None  # "项目名称：某某项目" in one cell: the text after the colon


def find_labels(sheet: Sheet) -> list[Found]:
    out = []
    for cell in sheet.cells:
        label = sheet.label(cell)
        if label is not None:
            out.append(Found(cell, label, sheet.vocab.normalize(cell.text)))
        elif (inline := _inline(sheet.vocab, cell.text)) is not None:
            out.append(Found(cell, *inline))
    return out


def _inline(vocab: Vocabulary, text: str) -> tuple[Label, str, str] | None:
    """ "项目名称：某某项目" (a cell or a line above the table): (label, label as printed, value)."""
    m = re.match(r"^\s*([^:：]{1,20})[:：](.+)$", text, re.DOTALL)
    label = vocab.label(m.group(1)) if m else None
    if m is None or label is None or label.in_grid:
        return None
    return label, vocab.normalize(m.group(1)), clean_text(m.group(2))


def _value(sheet: Sheet, found: Found, band: range | None = None) -> tuple[str, Cell | None]:
    """A label's value and its cell. In a table of several projects (a column header over
    project bands) the value of a column header is in the row the project starts."""
    if found.inline is not None:
        return found.inline, found.cell
    cell = sheet.value_of(found.cell)
    if band is not None and band.start > found.cell.row and cell is not None and cell.row > found.cell.row:
        at = sheet.at(band.start, found.cell.col)
        cell = at if sheet.label(at) is None else None
    return sheet.text(cell), cell


# ---------------------------------------------------------------- which tables


def is_performance_table(table: Table, vocab: Vocabulary) -> bool:
    """By the title (or a context line above the table), else by the labels it holds."""
    for text in (table.title, *table.context):
        flat = vocab.normalize.flat(text)
        for words, answer in (
            (vocab.department_wide_titles, False),
            (vocab.performance_titles, True),
            (vocab.other_titles, False),
        ):
            if any(w in flat for w in words):
                return answer
    sheet = Sheet(table, vocab)
    found = find_labels(sheet)
    groups = {FAMILY_GROUP[f.label.family] for f in found if f.label.family in FAMILY_GROUP}
    has_grid = bool(find_header_rows(sheet))
    has_name = any(f.label.key == "project_name" for f in found)
    return len(groups) + int(has_grid) >= vocab.min_families and (has_name or has_grid)


# ---------------------------------------------------------------- the form


@dataclass
class FormResult:
    record: Record | None  # None when the table failed
    status: Status
    reason: str = ""  # for partial/failed: what is missing, in Chinese, for a maintainer
    line_start: int = 1  # as SourceRef: text lines, or 1-based table rows (see Sheet.bounds)
    line_end: int = 1
    position: dict[str, object] = field(default_factory=dict)  # Table.position(): page, sheet, cell
    # what the table prints and the Record has no field for: {header label: text},
    # {money label: {period|annual: yuan}}, "indicators": [{column: text}] (one per indicator)
    extra: dict[str, Any] = field(default_factory=dict)

    def extracted(self) -> ExtractedTable:
        return ExtractedTable(self.line_start, self.line_end, self.record, self.status, self.reason)


def read_form(table: Table, vocab: Vocabulary) -> FormResult:
    """The project of a table (the first one, when a table lists several: read_forms)."""
    return read_forms(table, vocab)[0]


def read_forms(table: Table, vocab: Vocabulary) -> list[FormResult]:
    """Every project of a table: one, or one per project band of a table that lists several
    projects under a 项目名称 column header (Sichuan), its department subtotals skipped."""
    sheet = Sheet(table, vocab)
    found = find_labels(sheet)
    bands = _project_bands(sheet, found)
    if len(bands) <= 1:
        return [_read(sheet, found, bands[0] if bands else None, sheet.bounds())]
    # each project of a table of several is where its band is: its own rows (or lines)
    return [_read(sheet, found, b, (sheet.row_line(b.start), sheet.row_line(b.stop - 1))) for b in bands]


def _project_bands(sheet: Sheet, found: list[Found]) -> list[range]:
    """The rows of each project when project names stand in a column under their label."""
    label = next((f.cell for f in found if f.label.key == "project_name" and f.inline is None), None)
    if label is None:
        return []
    right = sheet.right(label)
    if right is not None and sheet.label(right) is None:
        return []  # the name is beside its label: one project
    bands = []
    for r in range(label.row + label.rowspan, sheet.n_rows):
        cell = sheet.at(r, label.col)
        if cell is None or cell.row != r or not sheet.text(cell) or sheet.label(cell) is not None:
            continue
        if sheet.vocab.normalize(cell.text) not in sheet.vocab.subtotals:
            bands.append(range(r, r + cell.rowspan))
    return bands


def _read(sheet: Sheet, found: list[Found], band: range | None, bounds: tuple[int, int]) -> FormResult:
    """One project: the whole table, or the rows of `band` in a table of several."""
    start, end = bounds
    table = sheet.table
    result = FormResult(None, "failed", "", start, end, table.position())
    name = next((f for f in found if f.label.key == "project_name" and _value(sheet, f, band)[0]), None)
    if name is None:
        result.reason = "表中没有找到项目名称（项目名称、项目支出名称等标签及其内容）"
        return result
    record = Record(source=SourceRef(file=table.file, line_start=start, line_end=end, layout=LAYOUT))
    _read_fields(sheet, found, record, result.extra, band)
    has_funds = _read_funds(sheet, found, record, result.extra, band)
    grid = read_indicators(sheet, band or range(sheet.n_rows))
    record.indicators = grid.indicators
    if any(grid.extras):
        result.extra["indicators"] = grid.extras
    for code, line, values in grid.notes:
        record.flag(code, line, fields=reader_note_fields(record, code, values), **values)
    missing = [part for part, ok in (("绩效指标", grid.indicators), ("项目资金", has_funds)) if not ok]
    result.record, result.status = record, "ok"
    if missing:
        record.flag("table_truncated", start, missing="、".join(missing))
        result.status = "partial"
        cut = f"表格在第{end}行后中断，" if not grid.indicators else "表格"
        result.reason = f"{cut}缺少{'、'.join(missing)}"
    return result


# ---------------------------------------------------------------- header, texts, goals


def _read_fields(
    sheet: Sheet, found: list[Found], record: Record, extra: dict[str, Any], band: range | None
) -> None:
    values: dict[str, str] = {}
    printed: dict[str, str] = {}  # the label each value was read under
    overall: list[Found] = []
    for f in found:
        family, key = f.label.family, f.label.key
        if family == "overall":
            overall.append(f)
        elif key == "category" and "category" not in values:
            values["category"] = _category(sheet, f, record)
        elif family in ("header", "text", "goal", "header_extra") and key not in values:
            text = _value(sheet, f, band)[0]
            if text:
                values[key], printed[key] = text, f.printed
                if family == "header_extra":
                    extra[key] = text
        elif family == "spending_plan" and not record.spending_plan:
            record.spending_plan = _spending_plan(sheet, f.cell)
        elif family == "money_block" and key == "fund_use" and key not in values:
            values[key] = _block_text(sheet, f.cell)
    _overall_goals(sheet, overall, values)
    # "部门名称：…" above the table; "负责人：… 填报日期：…" under it, a label and value per part
    below = [part for line in sheet.table.after for part in line.split()]
    for line in (*sheet.table.context, *below):
        inline = _inline(sheet.vocab, line)
        if inline and inline[0].family in ("header", "header_extra") and inline[0].key not in values:
            key = inline[0].key
            values[key], printed[key] = inline[2], inline[1]
            if inline[0].family == "header_extra":
                extra[key] = inline[2]
    if "department" not in values:
        values["department"] = _department_line(sheet)
    _fill(record, values, extra, printed)


def _fill(record: Record, values: dict[str, str], extra: dict[str, Any], printed: dict[str, str]) -> None:
    get = values.get
    record.project_name = get("project_name", "")
    record.department_code, record.department_name = split_department(get("department", ""))
    record.unit_name = get("unit_name", "")
    record.project_code = get("project_code", "")
    record.attribute = parse_attribute(get("attribute", ""))
    record.category = get("category", "")
    record.fill_date = parse_fill_date(get("fill_date", ""))
    years_text = get("period_years", "")
    years = parse_years(years_text)
    # a calendar year ("2024年") or a range ("2026-2027") is not a length: kept as printed
    if years is not None and years <= 100 and not re.search(r"(19|20)\d\d", years_text):
        record.period_years = years
    elif years_text:
        extra[printed["period_years"]] = years_text
    for key in TEXT_FIELDS:
        setattr(record, key, get(key, ""))


def _overall_goals(sheet: Sheet, overall: list[Found], values: dict[str, str]) -> None:
    """总体目标 / 绩效目标: two texts beside it are period and annual; one is the annual goal,
    or the period goal when the table has its own annual goal label."""
    for f in overall:
        texts = [f.inline] if f.inline else _texts_right(sheet, f.cell)
        if len(texts) >= 2:
            values.setdefault("goal_period", texts[0])
            values.setdefault("goal_annual", texts[1])
        elif texts:
            values.setdefault("goal_period" if "goal_annual" in values else "goal_annual", texts[0])


def _texts_right(sheet: Sheet, cell: Cell) -> list[str]:
    out: list[str] = []
    seen: set[Cell] = {cell}
    for col in range(cell.col + cell.colspan, sheet.n_cols):
        other = sheet.at(cell.row, col)
        if other is None or other in seen:
            continue
        seen.add(other)
        if sheet.label(other) is None and (text := sheet.text(other)):
            out.append(text)
    return out


def _block_text(sheet: Sheet, label: Cell) -> str:
    """The text in a funds block's rows that hold no money label (预算规模及资金用途)."""
    texts: list[str] = []
    for r in _block_rows(sheet, label):
        cells = [c for c in sheet.starting(r) if c.col > label.col and sheet.text(c)]
        if not any(sheet.label(c) for c in cells):
            texts += [sheet.text(c) for c in cells]
    return "".join(texts)


def _block_rows(sheet: Sheet, label: Cell) -> range:
    """The rows a block label spans, and those after it whose first cell is empty (the merge
    a Word or text export lost)."""
    end = label.row + label.rowspan
    while end < sheet.n_rows and not sheet.text(sheet.at(end, label.col)):
        end += 1
    return range(label.row, end)


def _department_line(sheet: Sheet) -> str:
    """怀来县: "816001怀来县官厅镇人民政府" printed with no label, above or atop the table."""
    candidates = [*sheet.table.context, *(c.text for c in sheet.starting(0))]
    return next((clean_text(t) for t in candidates if sheet.vocab.department_line.match(t.strip())), "")


def _category(sheet: Sheet, found: Found, record: Record) -> str:
    """项目分类: the A/B/C option whose row carries a checked mark (003); a single option
    printed without boxes is that class. Options printed, none checked: flagged."""
    vocab, cell = sheet.vocab, found.cell
    rows = [found.inline] if found.inline is not None else []
    for r in range(cell.row, cell.row + cell.rowspan):
        rows.append(" ".join(c.text for c in sheet.starting(r) if c.col > cell.col))
    options = [(m.group(1), text) for text in rows for m in re.finditer(r"([ABC])\s*类", text)]
    checked = [letter for letter, text in options if any(mark in text for mark in vocab.checked)]
    boxes = any(mark in text for text in rows for mark in (*vocab.checked, *vocab.unchecked))
    if len(set(checked)) == 1:
        return f"{checked[0]}类项目"
    if len({letter for letter, _ in options}) == 1 and not boxes:
        return f"{options[0][0]}类项目"
    if options:
        record.flag("category_unmarked", sheet.row_line(cell.row), fields=["category"])
    return ""


def _spending_plan(sheet: Sheet, label: Cell) -> dict[str, float | int]:
    """资金支出计划（%）| 3月底 | 6月底 …, the percentages in the row below."""
    plan: dict[str, float | int] = {}
    for col in range(label.col + label.colspan, sheet.n_cols):
        head = sheet.at(label.row, col)
        if head is None or head.col != col or not sheet.text(head):
            continue
        m = re.fullmatch(r"(\d+(?:\.\d+)?)[%％]?", sheet.vocab.normalize.flat(sheet.text(sheet.below(head))))
        if m:
            number = float(m.group(1))
            plan[sheet.text(head)] = int(number) if number.is_integer() else number
    return plan


# ---------------------------------------------------------------- funds


def _read_funds(
    sheet: Sheet, found: list[Found], record: Record, extra: dict[str, Any], band: range | None
) -> bool:
    """Every amount of the funds block into record.funds (extra rows into `extra`).
    False when the table has no money label at all."""
    money = [f for f in found if f.label.family in ("total", "source", "money_extra")]
    if not money:
        return False
    vocab = sheet.vocab
    # the unit of the block: in its label ("项目资金（元）"), else in the first money label that
    # prints one ("年度资金总额（万元）": the form's only unit), else the table's ("单位：万元")
    marked = [u for f in found if f.label.family == "money_block" if (u := vocab.label_unit(f.cell.text))]
    marked += [u for f in money if (u := vocab.label_unit(f.cell.text))]
    base = next(iter(marked), "") or _table_unit(sheet)
    columns = [(f.cell, f.label.side) for f in found if f.label.family == "fund_column"]
    anchors = sorted((f.cell.col, f.label.side) for f in money if f.label.family == "total" and f.label.side)
    value_units: list[str] = []
    used: set[Cell] = set()
    for f in money:
        unit = vocab.label_unit(f.cell.text) or base or vocab.default_unit
        for side, text, cell in _money_values(sheet, f, columns, anchors, band):
            amount, value_unit = _amount(vocab, text, unit)
            value_units += [value_unit] if value_unit and amount is not None else []
            used |= {cell} if cell is not None else set()
            _assign(record, extra, f.label, side, amount)
    record.funds.unit_in_source = base or next(iter(value_units), vocab.default_unit)
    _unknown_fund_rows(sheet, found, used, record)
    return True


def _table_unit(sheet: Sheet) -> str:
    """单位：万元 in the title, a context line or a cell of the table."""
    texts = [sheet.table.title, *sheet.table.context, *(c.text for c in sheet.cells)]
    return next((u for t in texts if (u := sheet.vocab.table_unit(t))), "")


def _money_values(
    sheet: Sheet,
    f: Found,
    columns: list[tuple[Cell, str]],
    anchors: list[tuple[int, str]],
    band: range | None,
) -> Iterator[tuple[str, str, Cell | None]]:
    """(side, amount text, its cell) for one money label."""
    heads = [(head, side) for head, side in columns if head.row < f.cell.row and head.col > f.cell.col]
    if heads and f.inline is None:
        # a funds grid: one column per side, headed 实施期 / 年度
        for head, side in heads:
            cell = sheet.at(f.cell.row, head.col)
            yield side, sheet.text(cell), cell
        return
    text, cell = _value(sheet, f, band)
    yield f.label.side or _side_by_column(f.cell.col, anchors), text, cell


def _side_by_column(col: int, anchors: list[tuple[int, str]]) -> str:
    """A source row's side in a label/value layout: that of the sided total it stands under
    (the nearest one at or left of its column); a form without sided totals has one side,
    annual."""
    left = [side for c, side in anchors if c <= col]
    if left:
        return left[-1]
    return anchors[0][1] if anchors else "annual"


def _amount(vocab: Vocabulary, text: str, unit: str) -> tuple[Amount, str]:
    """(yuan, the unit printed after the value or "")."""
    flat = re.sub(r"\s+", "", text)
    for marker, value_unit in vocab.value_units:
        if flat.endswith(marker) and re.search(r"\d", flat):
            return parse_amount(flat[: -len(marker)], value_unit), value_unit
    return parse_amount(flat, unit), ""


def _assign(record: Record, extra: dict[str, Any], label: Label, side: str, amount: Amount) -> None:
    """The first amount printed for a row and side wins (Shanxi prints each label twice)."""
    if label.family == "money_extra":
        if amount is not None:
            extra.setdefault(label.key, {}).setdefault(side, amount)
        return
    column: FundColumn = getattr(record.funds, side)
    if getattr(column, label.key) is None:
        setattr(column, label.key, amount)


def _unknown_fund_rows(sheet: Sheet, found: list[Found], used: set[Cell], record: Record) -> None:
    """A label inside the funds block that the vocabulary does not know, with an amount
    beside it: flagged fund_row_unknown (a new label belongs in vocabulary.yaml)."""
    for f in found:
        if f.label.family != "money_block":
            continue
        for r in _block_rows(sheet, f.cell):
            for cell in sheet.starting(r):
                if cell == f.cell or cell in used or sheet.label(cell) or not sheet.text(cell):
                    continue
                value = sheet.right(cell)
                if parse_amount(sheet.text(cell)) is None and value is not None and value not in used:
                    if _amount(sheet.vocab, sheet.text(value), "元")[0] is not None:
                        record.flag("fund_row_unknown", sheet.row_line(r), label=sheet.text(cell))
