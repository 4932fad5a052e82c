"""Documents read by a format reader (PDF, Word, Excel, HTML): their tables through the
one form reader.

Every table is accounted for: a performance table becomes a record (or a failed table
with its reason); any other table is listed in the extract report by its title as "not
a performance table"; a document with none says so.
"""

from __future__ import annotations

from typing import Any

from generator.extract import spreadsheet
from generator.extract.form import is_performance_table, read_forms
from generator.extract.vocabulary import load_vocabulary
from generator.model import ExtractedTable, LayoutResult, Record
from generator.problems import Report
from generator.tables import Reading, Table

NAME = "tables"  # the layout name records read this way carry in source.layout


def _position(table: Table) -> dict[str, object]:
    where = table.position()
    return {k: v for k, v in where.items() if k != "line"}


def _keep_extra(record: Record, extra: dict[str, Any]) -> None:
    """What the table prints and the model has no field for, kept by its printed label."""
    record.extra = {str(k): str(v) for k, v in extra.items() if isinstance(v, str) and v}
    for ind, more in zip(record.indicators, extra.get("indicators") or [], strict=False):
        ind.extra = {str(k): str(v) for k, v in more.items() if v}


def extract_reading(reading: Reading, rel: str, report: Report) -> LayoutResult:
    vocab = load_vocabulary()
    result = LayoutResult()
    if not reading.tables:
        if not any(code in ("no-tables", "pdf-encrypted", "document-broken") for code, _ in reading.findings):
            report.add("no-tables", rel)
        return result
    data = [t for t in reading.tables if spreadsheet.data_kind(t)]
    result.tables += spreadsheet.read_tables(data)
    if not result.tables:
        result.indicator_rows = spreadsheet.indicator_rows(data)
    rest = [t for t in reading.tables if t not in data]
    others = 0
    for table in rest:
        if not is_performance_table(table, vocab):
            others += 1
            report.add("not-performance-table", rel, title=table.title or "（无标题）", **_position(table))
            continue
        for form in read_forms(table, vocab):
            start, end = max(form.line_start, 1), max(form.line_end, form.line_start, 1)
            extracted = ExtractedTable(start, end, form.record, form.status, form.reason)
            extracted.position = _position(table)
            if form.record is not None:
                src = form.record.source
                src.layout, src.sheet = NAME, table.sheet
                src.page, src.table = table.page or None, table.index or None
                _keep_extra(form.record, form.extra)
            result.tables.append(extracted)
    if rest and others == len(rest) and not data:
        report.add("no-performance-table", rel, count=others)
    return result
