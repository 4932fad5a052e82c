"""One reader per file format, each `read(path, file) -> Reading` (generator.tables).

A reader never raises on a bad document: what it cannot read becomes a finding (a catalogue
code and its values, position included) and whatever it could read is still returned.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from generator.readers import docx, html, pdf, xlsx
from generator.tables import Reading

Reader = Callable[[Path, str], Reading]

BY_SUFFIX: dict[str, Reader] = {
    ".pdf": pdf.read,
    ".docx": docx.read,
    ".xlsx": xlsx.read,
    ".xlsm": xlsx.read,
    ".html": html.read,
    ".htm": html.read,
}
TEXT_SUFFIXES = frozenset((".txt",))  # text exports are read by generator.extract, not here


def reader_for(path: Path, data: bytes | None = None) -> Reader | None:
    """The reader for a document: by its first bytes (data, when the caller has read them
    already), else by its extension; None for text exports and for formats no reader handles
    (.doc, .xls: the pipeline reports them). Content wins over the name: counties publish
    HTML tables saved as .xls and PDFs named .doc."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return None
    sniffed = _sniff(path, data)
    if sniffed is None and BY_SUFFIX.get(suffix) is html.read:
        return None  # named .html but no page markup: a text export, read as text
    return sniffed or BY_SUFFIX.get(suffix)


def _sniff(path: Path, data: bytes | None) -> Reader | None:
    try:
        head = data[:4096] if data is not None else _head(path)
        if b"%PDF-" in head[:1024]:  # the header may follow a few bytes of junk
            return pdf.read
        if head.startswith(b"PK\x03\x04"):
            return _office(io.BytesIO(data) if data is not None else path)
    except (OSError, zipfile.BadZipFile):  # unreadable, or a cut zip (no directory)
        return None
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<table" in head:
        return html.read
    return None


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(4096)


def _office(source: Path | io.BytesIO) -> Reader | None:
    """A zip package: Word or Excel by the part it holds."""
    with zipfile.ZipFile(source) as z:
        names = set(z.namelist())
    if "word/document.xml" in names:
        return docx.read
    if "xl/workbook.xml" in names:
        return xlsx.read
    return None
