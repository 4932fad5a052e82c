"""PDF reader (pdfplumber): tables from their ruling lines, else from the text layer.

A cell is a rectangle pdfplumber finds between ruling lines; its row and column spans are
the grid lines it crosses, so a merged cell is one Cell. Its text is the characters whose
centre lies inside it, lines joined with "\\n". A page with text but no ruled table is read
with pdfplumber's text strategy (columns and rows from the words' alignment, no spans).

A table that runs on over a page break is one Table: the next page's first table continues
the previous page's last one when it has the same columns and no title of its own above
it. A header row repeated at the top of the continuation is dropped, and a merged cell cut
by the page break (an empty cell under a cell running to the bottom of the previous page)
is joined back into one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber.utils import extract_text

from generator.readers.common import broken, page_progress, title_and_context
from generator.tables import Cell, Finding, Reading, Table

FORMAT = "PDF"
TEXT_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text"}
SAME_COLUMN = 2.0  # points: column lines this close on two pages are the same column
# pdfminer logs every damaged operator of a broken file; what matters becomes a finding
logging.getLogger("pdfminer").setLevel(logging.ERROR)
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d+\s*(页)?\s*([/／]\s*(共\s*)?\d+\s*页?)?[-—–\s]*$")


@dataclass
class Piece:
    """One table as found on one page (rows numbered from 0 on that page)."""

    page: int
    cells: list[Cell]
    xs: list[float]  # column lines, left to right
    above: list[str]  # text lines printed between the previous table and this one
    ruled: bool
    first: bool  # the first table on its page
    last: bool  # the last table on its page


def read(path: Path, file: str) -> Reading:
    reading = Reading()
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:
        reading.findings.append(_open_failed(exc, path))
        return reading
    with pdf:
        try:
            pages = pdf.pages
        except Exception as exc:  # the page tree is parsed on first use
            reading.findings.append(_open_failed(exc, path))
            return reading
        reading.pages = len(pages)
        pieces: list[Piece] = []
        carried: list[str] = []  # text after the last table of a page: may title the next page's table
        for n, page in enumerate(page_progress(pages, file), start=1):
            try:
                carried = _page(page, n, carried, pieces, reading.findings)
            except Exception as exc:  # one unreadable page is reported; the others are still read
                reading.findings.append(broken(FORMAT, exc, page=n))
                carried = []
    reading.tables = _join(pieces, file)
    if not reading.tables and not reading.findings:
        reading.findings.append(("no-tables", {}))
    return reading


def _open_failed(exc: Exception, path: Path) -> Finding:
    causes = (exc, *exc.args)
    if any(isinstance(c, PDFEncryptionError) for c in causes):
        return ("pdf-encrypted", {})
    cause = next((c for c in exc.args if isinstance(c, Exception)), exc)
    return broken(FORMAT, str(cause) or type(cause).__name__, path)


def _page(page: Any, n: int, carried: list[str], pieces: list[Piece], findings: list[Finding]) -> list[str]:
    """Add the page's tables to pieces; return the text lines after its last table."""
    page = page.dedupe_chars()  # bold faked by printing each character twice reads once
    chars = page.chars
    if not chars:
        if page.images:
            findings.append(("pdf-scanned-page", {"page": n}))
        return []
    found, ruled = page.find_tables(), True
    if not found:
        found, ruled = page.find_tables(table_settings=TEXT_SETTINGS), False
    found = sorted(found, key=lambda t: (t.bbox[1], t.bbox[0]))
    lines = [
        (line["text"], (line["top"] + line["bottom"]) / 2)
        for line in page.extract_text_lines(return_chars=False)
        if not _PAGE_NUMBER.match(line["text"])
    ]
    above = list(carried)
    prev_bottom = -1.0
    for i, table in enumerate(found):
        top, bottom = table.bbox[1], table.bbox[3]
        above += [t for t, mid in lines if prev_bottom <= mid < top]
        cells, xs = _cells(table, chars, n)
        if not ruled:  # the text strategy puts an empty row between two lines of words
            cells = _without_empty_rows(cells)
        pieces.append(Piece(n, cells, xs, above, ruled, i == 0, i == len(found) - 1))
        above, prev_bottom = [], bottom
    return [t for t, mid in lines if mid >= prev_bottom]


