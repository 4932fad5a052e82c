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

import hashlib
import json
import os
import pickle
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import ValidationError

from generator import quality, stamps
from generator.corrections import apply_corrections, load_corrections
from generator.extract import published, spreadsheet
from generator.extract.documents import DocResult, DocStats, document_keys, extract_documents
from generator.model import Indicator, Record
from generator.paths import Paths
from generator.problems import Problem, Report
from generator.records import assign_ids, write_records
from generator.schema_errors import describe, dotted, field_path
from generator.sources import Source, load_sources, mentioned_files, unlisted_files
from generator.stamps import code_version


@dataclass
class ExtractOutcome:
    report: Report
    stats: list[DocStats]
    records: dict[str, dict[str, Any]]
    corrections_applied: int = 0
    written: bool = True  # False when data/sources.yaml could not be read: nothing was rewritten
    kept: int = 0  # published records kept as they were (their region's slug change was refused)
    by_file: dict[str, DocStats] = field(default_factory=dict)
    cached: int = 0  # documents whose extraction came from the cache


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


def _no_projects(results: list[DocResult], report: Report) -> None:
    for res in results:
        s = res.stats
        if s and s.records == 0 and s.layout != "unknown" and s.failed == 0 and not s.indicator_rows:
            report.add("no-projects", res.rel, region=res.source.region)


def run_extract(paths: Paths, workers: int | None = None) -> ExtractOutcome:
    """Extract, or repeat the last run when its inputs (sources.yaml, the documents, the
    corrections, the code) and its output (data/records/, the extract report) are unchanged."""
    inputs = stamps.inputs_digest(paths.sources, paths.raw, paths.corrections)
    last = stamps.unchanged(paths.cache, "extract", inputs, paths.records)
    if last is not None and _report_digest(paths) == last.get("report_sha"):
        return _repeated(last)
    stamps.forget(paths.cache, "extract")
    outcome = _run_extract(paths, workers)
    if outcome.written:
        stamps.record(paths.cache, "extract", inputs, paths.records, _summary(outcome, paths))
    return outcome


def _report_digest(paths: Paths) -> str:
    try:
        return hashlib.sha256(paths.extract_report.read_bytes()).hexdigest()
    except OSError:
        return ""


def _summary(outcome: ExtractOutcome, paths: Paths) -> dict[str, Any]:
    return {
        "report_sha": _report_digest(paths),
        "problems": [p.as_dict() for p in outcome.report.problems],
        "stats": [asdict(s) for s in outcome.stats],
        "records": outcome.records,
        "corrections_applied": outcome.corrections_applied,
        "kept": outcome.kept,
    }


def _repeated(last: dict[str, Any]) -> ExtractOutcome:
    """The outcome of the run being repeated: its problems, counts and records, all cached."""
    report = Report([Problem.from_dict(p) for p in last["problems"]])
    stats = [DocStats(**s) for s in last["stats"]]
    by_file = {s.file: s for s in stats}
    records = last["records"]
    return ExtractOutcome(
        report,
        stats,
        records,
        last["corrections_applied"],
        kept=last["kept"],
        by_file=by_file,
        cached=len(stats),
    )


def _run_extract(paths: Paths, workers: int | None = None) -> ExtractOutcome:
    report = Report()
    sources = load_sources(paths, report)
    if sources is None:
        return ExtractOutcome(report, [], {}, written=False)
    before = published.published_regions(paths)
    accepted, kept = published.check_slugs(before, paths, sources, report)
    unlisted_files(paths, accepted, report)
    read = _read(paths, accepted, {s.file: s.slug for s in sources}, workers)
    report.problems.extend(read.problems)
    stats, data = read.stats, read.data
    applied = apply_corrections(data, load_corrections(paths, report), report)
    by_file = {s.file: s for s in stats}
    valid = _validated(data, by_file, report)
    dates = {s.file: s.published for s in sources if s.published}
    valid = _with_flags(valid, paths, read.keys, dates)
    report.problems.extend(read.late)
    produced = {r.source.file for r in valid} | {published.source_file(t) for t in kept.values()}
    unread = {f: n for f, n in mentioned_files(paths).items() if f not in produced}
    kept.update(published.keep_unread(before, unread, paths, report))
    for rec in valid:
        if "duplicate_submission" in rec.quality_flags:
            by_file[rec.source.file].duplicates += 1
    out = {r.project_id: r.to_dict() for r in valid}
    write_records(paths, {**out, **kept})
    outcome = ExtractOutcome(report, stats, out, applied, kept=len(kept), by_file=by_file, cached=read.cached)
    paths.extract_report.write_text(render_report(outcome), encoding="utf-8")
    return outcome


