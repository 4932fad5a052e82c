"""Excel (.xlsx) reader: each sheet's used range is one table, merged ranges are spans.

The workbook is loaded twice: with data_only=True for the values Excel cached when it last
saved, and as written to see which cells hold formulas. A formula without a cached value
reads as "" with a formula-uncached finding; formulas are never evaluated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from generator.readers.common import broken, title_and_context
from generator.tables import Cell, Finding, Reading, Table

FORMAT = "Excel"
Box = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col (1-based, inclusive)


def read(path: Path, file: str) -> Reading:
    reading = Reading()
    try:
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # zip, XML and openpyxl's own errors alike
        reading.findings.append(broken(FORMAT, str(exc) or exc, path))
        return reading
    sheets = [
        (ws.title, partial(_sheet, ws, formulas[ws.title], file, findings=reading.findings))
        for ws in values.worksheets
    ]
    return read_sheets(reading, FORMAT, sheets)


def read_sheets(
    reading: Reading, fmt: str, sheets: Sequence[tuple[str, Callable[[int], Table | None]]]
) -> Reading:
    """Each sheet's table (its maker is given the table's number); one bad sheet is
    reported and the others are still read; a workbook of empty sheets says so."""
    for name, make in sheets:
        try:
            table = make(len(reading.tables) + 1)
        except Exception as exc:
            reading.findings.append(broken(fmt, exc, sheet=name))
            continue
        if table is not None:
            reading.tables.append(table)
    if not reading.tables and not reading.findings:
        reading.findings.append(("no-tables", {}))
    return reading


def _sheet(ws: Any, fws: Any, file: str, index: int, findings: list[Finding]) -> Table | None:
    merged = {
        (r.min_row, r.min_col): (r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges
    }
    covered = _covered(merged)
    texts: dict[tuple[int, int], str] = {}
    for row in fws.iter_rows():
        for fcell in row:
            pos = (fcell.row, fcell.column)
            if pos in covered and pos not in merged:
                continue  # under a merged range: Excel keeps only the top-left value
            text = _text(ws.cell(*pos), fcell, ws.title, findings)
            if text or pos in merged:
                texts[pos] = text
    return sheet_table(texts, merged, file, index, ws.title)


def _covered(merged: dict[tuple[int, int], Box]) -> set[tuple[int, int]]:
    return {(r, c) for b in merged.values() for r in range(b[0], b[2] + 1) for c in range(b[1], b[3] + 1)}


def sheet_table(
    texts: dict[tuple[int, int], str], merged: dict[tuple[int, int], Box], file: str, index: int, sheet: str
) -> Table | None:
    """One sheet's cells (1-based positions; merged ranges by their top-left cell) as a Table:
    the one-cell rows above the grid are its title and context, every grid position a cell."""
    if not any(texts.values()):  # nothing written on the sheet (empty merged ranges at most)
        return None
    covered = _covered(merged)
    boxes = {pos: merged.get(pos, (*pos, *pos)) for pos in texts}
    lead, start = _lead_rows(boxes, texts)
    title, context = title_and_context(lead)
    kept = {pos: b for pos, b in boxes.items() if b[0] >= start}
    left = min(b[1] for b in kept.values())
    bottom, right = max(b[2] for b in kept.values()), max(b[3] for b in kept.values())
    for r in range(start, bottom + 1):  # every grid position is a cell, as in Word and HTML tables
        for c in range(left, right + 1):
            if (r, c) not in covered and (r, c) not in kept:
                kept[(r, c)] = (r, c, r, c)
    cells = [
        Cell(b[0] - start, b[1] - left, texts.get(pos, ""), b[2] - b[0] + 1, b[3] - b[1] + 1, ref=_ref(pos))
        for pos, b in sorted(kept.items())
    ]
    return Table(file, index, cells, title=title or sheet, context=context, sheet=sheet)


def _ref(pos: tuple[int, int]) -> str:
    return f"{get_column_letter(pos[1])}{pos[0]}"


def _lead_rows(boxes: dict[tuple[int, int], Box], texts: dict[tuple[int, int], str]) -> tuple[list[str], int]:
    """The rows above the grid that hold one cell each (title, 单位：万元), and the grid's first row.
    A sheet of nothing but such rows (a list, not a form) keeps them all in its grid."""
    by_row: dict[int, list[tuple[int, int]]] = {}
    for pos, box in boxes.items():
        if texts[pos]:
            by_row.setdefault(box[0], []).append(pos)
    lead: list[str] = []
    for row in sorted(by_row):
        cells = by_row[row]
        if len(cells) > 1 or boxes[cells[0]][2] != row:
            return lead, row
        lead.append(texts[cells[0]])
    return [], min(by_row)


def _text(cell: Any, fcell: Any, sheet: str, findings: list[Finding]) -> str:
    formula = _formula(fcell)
    value = cell.value
    if formula and value is None:
        findings.append(("formula-uncached", {"sheet": sheet, "cell": fcell.coordinate, "formula": formula}))
        return ""
    return format_value(value, cell.number_format)


def _formula(fcell: Any) -> str:
    value = fcell.value
    if isinstance(value, ArrayFormula):
        return str(value.text or "")
    if isinstance(value, DataTableFormula):
        return "=TABLE()"
    return str(value) if fcell.data_type == "f" and isinstance(value, str) else ""


def format_value(value: object, number_format: str) -> str:
    """The cell as text: numbers as written (a percent format as shown), dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if "%" in number_format:
            decimals = len(number_format.split(".")[1].split("%")[0]) if "." in number_format else 0
            return f"{value * 100:.{decimals}f}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
