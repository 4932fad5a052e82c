"""The indicator grid of a performance table: the part of the form reader
(generator/extract/form.py) that reads 一级 / 二级 / 三级 指标 and their values.

The grid is found by its header row, the column headers of vocabulary.yaml
`indicators.columns`; two grids side by side in one header row (Shanxi: 实施期 left, 年度
right) are told apart by a 一级指标, 二级指标 or 三级指标 header seen a second time (each side
may merge its own 一级指标 column otherwise). Every data row is
read through the grid of cells, so a level 1 or level 2 merged down over rows reaches each
row it covers; a level left empty on a row without a merge (a PDF that lost it, Shanghai)
carries over from the rows above, within the same level 1.

Sheet, the grid view both modules read through, lives here too: the table's grid, its
labels found once, and where each row is. A row a page break cut in two is one row there
(form_pages.py): the row on the new page starts no cell and is read with the one above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator.extract.form_pages import join_cut_rows
from generator.model import SCOPES, Indicator
from generator.tables import Cell, Table
from generator.text import (
    canonical_level1,
    canonical_level2,
    clean_label,
    level1_of,
    parse_value,
    tidy_spaces,
)

if TYPE_CHECKING:
    from generator.extract.vocabulary import Label, Vocabulary

# ---------------------------------------------------------------- the grid


def clean_text(text: str) -> str:
    """A cell's text as one string: wrapped lines joined (with a space only between two
    Latin words or numbers), the author's spaces kept (tidy_spaces)."""
    out = ""
    for part in (p.strip() for p in (text or "").split("\n")):
        if part:
            gap = out and re.match(r"[A-Za-z0-9]", out[-1]) and re.match(r"[A-Za-z0-9]", part)
            out += (" " if gap else "") + part
    return tidy_spaces(out)


class Sheet:
    """A table with its grid and its labels, found once; the positions of its cells."""

    def __init__(self, table: Table, vocab: Vocabulary) -> None:
        self.vocab = vocab
        # rows a page break cut in two, each read as one with the row above (form_pages)
        self.table, self.joined = join_cut_rows(table, self.is_label)
        table = self.table
        self.grid = table.grid()
        self.n_rows, self.n_cols = table.n_rows, table.n_cols
        self.cells = sorted(table.cells, key=lambda c: (c.row, c.col))
        self._labels = {c: vocab.label(c.text) if c.text.strip() else None for c in self.cells}
        self.has_lines = any(c.line for c in self.cells)  # a text document: cells know their line
        self._starting: dict[int, list[Cell]] = {}
        for c in self.cells:
            self._starting.setdefault(c.row, []).append(c)

    def is_label(self, text: str) -> bool:
        """A label of the vocabulary or an indicator level (数量指标)."""
        return self.vocab.label(text) is not None or bool(canonical_level1(text) or canonical_level2(text))

    def text(self, cell: Cell | None) -> str:
        return clean_text(cell.text) if cell is not None else ""

    def label(self, cell: Cell | None) -> Label | None:
        return self._labels.get(cell) if cell is not None else None

    def at(self, row: int, col: int) -> Cell | None:
        if 0 <= row < self.n_rows and 0 <= col < self.n_cols:
            return self.grid[row][col]
        return None

    def starting(self, row: int) -> list[Cell]:
        """The cells that start in `row`, left to right."""
        return self._starting.get(row, [])

    def right(self, cell: Cell) -> Cell | None:
        """The cell just right of `cell`'s span (a cell merged down from above counts)."""
        return self.at(cell.row, cell.col + cell.colspan)

    def below(self, cell: Cell) -> Cell | None:
        return self.at(cell.row + cell.rowspan, cell.col)

    def value_of(self, cell: Cell) -> Cell | None:
        """A label's value: the cell to its right, or below it when the right one is a label."""
        right = self.right(cell)
        if right is not None and self.label(right) is None:
            return right
        below = self.below(cell)
        return below if below is not None and self.label(below) is None else None

    def row_line(self, row: int) -> int:
        """Where a row is: its text line for text formats, else its 1-based row number."""
        lines = [c.line for c in self.starting(row) if c.line]
        if lines:
            return min(lines)
        return self.row_line(row - 1) + 1 if row > 0 and self.has_lines else row + 1

    def bounds(self) -> tuple[int, int]:
        """First and last line of the table: text lines for text documents; for the other
        formats (PDF, Word, Excel, HTML) 1-based table row numbers, which is what
        SourceRef.line_start/line_end then hold (the page or sheet is in FormResult.position)."""
        if self.has_lines:
            lines = [c.line for c in self.cells if c.line]
            return min(lines), max(lines)
        return 1, max(self.n_rows, 1)


# a finding on one indicator: a quality-flag code, its line, the values of its note
Note = tuple[str, int, dict[str, str]]
_NEW_GRID = ("level1", "level2", "name")  # printed again in one header row: a second grid starts there