@dataclass
class _Read:
    """The documents' records with their ids, before the corrections, and the problems
    found on the way (`late`: those reported after the quality checks)."""

    data: dict[str, dict[str, Any]]
    stats: list[DocStats]
    keys: list[str]  # each document's cache entry ("" for a missing one)
    problems: list[Problem]
    late: list[Problem]
    cached: int  # documents whose extraction came from a cache


def _read(paths: Paths, sources: list[Source], slugs: dict[str, str], workers: int | None) -> _Read:
    """The documents' records, with ids, before the corrections. What this gives depends
    only on the documents' cache keys (their bytes, entries and the extractor's version),
    the regions' slugs and the code, so it is kept whole in .cache/extract-read.pickle by
    their hash: a run that changed only corrections neither loads the documents' cached
    extractions nor checks their records through the model again."""
    keys = document_keys(paths, sources)
    memo = paths.cache / "extract-read.pickle"
    documents = [[s.file, k] for s, k in zip(sources, keys, strict=True)]
    inputs = json.dumps([code_version(), documents, sorted(slugs.items())])
    memo_key = hashlib.sha256(inputs.encode()).hexdigest()
    try:
        stored = pickle.loads(memo.read_bytes())
        if stored["key"] == memo_key:
            return _Read(
                stored["data"],
                [DocStats(**s) for s in stored["stats"]],
                [k or "" for k in keys],
                [Problem.from_dict(p) for p in stored["problems"]],
                [Problem.from_dict(p) for p in stored["late"]],
                sum(1 for k in keys if k),
            )
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, KeyError, TypeError, AttributeError):
        pass
    results = extract_documents(paths, sources, workers, keys)
    early, late = Report(), Report()
    stats: list[DocStats] = []
    records: list[Record] = []
    pool: dict[str, list[dict[str, Any]]] = {}
    for res in results:
        early.problems.extend(res.problems)
        records.extend(res.records)
        pool.update(res.pool)
        if res.stats:
            stats.append(res.stats)
    _link_indicators(records, pool, early)
    assign_ids(records, slugs)
    records = _check_unique(records, early)
    _no_projects(results, late)
    read = _Read(
        {r.project_id: r.to_dict() for r in records},
        stats,
        [r.key for r in results],
        early.problems,
        late.problems,
        sum(r.cached for r in results),
    )
    stored = {
        "key": memo_key,
        "data": read.data,
        "stats": [asdict(s) for s in stats],
        "problems": [p.as_dict() for p in read.problems],
        "late": [p.as_dict() for p in read.late],
    }
    memo.parent.mkdir(parents=True, exist_ok=True)
    part = memo.with_name(f".{memo.name}.{os.getpid()}")
    part.write_bytes(pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(part, memo)  # written before what follows changes the records and stats
    return read


def _with_flags(
    valid: list[Record], paths: Paths, documents: list[str], dates: dict[str, str]
) -> list[Record]:
    """The records with their quality flags, computed over all of them (the checks read the
    documents too). The checks of one record are memoised in .cache/quality.pickle by the
    record's content and publication date, for one set of documents (their cache keys:
    content and code version), so a hand correction re-checks one record; the checks
    across records always run. (The flagged records themselves are not stored: pickling
    513 models cost more than the checks across records.)"""
    docs_key = hashlib.sha256(json.dumps(documents).encode()).hexdigest()
    cache = paths.cache / "quality.pickle"
    memo: dict[str, list[dict[str, Any]]] = {}
    try:
        stored = pickle.loads(cache.read_bytes())
        if stored["documents"] == docs_key:
            memo = stored["memo"]
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, KeyError, TypeError, AttributeError):
        pass
    before = dict(memo)
    keys = quality.compute_flags(valid, paths.raw, dates, memo)
    # this run's records only: the memo does not grow with every correction ever made
    used = {k: memo[k] for k in keys if k in memo}
    if used != before:
        cache.parent.mkdir(parents=True, exist_ok=True)
        part = cache.with_name(f".{cache.name}.{os.getpid()}")
        stored = {"documents": docs_key, "memo": used}
        part.write_bytes(pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(part, cache)
    (paths.cache / "quality.json").unlink(missing_ok=True)  # the JSON cache of earlier versions
    return valid


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
