"""One document -> its tables' records, cached by content and run on every core.

`extract_documents` reads and extracts each listed document on its own: the format reader
(or the text layouts) finds the tables, the form reader makes records, and the document's
problems are collected apart from the run's. The result is cached in `.cache/extract/`
under a key made of the document's SHA-256, its source entry and the extractor version
(a hash of the code and vocabulary that read it), so an unchanged document is not read
again and any change to the code or the document reads it afresh. Documents that must be
read run in a process pool, one per core; results come back in source order, so the run
is the same whichever finished first.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from generator.extract import tabular
from generator.extract.completeness import truncated_tail
from generator.extract.layouts import LAYOUTS, detect_layout
from generator.model import ExtractedTable, Record
from generator.paths import Paths
from generator.problems import Problem, Report
from generator.sources import Document, Source, read_document
from generator.stamps import code_version

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
class DocResult:
    """What one listed document gave: stats (None when it could not be read at all), its
    records, its problems, and indicator rows for other records (our indicators.xlsx)."""

    source: Source
    rel: str
    stats: DocStats | None = None
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    pool: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    key: str = ""  # the cache entry; "" for a missing document
    cached: bool = False


def extractor_version() -> str:
    """The code that reads documents: any change to a module or the vocabulary of the package
    may change what a document gives, so it invalidates every cached extraction."""
    return code_version()


def cache_key(source: Source, data: bytes) -> str:
    entry = source.model_dump(mode="json", exclude={"line", "key_lines"})
    text = json.dumps([extractor_version(), hashlib.sha256(data).hexdigest(), entry], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def document_keys(paths: Paths, sources: list[Source]) -> list[str | None]:
    """Each listed document's cache key (cache_key); None for a missing file."""
    out: list[str | None] = []
    for source in sources:
        path = paths.raw / source.file
        out.append(cache_key(source, path.read_bytes()) if path.is_file() else None)
    return out


def extract_documents(
    paths: Paths, sources: list[Source], workers: int | None = None, keys: list[str | None] | None = None
) -> list[DocResult]:
    """Every listed document's result, in source order; cached ones are not read again.
    `keys`: their document_keys, when known."""
    results: list[DocResult | None] = []
    todo: list[tuple[int, Source, str | None]] = []
    for source, key in zip(sources, keys or document_keys(paths, sources), strict=True):
        hit = _load(paths, key, source) if key else None
        results.append(hit)
        if hit is None:
            todo.append((len(results) - 1, source, key))
    workers = min(len(todo), workers or os.cpu_count() or 1)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            done = list(pool.map(extract_source, [paths] * len(todo), [s for _, s, _ in todo]))
    else:
        done = [extract_source(paths, s) for _, s, _ in todo]
    for (i, _, key), result in zip(todo, done, strict=True):
        results[i] = result
        if key:
            _store(paths, key, result)
    _prune(paths, {r.key for r in results if r is not None})
    return [r for r in results if r is not None]


def extract_source(paths: Paths, source: Source) -> DocResult:
    """Read one document and extract its tables; its problems stay in the result."""
    report = Report()
    doc = read_document(paths, source, report)
    result = DocResult(source, paths.rel(paths.raw / source.file))
    if doc is not None:
        result.stats, result.records = _extract_document(doc, result.rel, report, result.pool)
    result.problems = report.problems
    return result


# ---------------------------------------------------------------- the cache


def _dir(paths: Paths) -> Path:
    return paths.cache / "extract"


def _load(paths: Paths, key: str, source: Source) -> DocResult | None:
    path = _dir(paths) / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        result = DocResult(
            source,
            data["rel"],
            DocStats(**data["stats"]) if data["stats"] else None,
            [Record.model_validate(r) for r in data["records"]],
            [Problem.from_dict(p) for p in data["problems"]],
            data["pool"],
            key,
            cached=True,
        )
    except (OSError, ValueError, KeyError, TypeError):  # no entry, or one we cannot trust: read again
        return None
    return result


def _store(paths: Paths, key: str, result: DocResult) -> None:
    data = {
        "rel": result.rel,
        "stats": asdict(result.stats) if result.stats else None,
        "records": [r.model_dump(mode="json", exclude_defaults=True) for r in result.records],
        "problems": [p.as_dict() for p in result.problems],
        "pool": result.pool,
    }
    _dir(paths).mkdir(parents=True, exist_ok=True)
    tmp = _dir(paths) / f".{key}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, _dir(paths) / f"{key}.json")
    result.key = key


def _prune(paths: Paths, used: set[str]) -> None:
    """Entries no listed document uses any more (an old version of a document, or of the code)."""
    if not _dir(paths).is_dir():
        return
    for path in _dir(paths).glob("*.json"):
        if path.stem not in used:
            path.unlink(missing_ok=True)


# ---------------------------------------------------------------- one document


def _first_title_line(lines: list[str]) -> int:
    for n, line in enumerate(lines, 1):
        if "绩效目标" in line:
            return n
    return 1


def _extract_document(
    doc: Document, rel: str, report: Report, pool: dict[str, list[dict[str, Any]]]
) -> tuple[DocStats, list[Record]]:
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
