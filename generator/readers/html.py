"""HTML reader (lxml.html): every <table>, rowspan and colspan placed as a browser places them.

The page is decoded with its meta charset (GB2312 and GBK read as their superset GB18030),
else as UTF-8, else as GB18030. A cell's <br> and block elements are line breaks; other
whitespace collapses as in a browser. The title is the nearest text printed before the table
(a heading, a paragraph, or the table's own <caption>).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import lxml.html

from generator.readers.common import GridFiller, broken, title_and_context
from generator.tables import Reading, Table

FORMAT = "HTML"
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}
BLOCKS = frozenset(
    "address article aside blockquote caption dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
_SKIP = frozenset(("script", "style", "head", "title", "noscript", "template"))
_SPACE = re.compile(r"[ \t\r\n\f]+")


def read(path: Path, file: str) -> Reading:
    reading = Reading()
    try:
        doc = lxml.html.document_fromstring(decode(path.read_bytes()))
    except Exception as exc:  # unreadable file, empty document, parser failure
        reading.findings.append(broken(FORMAT, exc, path))
        return reading
    _walk(doc, [], reading, file)
    if not reading.tables:
        reading.findings.append(("no-tables", {}))
    return reading


def decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    found = _CHARSET.search(data[:4096])
    if found:
        name = found.group(1).decode("ascii", errors="replace").lower()
        try:
            return data.decode(_SUPERSET.get(name, name), errors="replace")
        except LookupError:  # an unknown charset name: fall through to the guesses
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _walk(el: Any, lines: list[str], reading: Reading, file: str) -> None:
    """Text outside tables is remembered as lines; each table takes the lines before it."""
    if el.text and el.text.strip():
        lines.append(_SPACE.sub(" ", el.text).strip())
    for child in el:
        if isinstance(child.tag, str) and child.tag.lower() == "table":
            _table(child, lines, reading, file)
            lines.clear()
        elif isinstance(child.tag, str) and child.tag.lower() not in _SKIP:
            if _has_table(child):
                _walk(child, lines, reading, file)
            else:
                lines.extend(t for t in cell_text(child).split("\n") if t)
        if child.tail and child.tail.strip():
            lines.append(_SPACE.sub(" ", child.tail).strip())


def _has_table(el: Any) -> bool:
    return any(True for _ in el.iter("table"))


def _rows(table: Any) -> list[Any]:
    """The table's own rows in order (not those of tables nested in its cells)."""
    return list(table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"))


def _table(table: Any, lines: list[str], reading: Reading, file: str) -> None:
    index = len(reading.tables) + 1
    caption = table.find("caption")
    above = [*lines, cell_text(caption).replace("\n", " ")] if caption is not None else lines
    title, context = title_and_context(above)
    result = Table(file, index, title=title, context=context)
    reading.tables.append(result)
    cells: list[Any] = []
    try:
        grid = GridFiller()
        rows = _rows(table)
        for r, tr in enumerate(rows):
            col = 0
            for td in tr.xpath("./td | ./th"):
                rowspan = _span(td.get("rowspan"), len(rows) - r)
                colspan = _span(td.get("colspan"), 1000)
                col = grid.place(r, col, cell_text(td), rowspan, colspan).col + colspan
                cells.append(td)
        result.cells = grid.clamped(len(rows))
    except Exception as exc:  # a table lxml parsed but we cannot place is reported; the rest is read
        reading.findings.append(broken(FORMAT, exc, cell=f"表{index}"))
    for td in cells:  # tables nested in a cell follow their table, titled by the text before them
        if _has_table(td):
            _walk(td, [], reading, file)


def _span(value: str | None, limit: int) -> int:
    """rowspan/colspan as browsers read them: leading digits, 0 or junk as 1 (rowspan=0 to the end)."""
    digits = re.match(r"\s*(\d+)", value or "")
    n = int(digits.group(1)) if digits else 1
    return limit if n == 0 and limit < 1000 else max(1, min(n, limit))


def cell_text(el: Any) -> str:
    """An element's text: <br> and block elements as line breaks, nested tables left out."""
    parts: list[str] = []
    _collect(el, parts)
    text = "".join(parts)
    return "\n".join(t.strip() for t in text.split("\n") if t.strip())


def _collect(el: Any, parts: list[str]) -> None:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if el.text and tag not in _SKIP:
        parts.append(_SPACE.sub(" ", el.text))
    for child in el:
        ctag = child.tag.lower() if isinstance(child.tag, str) else ""
        if ctag == "br":
            parts.append("\n")
        elif ctag == "table" or ctag in _SKIP or not ctag:
            pass  # a nested table is a table of its own; comments and scripts are not text
        else:
            block = ctag in BLOCKS
            parts.append("\n" if block else "")
            _collect(child, parts)
            parts.append("\n" if block else "")
        if child.tail:
            parts.append(_SPACE.sub(" ", child.tail))