def join_wrapped(text: str) -> str:
    """A PDF cell's lines are where the text wrapped to fit the cell, not the author's line
    breaks: join them, with a space only between two Latin words ("30002" + "0人/次" is one
    number, "按规定" + "保障人数" one name, "UPS" + "power" two words).

    >>> join_wrapped("300020\n0人/次"), join_wrapped("UPS\npower")
    ('3000200人/次', 'UPS power')
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    out = lines[0] if lines else ""
    for line in lines[1:]:
        out += (
            " "
            if out[-1:].isascii() and out[-1:].isalpha() and line[:1].isascii() and line[:1].isalpha()
            else ""
        ) + line
    return out


def _cells(table: Any, chars: list[dict[str, Any]], page: int) -> tuple[list[Cell], list[float]]:
    boxes = table.cells
    xs = _lines(x for b in boxes for x in (b[0], b[2]))
    ys = _lines(y for b in boxes for y in (b[1], b[3]))
    cells: dict[tuple[int, int], Cell] = {}
    for x0, top, x1, bottom in sorted(boxes, key=lambda b: (b[1], b[0])):
        r0, r1, c0, c1 = _at(ys, top), _at(ys, bottom), _at(xs, x0), _at(xs, x1)
        if r1 <= r0 or c1 <= c0 or (r0, c0) in cells:
            continue
        inside = [ch for ch in chars if _centre_in(ch, x0, top, x1, bottom)]
        text = join_wrapped(extract_text(inside)) if inside else ""
        cells[(r0, c0)] = Cell(r0, c0, text, r1 - r0, c1 - c0, page=page)
    return list(cells.values()), xs


def _without_empty_rows(cells: list[Cell]) -> list[Cell]:
    kept = sorted({c.row for c in cells if c.text.strip()})
    new = {r: i for i, r in enumerate(kept)}
    return [replace(c, row=new[c.row]) for c in cells if c.row in new]


def _lines(values: Any, tolerance: float = 1.0) -> list[float]:
    """Distinct coordinates, those closer than the tolerance taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _at(lines: list[float], v: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - v))


def _centre_in(ch: dict[str, Any], x0: float, top: float, x1: float, bottom: float) -> bool:
    x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return x0 <= x < x1 and top <= y < bottom


# ---- joining tables continued over a page break
def _join(pieces: list[Piece], file: str) -> list[Table]:
    tables: list[Table] = []
    firsts: list[Piece] = []
    last: Piece | None = None
    for piece in pieces:
        title, context = title_and_context(piece.above)
        if last is not None and not title and _continues(last, piece):
            _append(tables[-1], firsts[-1], piece)
        else:
            tables.append(
                Table(file, len(tables) + 1, piece.cells, title, context, page=piece.page, pages=[piece.page])
            )
            firsts.append(piece)
        last = piece
    return tables


def _continues(prev: Piece, piece: Piece) -> bool:
    return (
        prev.ruled
        and piece.ruled
        and prev.last
        and piece.first
        and piece.page == prev.page + 1
        and len(prev.xs) == len(piece.xs)
        and all(abs(a - b) <= SAME_COLUMN for a, b in zip(prev.xs, piece.xs, strict=True))
    )


def _append(table: Table, first: Piece, piece: Piece) -> None:
    skip = _repeated_header(first.cells, piece.cells)
    offset = table.n_rows - skip
    body = [replace(c, row=c.row + offset) for c in piece.cells if c.row >= skip]
    bottom = {(c.col, c.colspan): c for c in table.cells if c.row + c.rowspan == table.n_rows}
    for cell in [c for c in body if c.row == table.n_rows and not c.text.strip()]:
        above = bottom.get((cell.col, cell.colspan))
        if above is not None and (above.rowspan > 1 or cell.rowspan > 1):  # one merged cell, cut by the break
            table.cells[table.cells.index(above)] = replace(above, rowspan=above.rowspan + cell.rowspan)
            body.remove(cell)
    table.cells.extend(body)
    table.pages.append(piece.page)


def _repeated_header(first: list[Cell], cont: list[Cell]) -> int:
    """How many rows at the top of a continuation repeat the table's first rows (0 if none)."""

    def row(cells: list[Cell], r: int) -> list[tuple[int, int, int, str]]:
        return sorted((c.col, c.colspan, c.rowspan, "".join(c.text.split())) for c in cells if c.row == r)

    skip = 0
    for r in range(max((c.row for c in cont), default=-1) + 1):
        if not row(cont, r) or row(cont, r) != row(first, r):
            break
        if all(c.row + c.rowspan <= r + 1 for c in cont if c.row <= r):  # no span reaches below
            skip = r + 1
    return skip
