"""`budget-site validate`: every record of data/records/ through the Record model.

All problems are collected (file, line, field, hint) before anything is reported;
quality flags are data about the source, never validation errors. The same loader
serves generate, so what validate rejects is exactly what the site leaves out.
"""

from __future__ import annotations

from collections import defaultdict

from generator.paths import Paths
from generator.problems import Report
from generator.records import Loaded, load_records
from generator.sources import Source, load_sources, mentioned_files


def unlisted_records(loaded: Loaded, sources: list[Source], paths: Paths, report: Report) -> Loaded:
    """Records are published under their document's region: records whose source file has
    no valid entry in data/sources.yaml stay on disk but are not published, reported once
    per file (at its entry, when a broken one mentions it)."""
    listed = {s.file for s in sources}
    out = Loaded(files=loaded.files, skipped=list(loaded.skipped))
    orphans: dict[str, list[str]] = defaultdict(list)
    for rec in loaded.records:
        if rec.source.file in listed:
            out.records.append(rec)
        else:
            orphans[rec.source.file].append(rec.project_id)
    lines = mentioned_files(paths) if orphans else {}
    for file, ids in sorted(orphans.items()):
        examples = "、".join(ids[:3]) + ("……" if len(ids) > 3 else "")
        where = paths.rel(paths.sources)
        report.add("record-unlisted", where, lines.get(file, 0), file=file, count=len(ids), examples=examples)
        out.skipped += [paths.rel(paths.records / f"{pid}.yaml") for pid in ids]
    return out


def run_validate(paths: Paths, report: Report | None = None) -> tuple[Report, Loaded]:
    """Validate every record file; return the report and what was loaded."""
    report = report or Report()
    loaded = load_records(paths, report)
    sources = load_sources(paths, Report())  # its problems are extract's to report
    if sources is not None:
        loaded = unlisted_records(loaded, sources, paths, report)
    return report, loaded