@dataclass
class Grid:
    """One grid of a header row: which column holds which Indicator field."""

    first: int  # its first column
    last: int = 0  # its last column
    kinds: dict[str, int] = field(default_factory=dict)  # Indicator field (or op / unit) -> column
    headers: dict[str, str] = field(default_factory=dict)  # Indicator field -> printed header
    extras: dict[str, int] = field(default_factory=dict)  # extra name -> column
    value_rank: int = 1 << 30
    scope: str = "annual"


@dataclass
class Levels:
    """The level 1 and level 2 in force on the current row of one grid."""

    l1: str = ""
    l2: str = ""


@dataclass
class GridResult:
    indicators: list[Indicator] = field(default_factory=list)  # period ones first, in table order
    extras: list[dict[str, str]] = field(default_factory=list)  # one per indicator: columns with no field
    notes: list[Note] = field(default_factory=list)


# ---------------------------------------------------------------- header rows


def _column_cells(sheet: Sheet, row: int) -> list[tuple[Cell, Label]]:
    out = []
    for cell in sheet.starting(row):
        label = sheet.label(cell)
        if label is not None and label.family in ("column", "column_extra"):
            out.append((cell, label))
    return out


def _is_header(sheet: Sheet, row: int) -> bool:
    kinds = {label.key for _, label in _column_cells(sheet, row) if label.family == "column"}
    return "name" in kinds and bool(kinds & {"level1", "level2", "value"})


def find_header_rows(sheet: Sheet) -> list[int]:
    return [r for r in range(sheet.n_rows) if _is_header(sheet, r)]


def _header(sheet: Sheet, row: int) -> tuple[list[tuple[Cell, Label]], int]:
    """The header's column cells, refined by a row of headers only under a merged one
    (指标值 over 指标性质 | 指标值 | 度量单位); and the header's last row."""
    cells = _column_cells(sheet, row)
    printed = [c for c in sheet.starting(row + 1) if sheet.text(c)]
    lower = _column_cells(sheet, row + 1)
    if not printed or len(lower) != len(printed) or _is_header(sheet, row + 1):
        return cells, row
    cols = {c.col for c, _ in lower}
    kept = [(c, lab) for c, lab in cells if not any(c.col <= k < c.col + c.colspan for k in cols)]
    return sorted([*kept, *lower], key=lambda p: p[0].col), row + 1


def _grids(sheet: Sheet, cells: list[tuple[Cell, Label]]) -> list[Grid]:
    grids: list[Grid] = []
    for cell, label in cells:
        key, printed = label.key, sheet.vocab.normalize(cell.text)
        if not grids or (label.family == "column" and key in _NEW_GRID and key in grids[-1].kinds):
            grids.append(Grid(first=cell.col))
        grid = grids[-1]
        grid.last = cell.col + cell.colspan - 1
        if label.family == "column_extra":
            grid.extras.setdefault(key, cell.col)
        elif key == "value" and label.rank < grid.value_rank:
            # the preferred value header; one already seen becomes an extra column (Hunan 绩效标准)
            if "value" in grid.kinds:
                grid.extras[grid.headers["value"]] = grid.kinds["value"]
            grid.kinds["value"], grid.headers["value"], grid.value_rank = cell.col, printed, label.rank
        elif key in grid.kinds or key == "value":
            grid.extras.setdefault(printed, cell.col)
        else:
            grid.kinds[key], grid.headers[key] = cell.col, printed
    return grids


def _set_scopes(sheet: Sheet, grids: list[Grid], first: int, last: int) -> None:
    """A grid title (年度绩效指标) above or in the header; else a side word in the value header
    (年度(/项目)指标值); else two grids are period (left) and annual (right), one is annual."""
    titles: dict[int, str] = {}
    for row in range(first - 1, last + 1):
        for col in range(sheet.n_cols):
            label = sheet.label(sheet.at(row, col))
            if label is None or label.family != "grid_title":
                continue
            owner = next((i for i, g in enumerate(grids) if g.first <= col <= g.last), None)
            if owner is not None or len(grids) == 1:
                titles.setdefault(owner or 0, label.side)
    for i, grid in enumerate(grids):
        words = sheet.vocab.side_words
        header = grid.headers.get("value", "")
        sides = [side for side in SCOPES if any(w in header for w in words[side])]
        positional = SCOPES[i] if len(grids) == 2 else "annual"
        grid.scope = titles.get(i) or (sides[0] if len(sides) == 1 else positional)


# ---------------------------------------------------------------- rows


def read_indicators(sheet: Sheet, rows: range) -> GridResult:
    """Every indicator of every grid whose data rows fall in `rows` (the project's rows)."""
    found: list[tuple[Indicator, dict[str, str]]] = []
    result = GridResult()
    headers = find_header_rows(sheet)
    for n, head in enumerate(headers):
        cells, last = _header(sheet, head)
        grids = _grids(sheet, cells)
        _set_scopes(sheet, grids, head, last)
        stop = headers[n + 1] if n + 1 < len(headers) else sheet.n_rows
        levels = [Levels() for _ in grids]
        latest: list[Indicator | None] = [None for _ in grids]  # each grid's last indicator
        for r in range(last + 1, stop):
            if _ends_grid(sheet, r):
                break
            if r not in rows or r in sheet.joined:
                continue
            for i, grid in enumerate(grids):
                if _continues(sheet, grid, latest[i], r):
                    continue
                read = _row(sheet, grid, _level1_column(grids, i), levels[i], r)
                if read is not None:
                    found.append(read[:2])
                    result.notes += read[2]
                    latest[i] = read[0]
    found.sort(key=lambda p: SCOPES.index(p[0].scope))  # stable: table order within a scope
    result.indicators = [ind for ind, _ in found]
    result.extras = [extra for _, extra in found]
    return result


