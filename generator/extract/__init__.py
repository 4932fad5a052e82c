"""Stage 2: published documents -> project records.

`run_extract` reads every document listed in data/sources.yaml, lets the matching
layout module find its tables, fills in what the pipeline knows (region, year, ids),
overlays the maintainers' corrections, validates each record through the model,
computes the quality flags on the corrected records, and writes data/records/ plus
data/extract-report.md. A document that cannot be read, or a table that cannot be
parsed, is reported and the rest goes on; when data/sources.yaml itself cannot be
read nothing is rewritten.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from generator import quality
from generator.corrections import apply_corrections, load_corrections
from generator.extract import published, spreadsheet, tabular
from generator.extract.completeness import truncated_tail
from generator.extract.layouts import LAYOUTS, detect_layout
from generator.model import ExtractedTable, Indicator, Record
from generator.paths import Paths
from generator.problems import Report
from generator.records import assign_ids, write_records
from generator.schema_errors import describe, dotted, field_path
from generator.sources import Document, load_sources, mentioned_files, read_documents

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
    indicator_rows: int = 0  # a workbook of indicators only (our indicators.xlsx): rows given to records


@dataclass
class ExtractOutcome:
    report: Report
    stats: list[DocStats]
    records: dict[str, dict[str, Any]]
    corrections_applied: int = 0
    written: bool = True  # False when data/sources.yaml could not be read: nothing was rewritten
    kept: int = 0  # published records kept as they were (their region's slug change was refused)
    by_file: dict[str, DocStats] = field(default_factory=dict)


def _first_title_line(lines: list[str]) -> int:
    for n, line in enumerate(lines, 1):
        if "绩效目标" in line:
            return n
    return 1


def _extract_document(
    doc: Document, paths: Paths, report: Report, pool: dict[str, list[dict[str, Any]]]
) -> tuple[DocStats, list[Record]]:
    rel = paths.rel(doc.path)
    if doc.reading is not None:
        stats = DocStats(doc.source.file, tabular.NAME)
        result = tabular.extract_reading(doc.reading, rel, report)
        pool.update(result.indicator_rows)
        stats.indicator_rows = sum(len(v) for v in result.indicator_rows.values())
        records = [_account(t, doc, rel, stats, report) for t in result.tables]
        return stats, [r for r in records if r is not None]
    layout = detect_layout(doc.lines)
    if layout is None:
        layouts = "、".join(m.NAME for m in LAYOUTS)
        report.add("unknown-layout", rel, _first_title_line(doc.lines), layouts=layouts)
        return DocStats(doc.source.file, "unknown"), []
    stats = DocStats(doc.source.file, layout.NAME)
    try:
        result = layout.extract(doc.lines, doc.source.file)
    except Exception as exc:  # a bug in a layout must not stop the other documents
        where = traceback.extract_tb(exc.__traceback__)[-1]
        report.add(
            "extractor-error",
            rel,
            layout=layout.NAME,
            error=repr(exc),
            where=f"{where.filename}:{where.lineno}",
        )
        return stats, []
    for index, missing in truncated_tail(result.tables, doc.lines):
        _mark_truncated(result.tables[index], missing)
    records = [_account(t, doc, rel, stats, report) for t in result.tables]
    for code, line, values in result.notes:
        report.add(code, rel, line, **values)
    return stats, [r for r in records if r is not None]


def _mark_truncated(table: ExtractedTable, missing: str) -> None:
    if table.record is None or "table_truncated" in table.record.quality_flags:
        return
    table.record.flag("table_truncated", table.line_end, missing=missing)
    table.status, table.reason = "partial", f"文件在表中结束，缺少{missing}"


def _account(
    table: ExtractedTable, doc: Document, rel: str, stats: DocStats, report: Report
) -> Record | None:
    """Count one table in the document's stats and return its record, if any."""
    stats.tables_found += 1 + len(table.merged_from)
    stats.merged += len(table.merged_from)
    span = {"line_start": table.line_start, "line_end": table.line_end, **table.position}
    line = 0 if table.position else table.line_start
    if table.record is None or table.status == "failed":
        stats.failed += 1
        report.add("table-failed", rel, line, reason=table.reason, **span)
        return None
    if table.status == "partial":
        stats.partial += 1
        report.add("table-partial", rel, line, reason=table.reason, **span)
    rec = table.record
    rec.year, rec.province, rec.region = doc.source.year, doc.source.province, doc.source.region
    if _MARKUP.search(rec.project_name):
        report.add("markup-in-text", rel, table.line_start, name=repr(rec.project_name))
    stats.records += 1
    return rec


def _check_unique(records: list[Record], report: Report) -> list[Record]:
    seen: dict[str, Record] = {}
    for rec in records:
        other = seen.setdefault(rec.project_id, rec)
        if other is not rec:
            report.add(
                "duplicate-id",
                f"data/raw/{rec.source.file}",
                rec.source.line_start,
                project_id=rec.project_id,
                other_line=other.source.line_start,
            )
    return list(seen.values())


