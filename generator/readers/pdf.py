"""PDF reader (pdfplumber): tables from their ruling lines, else from the text layer.

A cell is a rectangle pdfplumber finds between ruling lines; its row and column spans are
the grid lines it crosses, so a merged cell is one Cell. Its text is the characters whose
centre lies inside it, its wrapped lines joined (join_wrapped). A page with text but no
ruled table is read with pdfplumber's text strategy (columns and rows from the words'
alignment, no spans).

A table that runs on over a page break is one Table: the next page's first table continues
the previous page's last one when it has no title of its own above it and the same outer
edges, the column lines of one being all among the other's (a page of header and funds
rows shows fewer columns than a page of indicators: the table takes every line of both).
A header row repeated at the top of the continuation is dropped, and a merged cell cut by
the page break (an empty cell under a cell running to the bottom of the previous page) is
joined back into one.

A row the page break cuts (Word and LibreOffice let a row break across pages) is kept as
printed, one row on each page; the form reader reads the two as one (extract/form_pages.py).
What the reader can tell it: each cell of the row on the new page whose text goes on from
the cell above it is marked Cell.runs_on. It does when the cell above reaches the bottom of
the page and its first word had no room left on that cell's last line (or it starts with a
mark like "，" or "/" that no text starts with) - for every cell of the row with text, or
for none.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber.utils import cluster_objects, extract_text

from generator.readers.common import CONTEXT_LINES, broken, page_progress, title_and_context
from generator.tables import Cell, Finding, Reading, Table

FORMAT = "PDF"
TEXT_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text"}
SAME_COLUMN = 2.0  # points: column lines this close on two pages are the same column
WORD_GAP = 1.0  # points: a gap this wide between two Latin characters ends a word
# marks that close what goes before them: no line starts with one, nor does a cell's text
CLOSING = "，。、；：？！）》」』】〕”’%‰,.;:?!)]}/…·"
# pdfminer logs every damaged operator of a broken file; what matters becomes a finding
logging.getLogger("pdfminer").setLevel(logging.ERROR)
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d+\s*(页)?\s*([/／]\s*(共\s*)?\d+\s*页?)?[-—–\s]*$")


Chars = list[dict[str, Any]]  # pdfplumber characters
Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(frozen=True)
class Ends:
    """How a cell's text begins and ends on its page, in points: whether a cell at the bottom
    of a page was cut by the page break (its text runs on in the cell under it on the next)."""

    free: float  # the room left on its last line
    low: bool  # its last line is at the cell's bottom: no room for one more line below it
    word: float  # the room its first word takes on a line (a Chinese character, a Latin word or
    # a number, with the closing marks after it)
    em: float  # its first character's font size: Word and LibreOffice put a quarter of it
    # between Chinese and Latin text
    closing: bool  # it starts with a mark that closes what goes before it (，/%): it goes on


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
    ends: dict[tuple[int, int], Ends]  # by (row, col): the cells with text


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
    reading.tables = _join(pieces, file, carried)
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
        cells, xs, ends = _cells(table, chars, n)
        if not ruled:  # the text strategy puts an empty row between two lines of words
            cells, ends = _without_empty_rows(cells), {}
        pieces.append(Piece(n, cells, xs, above, ruled, i == 0, i == len(found) - 1, ends))
        above, prev_bottom = [], bottom
    return [t for t, mid in lines if mid >= prev_bottom]


def _cells(
    table: Any, chars: list[dict[str, Any]], page: int
) -> tuple[list[Cell], list[float], dict[tuple[int, int], Ends]]:
    boxes = table.cells
    xs = _lines(x for b in boxes for x in (b[0], b[2]))
    ys = _lines(y for b in boxes for y in (b[1], b[3]))
    found: dict[tuple[int, int], tuple[int, int, Box, Chars]] = {}
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        x0, top, x1, bottom = box
        r0, r1, c0, c1 = _at(ys, top), _at(ys, bottom), _at(xs, x0), _at(xs, x1)
        if r1 <= r0 or c1 <= c0 or (r0, c0) in found:
            continue
        inside = [ch for ch in chars if _centre_in(ch, x0, top, x1, bottom)]
        found[(r0, c0)] = (r1 - r0, c1 - c0, box, inside)
    # the cell padding: the least room left of any text (Word and LibreOffice pad every cell alike)
    pad = max(min((ch["x0"] - b[0] for _, _, b, inside in found.values() for ch in inside), default=0), 0)
    cells, ends = [], {}
    for (r, c), (rowspan, colspan, box, inside) in found.items():
        text = join_wrapped(extract_text(inside, keep_blank_chars=True)) if inside else ""
        cells.append(Cell(r, c, text, rowspan, colspan, page=page))
        if text:
            ends[(r, c)] = _ends(_text_lines(inside), box, room=box[2] - box[0] - 2 * pad)
    return cells, xs, ends


def _text_lines(chars: Chars) -> list[Chars]:
    """A cell's printed lines, top to bottom, each its characters left to right (spaces too)."""
    lines = cluster_objects(chars, "top", 3)  # pdfplumber's own y tolerance for a line
    return [sorted(ln, key=_x0) for ln in lines if any(ch["text"].strip() for ch in ln)]


