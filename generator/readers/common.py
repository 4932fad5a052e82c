"""What every reader shares: the title and context above a table, grids from spans, and findings."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from generator.tables import Cell, Finding

T = TypeVar("T")

CONTEXT_LINES = 4  # how many lines above a table are kept as its context

# lines above a table that are not its title: 单位：万元, 填报单位：…, (2024年度), 金额单位：元
_META = re.compile(r"^(?:[^：:]{1,8}[：:]|[（(][^）)]*[）)]$)")
_TABLE_END = re.compile(r"表\s*[)）]?$")


def page_progress(pages: Sequence[T], file: str) -> Iterable[T]:
    """Pages as they are read, with a progress bar on a terminal (none in logs and CI)."""
    from tqdm import tqdm

    if len(pages) < 2 or not sys.stderr.isatty():
        return pages
    return tqdm(pages, desc=file, unit="页", leave=False)


def is_meta(line: str) -> bool:
    return bool(_META.match(line.strip()))


def title_and_context(lines: Iterable[str]) -> tuple[str, list[str]]:
    """The title of a table and its context, from the text printed above it (document order).

    The title is the nearest line above that ends in …表 (附件1：项目支出绩效目标表 too), else
    the nearest that names a table, else the nearest that is not a label line such as
    单位：万元 or (2024年度); the context is the few lines above, the title excepted.
    """
    window = [t for t in (line.strip() for line in lines) if t][-CONTEXT_LINES:]
    nearest = window[::-1]
    plain = [t for t in nearest if not is_meta(t)]
    choices = [t for t in nearest if _TABLE_END.search(t)] + [t for t in plain if "表" in t] + plain
    title = choices[0] if choices else ""
    context = list(window)
    if title:
        context.remove(title)
    return title, context


def broken(fmt: str, error: BaseException | str, path: Path | None = None, **position: object) -> Finding:
    """A document-broken finding with a short, one-line error text (the file's name, not its path)."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    if path is not None:
        text = text.replace(str(path), path.name)
    text = " ".join(text.split())
    return ("document-broken", {"format": fmt, "error": text[:160], **position})


class GridFiller:
    """Places cells row by row, skipping positions that an earlier row or column span covers
    (the HTML table model; a Word vMerge continuation grows the cell above: extend_down)."""

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self._taken: dict[tuple[int, int], int] = {}  # position -> index in cells

    def next_free(self, row: int, col: int) -> int:
        while (row, col) in self._taken:
            col += 1
        return col

    def place(self, row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
        col = self.next_free(row, col)
        cell = Cell(row, col, text, max(rowspan, 1), max(colspan, 1))
        for r in range(row, row + cell.rowspan):
            for c in range(col, col + cell.colspan):
                self._taken.setdefault((r, c), len(self.cells))
        self.cells.append(cell)
        return cell

    def clamped(self, n_rows: int) -> list[Cell]:
        """The cells, no span running past the last row (as browsers cut rowspan="99")."""
        return [replace(c, rowspan=min(c.rowspan, n_rows - c.row)) for c in self.cells]

    def claim(self, row: int, col: int, at: int) -> None:
        self._taken[(row, col)] = at

    def covering(self, row: int, col: int) -> Cell | None:
        at = self._taken.get((row, col))
        return self.cells[at] if at is not None else None

    def extend_down(self, cell: Cell) -> Cell:
        """Grow a cell by one row (a vertically merged cell continued in the next row)."""
        at = self.cells.index(cell)
        grown = replace(cell, rowspan=cell.rowspan + 1)
        self.cells[at] = grown
        for c in range(cell.col, cell.col + cell.colspan):
            self._taken[(cell.row + cell.rowspan, c)] = at
        return grown