def _validated(data: dict[str, dict[str, Any]], by_file: dict[str, DocStats], report: Report) -> list[Record]:
    """Each corrected record through the model; one that fails is reported at its table and skipped."""
    out: list[Record] = []
    for pid, rec in data.items():
        try:
            out.append(Record.model_validate(rec))
        except ValidationError as exc:
            err = exc.errors()[0]
            src = rec["source"]
            report.add(
                "record-invalid",
                f"data/raw/{src['file']}",
                src["line_start"],
                line_start=src["line_start"],
                line_end=src["line_end"],
                field=dotted(field_path(err)),
                problem=describe(err),
                project_id=pid,
            )
            stats = by_file[src["file"]]
            stats.records, stats.failed = stats.records - 1, stats.failed + 1
    return out


def _link_indicators(records: list[Record], pool: dict[str, list[dict[str, Any]]], report: Report) -> None:
    """Indicator rows from a workbook of indicators only go to the spreadsheet records
    whose key (still in project_id) they name."""
    for rec in records:
        rows = pool.get(rec.project_id, [])
        if not rows or rec.indicators or rec.source.layout != spreadsheet.NAME:
            continue
        try:
            rec.indicators = [Indicator.model_validate(row) for row in rows]
        except ValidationError as exc:
            err = exc.errors()[0]
            report.add(
                "record-invalid",
                f"data/raw/{rec.source.file}",
                line_start=rec.source.line_start,
                line_end=rec.source.line_end,
                field=f"indicators.{dotted(field_path(err))}",
                problem=describe(err),
                project_id=rec.project_id,
                sheet=rec.source.sheet,
            )


def _no_projects(docs: list[Document], stats: list[DocStats], paths: Paths, report: Report) -> None:
    for doc, s in zip(docs, stats, strict=True):
        if s.records == 0 and s.layout != "unknown" and s.failed == 0 and not s.indicator_rows:
            report.add("no-projects", paths.rel(doc.path), region=doc.source.region)


def run_extract(
    paths: Paths, progress: Callable[[Iterable[Document]], Iterable[Document]] | None = None
) -> ExtractOutcome:
    report = Report()
    sources = load_sources(paths, report)
    if sources is None:
        return ExtractOutcome(report, [], {}, written=False)
    before = published.published_regions(paths)
    accepted, kept = published.check_slugs(before, paths, sources, report)
    docs = read_documents(paths, accepted, report)
    stats: list[DocStats] = []
    records: list[Record] = []
    pool: dict[str, list[dict[str, Any]]] = {}
    for doc in progress(docs) if progress else docs:
        doc_stats, doc_records = _extract_document(doc, paths, report, pool)
        stats.append(doc_stats)
        records.extend(doc_records)
    _link_indicators(records, pool, report)
    assign_ids(records, {s.file: s.slug for s in sources})
    records = _check_unique(records, report)
    data = {r.project_id: r.to_dict() for r in records}
    applied = apply_corrections(data, load_corrections(paths, report), report)
    by_file = {s.file: s for s in stats}
    valid = _validated(data, by_file, report)
    quality.compute_flags(valid)
    _no_projects(docs, stats, paths, report)
    produced = {r.source.file for r in valid} | {published.source_file(t) for t in kept.values()}
    unread = {f: n for f, n in mentioned_files(paths).items() if f not in produced}
    kept.update(published.keep_unread(before, unread, paths, report))
    for rec in valid:
        if "duplicate_submission" in rec.quality_flags:
            by_file[rec.source.file].duplicates += 1
    out = {r.project_id: r.to_dict() for r in valid}
    write_records(paths, {**out, **kept})
    outcome = ExtractOutcome(report, stats, out, applied, kept=len(kept), by_file=by_file)
    paths.extract_report.write_text(render_report(outcome), encoding="utf-8")
    return outcome


def render_report(outcome: ExtractOutcome) -> str:
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
    kept = f" {outcome.kept} published records kept unchanged (slug change refused)." if outcome.kept else ""
    out += [
        "",
        f"{total} records, {outcome.corrections_applied} corrected fields from data/corrections/.{kept}",
        "",
        "## Problems",
        "",
    ]
    out += [f"- `{p.format().splitlines()[0]}`" for p in outcome.report.sorted()] or ["none"]
    flags: dict[str, int] = {}
    for rec in outcome.records.values():
        for code in rec["quality_flags"]:
            flags[code] = flags.get(code, 0) + 1
    out += ["", "## Quality flags", "", "| flag | records |", "| --- | ---: |"]
    out += [f"| {code} | {flags[code]} |" for code in sorted(flags)]
    return "\n".join(out) + "\n"
