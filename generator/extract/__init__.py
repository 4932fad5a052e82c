"""Stage 2: published documents -> project records.

`run_extract` reads every document listed in data/sources.yaml, lets the
matching layout module find its tables, fills in what the pipeline knows
(region, year, ids, quality flags), overlays the maintainers' corrections and
writes data/records/ plus data/extract-report.md. A document that cannot be
read, or a table that cannot be parsed, is reported and the rest goes on.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from generator import quality
from generator.extract.layouts import LAYOUTS, detect_layout
from generator.model import ExtractedTable, Record
from generator.paths import Paths
from generator.problems import ERROR, WARNING, Report
from generator.records import apply_corrections, assign_ids, write_records
from generator.sources import Document, load_sources, read_documents

# what a project name may not contain without a warning: it is shown literally,
# but a maintainer should know the document carries markup
_MARKUP = re.compile(r"<[A-Za-z/!]|\[[^\]]*\]\(|[*_`|#]{1}|javascript:", re.IGNORECASE)


@dataclass
class DocStats:
    file: str
    layout: str
    tables_found: int = 0
    records: int = 0
    merged: int = 0
    partial: int = 0
    failed: int = 0
    duplicates: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ExtractOutcome:
    report: Report
    stats: list[DocStats]
    records: dict[str, dict[str, Any]]
    corrections_applied: int = 0


def _layout_hint() -> str:
    names = ", ".join(m.NAME for m in LAYOUTS)
    return (
        f"known layouts: {names}; each expects tables titled …项目支出绩效目标表 in its own cell "
        "format. Add a layout module in generator/extract/layouts/ for a new format."
    )


def _first_title_line(lines: list[str]) -> int:
    for n, line in enumerate(lines, 1):
        if "绩效目标" in line:
            return n
    return 1


def _extract_document(doc: Document, paths: Paths, report: Report) -> tuple[DocStats, list[Record]]:
    rel = paths.rel(doc.path)
    layout = detect_layout(doc.lines)
    if layout is None:
        report.add(
            rel,
            _first_title_line(doc.lines),
            "unknown-layout",
            ERROR,
            "no known layout matches this document; nothing was extracted from it",
            _layout_hint(),
        )
        return DocStats(doc.source.file, "unknown"), []
    stats = DocStats(doc.source.file, layout.NAME)
    try:
        result = layout.extract(doc.lines, doc.source.file)
    except Exception as exc:  # a bug in a layout must not stop the other documents
        where = traceback.extract_tb(exc.__traceback__)[-1]
        report.add(
            rel,
            0,
            "extractor-error",
            ERROR,
            f"layout {layout.NAME} crashed: {exc!r} at {where.filename}:{where.lineno}",
            "this is a bug in the extractor: please report it with this document",
        )
        return stats, []
    records = [_account(t, doc, rel, stats, report) for t in result.tables]
    for line, message in result.notes:
        report.add(rel, line, "layout-note", WARNING, message)
    return stats, [r for r in records if r is not None]


def _account(
    table: ExtractedTable, doc: Document, rel: str, stats: DocStats, report: Report
) -> Record | None:
    """Count one table in the document's stats and return its record, if any."""
    stats.tables_found += 1 + len(table.merged_from)
    stats.merged += len(table.merged_from)
    if table.record is None or table.status == "failed":
        stats.failed += 1
        stats.failures.append((table.line_start, table.reason))
        report.add(
            rel,
            table.line_start,
            "table-failed",
            ERROR,
            f"table at lines {table.line_start}-{table.line_end} not extracted: {table.reason}",
            "fix the layout module or add the project by hand in data/corrections/",
        )
        return None
    if table.status == "partial":
        stats.partial += 1
        report.add(
            rel,
            table.line_start,
            "table-partial",
            WARNING,
            f"table at lines {table.line_start}-{table.line_end} is incomplete: {table.reason}",
            "the record is published with what the table carries and flagged",
        )
    rec = table.record
    rec.year, rec.province, rec.region = doc.source.year, doc.source.province, doc.source.region
    if _MARKUP.search(rec.project_name):
        report.add(
            rel,
            table.line_start,
            "markup-in-text",
            WARNING,
            f"project name contains markup characters: {rec.project_name!r}",
            "it is published as literal text; check the source if this looks wrong",
        )
    stats.records += 1
    return rec


def _check_unique(records: list[Record], report: Report) -> None:
    seen: dict[str, Record] = {}
    for rec in records:
        other = seen.setdefault(rec.project_id, rec)
        if other is not rec:
            report.add(
                f"data/raw/{rec.source.file}",
                rec.source.line_start,
                "duplicate-id",
                ERROR,
                f"project id {rec.project_id} also given to line {other.source.line_start}",
                "this is a bug in generator.records.assign_ids",
            )


def run_extract(
    paths: Paths, progress: Callable[[Iterable[Document]], Iterable[Document]] | None = None
) -> ExtractOutcome:
    report = Report()
    sources = load_sources(paths, report)
    docs = read_documents(paths, sources, report)
    stats: list[DocStats] = []
    records: list[Record] = []
    for doc in progress(docs) if progress else docs:
        doc_stats, doc_records = _extract_document(doc, paths, report)
        stats.append(doc_stats)
        records.extend(doc_records)
    quality.compute_flags(records)
    assign_ids(records, {s.region: s.slug for s in sources})
    _check_unique(records, report)
    by_file = {s.file: s for s in stats}
    for rec in records:
        if "duplicate_submission" in rec.quality_flags:
            by_file[rec.source.file].duplicates += 1
    data = {r.project_id: r.to_dict() for r in records}
    applied = apply_corrections(paths, data, report)
    write_records(paths, data)
    outcome = ExtractOutcome(report, stats, data, applied)
    paths.extract_report.write_text(render_report(outcome, paths), encoding="utf-8")
    return outcome


def render_report(outcome: ExtractOutcome, paths: Paths) -> str:
    """The extract report as Markdown: deterministic, committed, reviewed in diffs."""
    out = [
        "# Extract report",
        "",
        "Generated by `budget-site extract`; every table of every document is accounted for.",
        "",
        "| document | layout | tables found | records | merged | partial | failed | duplicates flagged |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in outcome.stats:
        out.append(
            f"| {s.file} | {s.layout} | {s.tables_found} | {s.records} | {s.merged} | "
            f"{s.partial} | {s.failed} | {s.duplicates} |"
        )
    total = sum(s.records for s in outcome.stats)
    out += [
        "",
        f"{total} records, {outcome.corrections_applied} corrected fields from data/corrections/.",
        "",
        "## Problems",
        "",
    ]
    issues = outcome.report.sorted()
    out += [f"- `{i.format().splitlines()[0]}`" for i in issues] or ["none"]
    flags: dict[str, int] = {}
    for rec in outcome.records.values():
        for code in rec["quality_flags"]:
            flags[code] = flags.get(code, 0) + 1
    out += ["", "## Quality flags", "", "| flag | records |", "| --- | ---: |"]
    out += [f"| {code} | {flags[code]} |" for code in sorted(flags)]
    return "\n".join(out) + "\n"
