"""Rows a page break cut in two, read as one row (the form reader's view of a table printed
over several pages: a PDF, or a Word file printed to PDF).

Word and LibreOffice let a row break across a page: the lines that fit stay at the bottom of
one page, the rest of every cell goes on at the top of the next. The PDF reader keeps the
two parts as printed, one row on each page (generator/readers/pdf.py). The form reader
takes the first row on a new page for the rest of the row above it

- when the reader saw it: each of its cells with text is marked runs_on (the first word
  had no room left on the last line of the cell above, at the bottom of the page before);
- or when a label shows the cut: one of its cells, joined to the cell above it, makes a
  label of the vocabulary or an indicator level ("数量指" + "标", "绩效指" + "标", "经济效" +
  "益指标") that the part on the new page alone is not, and no cell of the row is a label
  of its own that the join would spoil ("质量指标" under "数量指标" starts a new row).

The two parts of each cell become one cell over both rows, so every row keeps its number
(positions name the rows as printed) and the row on the new page starts no cell of its own.
A cut neither shows (only a name runs on: "100周岁及" + "以上老年津贴成本") is left to the
indicator reader (form_indicators._continues).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from generator.tables import Cell, Table

Pair = tuple[Cell, Cell]  # (the cell ending at the bottom of a page, the cell under it on the next)


def join_cut_rows(table: Table, is_label: Callable[[str], bool]) -> tuple[Table, frozenset[int]]:
    """The table with each row a page break cut joined to the row above it; and the rows so
    joined (they start no cell now)."""
    if len({c.page for c in table.cells if c.page}) < 2:
        return table, frozenset()
    starting: dict[int, list[Cell]] = {}
    for c in table.cells:
        starting.setdefault(c.row, []).append(c)
    joined: set[int] = set()
    printed = 0  # the last page printed above the row
    for row in range(table.n_rows):
        pages = [c.page for c in starting.get(row, []) if c.page]
        if pages and printed and min(pages) > printed:  # the first row on a new page
            pairs = _pairs(table, row)
            if pairs and _cut(pairs, is_label):
                table = _joined(table, pairs)
                joined.add(row)
        printed = max([printed, *pages])
    return table, frozenset(joined)


def _pairs(table: Table, row: int) -> list[Pair] | None:
    """The cells starting in `row`, the first row on a new page, each with the cell above it
    (same columns, ending in the row above); None when a row starts no new page there or a
    cell has no such partner."""
    grid = table.grid()
    starting = [c for c in table.cells if c.row == row]
    above = [c for c in grid[row - 1] if c is not None]
    pages, before = [c.page for c in starting if c.page], [c.page for c in above if c.page]
    if not pages or not before or min(pages) <= max(before):
        return None
    pairs = []
    for cell in starting:
        up = grid[row - 1][cell.col]
        if up is None or (up.col, up.colspan, up.row + up.rowspan) != (cell.col, cell.colspan, row):
            return None
        pairs.append((up, cell))
    return pairs


def _cut(pairs: list[Pair], is_label: Callable[[str], bool]) -> bool:
    written = [cell for _, cell in pairs if cell.text.strip()]
    if written and all(cell.runs_on for cell in written):
        return True  # the reader saw each of them go on from the cell above
    cut = False
    for up, cell in pairs:
        top, rest = _flat(up.text), _flat(cell.text)
        if not rest:
            continue
        whole = is_label(top + rest)
        if is_label(rest) and not whole:
            return False  # a label of its own: a new row
        if whole and not (is_label(top) and is_label(rest)):
            cut = True
    return cut


def _joined(table: Table, pairs: list[Pair]) -> Table:
    cells = list(table.cells)
    for up, cell in pairs:
        cells.remove(cell)
        both = replace(up, text=_join_parts(up.text, cell.text), rowspan=up.rowspan + cell.rowspan)
        cells[cells.index(up)] = both
    return replace(table, cells=cells)


def _join_parts(top: str, rest: str) -> str:
    """A cell's text and its rest on the next page: one text, with a space only between two
    Latin words ("经济效" + "益指标", "11212" + "24元" run on; "UPS" + "power" are two words)."""
    top, rest = top.rstrip(), rest.lstrip()
    gap = re.search(r"[A-Za-z]$", top) and re.match(r"[A-Za-z]", rest)
    return top + (" " if gap else "") + rest


def _flat(text: str) -> str:
    return "".join(text.split())
