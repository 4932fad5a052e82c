"""Word (.docx) reader: every table in document order, nested tables as tables of their own.

Spans come from the XML python-docx parses (w:gridSpan, w:vMerge, w:gridBefore), so a
merged cell is one Cell however many grid positions it covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

from generator.readers.common import CONTEXT_LINES, GridFiller, broken, title_and_context
from generator.tables import Cell, Reading, Table

FORMAT = "Word"
# the runs of a paragraph, also inside hyperlinks, tracked insertions, smart tags and fields
_INSIDE = ("", "w:hyperlink/", "w:ins/", "w:smartTag/", "w:fldSimple/", "w:sdt/w:sdtContent/")
_RUNS = " | ".join(f"./{where}w:r" for where in _INSIDE)


def read(path: Path, file: str) -> Reading:
    reading = Reading()
    try:
        body = docx.Document(str(path)).element.body
    except Exception as exc:  # python-docx raises zip, package and XML errors alike
        reading.findings.append(broken(FORMAT, exc, path))
        return reading
    _walk(body.iterchildren(), [], reading, file)
    if not reading.tables and not reading.findings:
        reading.findings.append(("no-tables", {}))
    return reading


def _walk(children: Iterable[Any], lines: list[str], reading: Reading, file: str) -> None:
    """Paragraphs are remembered as the lines above the next table; a table takes them, and
    the first few under it are also the lines after the table before (signatures, 填报日期)."""
    for el in children:
        if el.tag == qn("w:p"):
            text = _text(el)
            lines.append(text)
            last = reading.tables[-1] if reading.tables else None
            if last is not None and text.strip() and len(last.after) < CONTEXT_LINES:
                last.after.append(text.strip())
        elif el.tag == qn("w:tbl"):
            _table(el, lines, reading, file)
            lines.clear()
        elif el.tag == qn("w:sdt"):  # a content control around paragraphs and tables
            content = el.find(qn("w:sdtContent"))
            if content is not None:
                _walk(content.iterchildren(), lines, reading, file)


def _text(p: Any) -> str:
    return "".join(r.text for r in p.xpath(_RUNS))


def _table(tbl: Any, lines: list[str], reading: Reading, file: str) -> None:
    index = len(reading.tables) + 1
    title, context = title_and_context(lines)
    table = Table(file, index, title=title, context=context)
    reading.tables.append(table)
    nested: list[tuple[Any, list[str]]] = []
    try:
        table.cells = _cells(tbl, nested)
    except Exception as exc:  # a malformed table is reported; the other tables are still read
        reading.findings.append(broken(FORMAT, exc, cell=f"表{index}"))
    for inner, above in nested:
        _table(inner, above, reading, file)


def _cells(tbl: Any, nested: list[tuple[Any, list[str]]]) -> list[Cell]:
    grid = GridFiller()
    for r, tr in enumerate(tbl.tr_lst):
        col = tr.grid_before
        for tc in tr.tc_lst:
            span = tc.grid_span
            if not _continues(grid, tc, r, col):
                col = grid.place(r, col, _cell_text(tc, nested), 1, span).col
            col += span
    return grid.clamped(len(tbl.tr_lst))


def _continues(grid: GridFiller, tc: Any, r: int, col: int) -> bool:
    """Fold a w:vMerge continuation into the cell above it, a legacy w:hMerge into the one left."""
    if tc.vMerge == "continue":
        above = grid.covering(r - 1, col) if r else None
        if above is not None and above.col == col and above.row + above.rowspan == r:
            grid.extend_down(above)
            return True
    tcPr = tc.tcPr
    h_merge = tcPr.find(qn("w:hMerge")) if tcPr is not None else None
    if h_merge is not None and h_merge.get(qn("w:val")) != "restart" and col:
        left = grid.covering(r, col - 1)
        if left is not None and left.row == r:
            at = grid.cells.index(left)
            grid.cells[at] = replace(left, colspan=left.colspan + tc.grid_span)
            for c in range(col, col + tc.grid_span):
                grid.claim(r, c, at)
            return True
    return False


def _cell_text(tc: Any, nested: list[tuple[Any, list[str]]]) -> str:
    """The cell's paragraphs joined with "\\n"; a nested table is set aside with the lines above it."""
    lines: list[str] = []
    since: list[str] = []  # the paragraphs since the last nested table
    for el in tc.iterchildren():
        if el.tag == qn("w:p"):
            lines.append(_text(el))
            since.append(lines[-1])
        elif el.tag == qn("w:tbl"):
            nested.append((el, since))
            since = []
    return "\n".join(lines).strip("\n")