def join_wrapped(text: str) -> str:
    r"""A PDF cell's lines are where the text wrapped to fit the cell, not the author's line
    breaks: join them, with a space only where the author typed one (LibreOffice prints it
    at the end of the line: "20. " + "188公里") or between two Latin words ("30002" + "0人/次"
    is one number, "按规定" + "保障人数" one name, "UPS" + "power" two words).

    >>> join_wrapped("300020\n0人/次"), join_wrapped("UPS\npower"), join_wrapped("20. \n188公里")
    ('3000200人/次', 'UPS power', '20. 188公里')
    """
    out, spaced = "", False
    for line in text.split("\n"):
        words = " ".join(line.split())
        if not words:
            continue
        latin = out[-1:].isascii() and out[-1:].isalpha() and words[0].isascii() and words[0].isalpha()
        out += (" " if out and (spaced or latin) else "") + words
        spaced = line[-1:].isspace()
    return out


def _word(chars: Chars) -> Chars:
    """The Latin word or number the characters start with (none when they start in Chinese)."""
    out: Chars = []
    for ch in chars:
        text = ch["text"]
        gap = out and max(ch["x0"] - out[-1]["x1"], out[-1]["x0"] - ch["x1"]) > WORD_GAP
        if not text.strip() or not text.isascii() or gap:
            break
        out.append(ch)
    return out


def _width(chars: Chars) -> float:
    return max(ch["x1"] for ch in chars) - min(ch["x0"] for ch in chars)


def _ends(lines: list[Chars], box: Box, room: float) -> Ends:
    last = [ch for ch in lines[-1] if ch["text"].strip()]
    first = [ch for ch in lines[0] if ch["text"].strip()]
    word = _word(first) or first[:1]
    rest = first[len(word) :]
    while rest and rest[0]["text"] in CLOSING:  # a closing mark goes with the word before it
        word, rest = [*word, rest[0]], rest[1:]
    low = max(ch["bottom"] for ch in last)
    height = low - min(ch["top"] for ch in last)
    closing = first[0]["text"] in CLOSING
    return Ends(room - _width(last), box[3] - low < height, _width(word), float(word[0]["size"]), closing)


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


def _x0(ch: dict[str, Any]) -> float:
    return float(ch["x0"])


def _centre_in(ch: dict[str, Any], x0: float, top: float, x1: float, bottom: float) -> bool:
    x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return x0 <= x < x1 and top <= y < bottom


# ---- joining tables continued over a page break
@dataclass
class _Joining:
    """A table being put together from its pieces, page after page."""

    table: Table
    xs: list[float]  # its column lines: every line of every piece so far
    head: list[Cell]  # its first piece's cells (in the table's columns): a header repeated below
    last: Piece


