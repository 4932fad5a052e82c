"""One reader per file format, each `read(path, file) -> Reading` (generator.tables).

A reader never raises on a bad document: what it cannot read becomes a finding (a catalogue
code and its values, position included) and whatever it could read is still returned.
A reader's module (and its library: pdfplumber, python-docx, openpyxl, xlrd, lxml) is
imported when a document of its format is first read, so commands that read none start fast.
"""

from __future__ import annotations

import importlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from generator.tables import Reading


@dataclass(frozen=True)
class Reader:
    """The reader of one format: its module in generator.readers, imported on first use."""

    module: str

    def __call__(self, path: Path, file: str) -> Reading:
        read = importlib.import_module(f"generator.readers.{self.module}").read
        reading: Reading = read(path, file)
        return reading


PDF, DOCX, XLSX, XLS, HTML = Reader("pdf"), Reader("docx"), Reader("xlsx"), Reader("xls"), Reader("html")
BY_SUFFIX: dict[str, Reader] = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".xlsm": XLSX,
    ".xls": XLS,
    ".html": HTML,
    ".htm": HTML,
}
# the first bytes of an OLE2 compound file: Excel 97–2003 (.xls), and Word 97–2003 (.doc)
OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
TEXT_SUFFIXES = frozenset((".txt",))  # text exports are read by generator.extract, not here


def reader_for(path: Path, data: bytes | None = None) -> Reader | None:
    """The reader for a document: by its first bytes (data, when the caller has read them
    already), else by its extension; None for text exports and for formats no reader handles
    (.doc, .wps: the pipeline reports them). Content wins over the name: counties publish
    HTML tables saved as .xls and PDFs named .doc."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return None
    sniffed = _sniff(path, data)
    if sniffed is None and BY_SUFFIX.get(suffix) == HTML:
        return None  # named .html but no page markup: a text export, read as text
    return sniffed or BY_SUFFIX.get(suffix)


def _sniff(path: Path, data: bytes | None) -> Reader | None:
    try:
        head = data[:4096] if data is not None else _head(path)
        if b"%PDF-" in head[:1024]:  # the header may follow a few bytes of junk
            return PDF
        if head.startswith(b"PK\x03\x04"):
            return _office(io.BytesIO(data) if data is not None else path)
        if head.startswith(OLE2):  # a Word 97 .doc is OLE2 too: only a name saying .xls is read
            return XLS if path.suffix.lower() == ".xls" else None
    except (OSError, zipfile.BadZipFile):  # unreadable, or a cut zip (no directory)
        return None
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<table" in head:
        return HTML
    return None


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(4096)


def _office(source: Path | io.BytesIO) -> Reader | None:
    """A zip package: Word or Excel by the part it holds."""
    with zipfile.ZipFile(source) as z:
        names = set(z.namelist())
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None