def _ends_grid(sheet: Sheet, row: int) -> bool:
    """A row starting with a form label (填报日期) or a signature line (负责人：) ends the grid."""
    cells = [c for c in sheet.starting(row) if sheet.text(c)]
    if not cells:
        return False
    label = sheet.label(cells[0])
    flat = sheet.vocab.normalize.flat(cells[0].text)
    return (label is not None and not label.in_grid) or flat.startswith(sheet.vocab.footer)


def _continues(sheet: Sheet, grid: Grid, previous: Indicator | None, r: int) -> bool:
    """The first row on a new page that holds only more of a name: the rest of the previous
    indicator's name cell, which the page break cut in two (a PDF, or Word printed), where
    neither the reader's mark nor a label showed the cut to Sheet (form_pages). The name is
    completed in place."""
    pages = [c.page for c in sheet.starting(r) if c.page]
    before = [c.page for c in sheet.starting(r - 1) if c.page]
    if previous is None or not pages or not before or min(pages) <= max(before):
        return False
    starts = [sheet.at(r, grid.kinds[k]) for k in ("level1", "level2", "value") if k in grid.kinds]
    if any(c is not None and c.row == r and sheet.text(c) for c in starts):
        return False
    name = sheet.at(r, grid.kinds["name"]) if "name" in grid.kinds else None
    if name is None or name.row != r or not sheet.text(name):
        return False
    previous.name += sheet.text(name)
    return True


def _level1_column(grids: list[Grid], i: int) -> int | None:
    """A grid's own level-1 column, or that of the nearest grid to its left (Shanxi's annual
    grid shares the level 1 printed left of the period grid)."""
    return next((g.kinds["level1"] for g in reversed(grids[: i + 1]) if "level1" in g.kinds), None)


def _row(
    sheet: Sheet, grid: Grid, l1_col: int | None, levels: Levels, r: int
) -> tuple[Indicator, dict[str, str], list[Note]] | None:
    def cell(kind: str) -> Cell | None:
        col = grid.kinds.get(kind)
        return sheet.at(r, col) if col is not None else None

    def text(kind: str) -> str:
        return sheet.text(cell(kind))

    if l1_col is not None and (l1 := sheet.text(sheet.at(r, l1_col))):
        l1 = canonical_level1(l1) or clean_label(l1)
        if l1 != levels.l1:
            levels.l1, levels.l2 = l1, ""
    if l2 := text("level2"):
        levels.l2 = canonical_level2(l2) or clean_label(l2)
    name_cell = cell("name")
    if name_cell is not None and name_cell in (cell("value"), cell("level2")):
        return None  # one cell across the grid: a note, not an indicator
    name = text("name")
    value, extras = _value(sheet, grid, text("op"), text("value"), text("unit"))
    if not name and not value:
        return None  # a level printed with no indicator (Hunan's unused 二级指标)
    for key, col in grid.extras.items():
        if extra := sheet.text(sheet.at(r, col)):
            extras[key] = extra
    op, number, unit = parse_value(value)
    level2 = levels.l2
    level1 = level1_of(levels.l1, level2)
    # built unvalidated, like every field of a layout's record: the pipeline validates it
    indicator = Indicator.model_construct(
        scope=grid.scope,
        level1=level1,
        level2=level2,
        name=name,
        description=text("description"),
        value=value,
        op=op,
        number=number,
        unit=_unwrap(unit),
        basis=text("basis"),
    )
    line = sheet.row_line(r)
    notes: list[Note] = []
    if not value:
        notes.append(("indicator_value_missing", line, {"name": name}))
    elif not name:
        notes.append(("indicator_name_missing", line, {"value": value}))
    return indicator, extras, notes


def _value(sheet: Sheet, grid: Grid, op: str, value: str, unit: str) -> tuple[str, dict[str, str]]:
    """The printed value; a value split over 指标性质 / 指标值 / 度量单位 joined ("≥" "95" "%"
    -> "≥95%"). A 指标性质 that is no comparison (定性) is kept as an extra."""
    extras: dict[str, str] = {}
    value = tidy_spaces(value.lstrip(":："))  # ":100%": an OCR artefact
    if op and op not in sheet.vocab.comparisons:
        extras[grid.headers["op"]] = op
        op = ""
    if value and op and not value.startswith(op):
        value = op + value
    if value and unit and not value.endswith(unit):
        value += unit
    return value, extras


def _unwrap(unit: str) -> str:
    """ "(%)" -> "%": Shanghai prints the unit of =100.00(%) in brackets."""
    m = re.fullmatch(r"[(（](.+)[)）]", unit)
    return m.group(1) if m else unit
