"""`budget-site validate`: every record of data/records/ through the Record model.

All problems are collected (file, line, field, hint) before anything is reported;
quality flags are data about the source, never validation errors. The same loader
serves generate, so what validate rejects is exactly what the site leaves out.
"""

from __future__ import annotations

from generator.paths import Paths
from generator.problems import Report
from generator.records import Loaded, load_records
from generator.sources import Source, load_sources


def unlisted_records(loaded: Loaded, sources: list[Source], paths: Paths, report: Report) -> Loaded:
    """Records are published under their document's region: a record whose source file
    has no entry in data/sources.yaml is reported, not published."""
    listed = {s.file for s in sources}
    out = Loaded(files=loaded.files, skipped=list(loaded.skipped))
    for rec in loaded.records:
        rel = paths.rel(paths.records / f"{rec.project_id}.yaml")
        if rec.source.file not in listed:
            report.add("record-unlisted", rel, 1, file=rec.source.file)
            out.skipped.append(rel)
        else:
            out.records.append(rec)
    return out


def run_validate(paths: Paths, report: Report | None = None) -> tuple[Report, Loaded]:
    """Validate every record file; return the report and what was loaded."""
    report = report or Report()
    loaded = load_records(paths, report)
    sources = load_sources(paths, Report())  # its problems are extract's to report
    if sources is not None:
        loaded = unlisted_records(loaded, sources, paths, report)
    return report, loaded
