"""Excel 97–2003 (.xls) reader (xlrd): each sheet's used range is one table, merged ranges
are spans, as in the .xlsx reader whose grid it shares.

xlrd reads the values Excel saved; formulas are never evaluated (the .xls format keeps a
formula's last result, which is what is read). Numbers keep their percent format and dates
are ISO dates, as in .xlsx.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import xlrd

from generator.readers.common import broken
from generator.readers.xlsx import Box, format_value, read_sheets, sheet_table
from generator.tables import Reading

FORMAT = "Excel 97–2003"


def read(path: Path, file: str) -> Reading:
    reading = Reading()
    try:
        book = xlrd.open_workbook(path, formatting_info=True, on_demand=True)
    except Exception as exc:  # not an .xls (a Word 97 file), cut, or encrypted
        reading.findings.append(broken(FORMAT, str(exc) or exc, path))
        return reading
    sheets = [(sheet.name, partial(_sheet, book, sheet, file)) for sheet in book.sheets()]
    return read_sheets(reading, FORMAT, sheets)


def _sheet(book: Any, sheet: Any, file: str, index: int) -> Any:
    # xlrd's ranges are 0-based, half-open: (rlo, rhi, clo, chi)
    merged: dict[tuple[int, int], Box] = {
        (rlo + 1, clo + 1): (rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sheet.merged_cells
    }
    covered = {(r, c) for b in merged.values() for r in range(b[0], b[2] + 1) for c in range(b[1], b[3] + 1)}
    texts: dict[tuple[int, int], str] = {}
    for r in range(sheet.nrows):
        for c in range(sheet.ncols):
            pos = (r + 1, c + 1)
            if pos in covered and pos not in merged:
                continue
            text = _text(book, sheet.cell(r, c))
            if text or pos in merged:
                texts[pos] = text
    return sheet_table(texts, merged, file, index, sheet.name)


def _text(book: Any, cell: Any) -> str:
    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind == xlrd.XL_CELL_DATE:
        return format_value(xlrd.xldate_as_datetime(value, book.datemode), "")
    if kind == xlrd.XL_CELL_NUMBER:
        return format_value(value, _number_format(book, cell))
    return str(value)


def _number_format(book: Any, cell: Any) -> str:
    xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
    fmt = book.format_map.get(xf.format_key) if xf is not None else None
    return str(fmt.format_str) if fmt is not None else ""