def _join(pieces: list[Piece], file: str, tail: list[str] | None = None) -> list[Table]:
    """Pieces into tables; the text between two tables is the lines after the first
    (signatures, 填报日期) and the title and context of the second."""
    done: list[_Joining] = []
    for piece in pieces:
        title, context = title_and_context(piece.above)
        if done and not title and _continues(done[-1].last, piece, done[-1].xs):
            _append(done[-1], piece)
        else:
            if done:
                done[-1].table.after = _first_lines(piece.above)
            table = Table(
                file, len(done) + 1, piece.cells, title, context, page=piece.page, pages=[piece.page]
            )
            done.append(_Joining(table, piece.xs, piece.cells, piece))
        done[-1].last = piece
    if done and tail:
        done[-1].table.after = _first_lines(tail)
    return [j.table for j in done]


def _first_lines(lines: list[str]) -> list[str]:
    return [t.strip() for t in lines if t.strip()][:CONTEXT_LINES]


def _continues(prev: Piece, piece: Piece, xs: list[float]) -> bool:
    """The first table of a page goes on with the last table of the page before when both are
    ruled and have the same outer edges, and one's column lines are all among the other's:
    a page of one-line texts and funds shows fewer columns than a page of indicators."""
    fewer, more = sorted((xs, piece.xs), key=len)
    return (
        prev.ruled
        and piece.ruled
        and prev.last
        and piece.first
        and piece.page == prev.page + 1
        and _near(fewer[0], more[0])
        and _near(fewer[-1], more[-1])
        and all(any(_near(x, y) for y in more) for x in fewer)
    )


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= SAME_COLUMN


def _regrid(cells: list[Cell], xs: list[float], to: list[float]) -> list[Cell]:
    """Cells of a grid with column lines `xs` in the grid of more lines `to`."""
    if len(xs) == len(to):
        return cells
    out = []
    for c in cells:
        col, end = _at(to, xs[c.col]), _at(to, xs[c.col + c.colspan])
        out.append(replace(c, col=col, colspan=max(end - col, 1)))
    return out


def _append(joining: _Joining, piece: Piece) -> None:
    table = joining.table
    xs = _lines([*joining.xs, *piece.xs], SAME_COLUMN)
    table.cells = _regrid(table.cells, joining.xs, xs)
    joining.head = _regrid(joining.head, joining.xs, xs)
    joining.xs = xs
    cells = _regrid(piece.cells, piece.xs, xs)
    skip = _repeated_header(joining.head, cells)
    cut = _runs_on(joining.last, piece, skip)
    offset = table.n_rows - skip
    body = [
        replace(c, row=c.row + offset, runs_on=(local.row, local.col) in cut)
        for c, local in zip(cells, piece.cells, strict=True)
        if c.row >= skip
    ]
    bottom = {(c.col, c.colspan): c for c in table.cells if c.row + c.rowspan == table.n_rows}
    for cell in [c for c in body if c.row == table.n_rows and not c.text.strip()]:
        above = bottom.get((cell.col, cell.colspan))
        if above is not None and (above.rowspan > 1 or cell.rowspan > 1):  # one merged cell, cut by the break
            table.cells[table.cells.index(above)] = replace(above, rowspan=above.rowspan + cell.rowspan)
            body.remove(cell)
    table.cells.extend(body)
    table.pages.append(piece.page)


def _runs_on(prev: Piece, piece: Piece, row: int) -> set[tuple[int, int]]:
    """The cells of `row` (the piece's first row, under a repeated header if any) that go on
    from the cell above them at the bottom of the page before: all its cells with text when
    each does (the cell above reaches the bottom of its page, and the first word had no room
    left on its last line, or the text starts with a closing mark); none when one of them
    starts a row of its own."""
    n = max((c.row + c.rowspan for c in prev.cells), default=0)
    bottom = [c for c in prev.cells if c.row + c.rowspan == n]
    out = set()
    for cell in (c for c in piece.cells if c.row == row and c.text.strip()):
        x0, x1 = piece.xs[cell.col], piece.xs[cell.col + cell.colspan]
        up = next(
            (c for c in bottom if _near(prev.xs[c.col], x0) and _near(prev.xs[c.col + c.colspan], x1)), None
        )
        above, below = prev.ends.get((up.row, up.col)) if up else None, piece.ends.get((cell.row, cell.col))
        if above is None or below is None or not above.low:
            return set()
        if not below.closing and below.word <= above.free - below.em / 4:
            return set()
        out.add((cell.row, cell.col))
    return out


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
