"""Stage 4: records -> Markdown pages under content/ (plain Markdown, so the site
builder can be swapped without touching this stage).

Generated: index.md, quality.md, problems.md, projects/, departments/, regions/,
assets/charts/, sources/ (plain-text copies of the documents under fixed safe names),
downloads/, api/ and search/. Hand-written pages (about.md, methodology.md, …) are
copied along. Everything is written into a temporary directory that replaces content/
only when all of it succeeded: a failure leaves the previous content/ as it was.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from generator import stamps
from generator.corpus import Corpus, build_corpus
from generator.generate import shards
from generator.generate.pages import write_national_pages
from generator.generate.runner import Runner
from generator.generate.search_tasks import search_entries
from generator.generate.shards import ShardResult
from generator.generate.similar import similar_links, similar_projects
from generator.paths import GENERATED_TOP, swap_in
from generator.problems import Problem, Report
from generator.publish import finish_downloads, prune_cache
from generator.records import Loaded
from generator.search import run_search_index
from generator.settings import Settings
from generator.sources import Source, load_sources, served_copy
from generator.validate import run_validate


@dataclass
class GenerateOutcome:
    report: Report
    pages: int = 0
    projects: int = 0
    departments: int = 0
    regions: int = 0
    seconds: dict[str, float] | None = None  # per step: records, search, pages, downloads
    skipped: int = 0  # record files not published (each reported)
    written: bool = False  # False: content/ was left as it was
    shard_results: list[ShardResult] = field(default_factory=list)  # per region: made or kept


def copy_handwritten(src: Path, dst: Path) -> None:
    """Copy content/ without what `generate` writes: the hand-written pages and assets."""

    def skip(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if Path(folder) == src and n in GENERATED_TOP]

    shutil.copytree(src, dst, ignore=skip)


def _version() -> str:
    try:
        return metadata.version("budget-site")
    except metadata.PackageNotFoundError:
        return "0"


def _documents(settings: Settings, sources: list[Source]) -> dict[str, tuple[str, Path]]:
    """Each listed document that reads: its SHA-256 and the file of the text served for it
    (sources.served_copy, in .cache/served/: a shard copies it; at 100× the texts were 290 MB
    held by this process). Files of documents no longer listed are removed."""
    store = (settings.paths.cache / "served").resolve()  # read by the workers, wherever they run
    version = stamps.code_version()[:16]
    found = {s.file: served_copy(settings.paths, s, store, version) for s in sources}
    docs = {file: copy for file, copy in found.items() if copy is not None}
    kept = {path.name for _, path in docs.values()}
    for old in store.iterdir() if store.is_dir() else []:
        if old.name not in kept:
            old.unlink(missing_ok=True)
    return docs


def _region_warnings(sources: list[Source], corpus: Corpus, settings: Settings, report: Report) -> None:
    published = {r.slug for r in corpus.regions}
    seen: set[str] = set()
    for s in sources:
        if s.slug not in published and s.slug not in seen:
            seen.add(s.slug)
            report.add("region-empty", settings.paths.rel(settings.paths.sources), s.line, region=s.region)


def _failure_site(exc: Exception, settings: Settings) -> tuple[str, int, str]:
    """Where generation failed: the template and its line when a template failed (jinja puts
    template frames into the traceback), else the last frame of our code."""
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        if frame.filename.endswith(".j2"):
            return settings.paths.rel(Path(frame.filename)), frame.lineno or 0, "模板"
    last = frames[-1] if frames else None
    return "", 0, f"{last.filename}:{last.lineno}" if last else "未知位置"


def _write_all(
    corpus: Corpus, docs: dict[str, tuple[str, Path]], settings: Settings, content: Path
) -> tuple[int, dict[str, float], list[ShardResult]]:
    """Similar projects, then the shards (by region, on Dask); then the national pages and
    the search index from their outputs, while the corpus-wide tables are written on the
    cluster; then the downloads page."""
    paths = settings.paths
    clock = {"records": time.perf_counter()}
    cores = settings.workers or os.cpu_count() or 1
    found = similar_projects(corpus, paths.cache / "similar.pickle", cores) if settings.similar else {}
    similar = similar_links(corpus, found)
    del found  # the links hold what the pages show
    clock["similar"] = time.perf_counter()
    compiled = paths.cache / "jinja"  # the templates' bytecode
    planned = shards.plan(corpus, similar, docs, paths.templates, settings.build_date, compiled)
    root, table_cache = paths.cache / "shards", paths.cache / "downloads"
    with Runner(settings.scheduler, settings.workers) as runner:
        results, written = shards.run_shards(planned, root, content / "downloads", table_cache, runner)
        clock["shards"] = time.perf_counter()
        shards.assemble(results, root, content)
        clock["assemble"] = time.perf_counter()
        national = write_national_pages(corpus, paths.templates, content, compiled)
        pages = sum(r.pages for r in results) + national
        clock["national"] = time.perf_counter()
        merge = search_entries(results, root, runner, paths.cache / "search-merge")
        run_search_index(corpus, paths.search_docs, content, merge=merge, store=paths.cache / "search-files")
        clock["search"] = time.perf_counter()
        tables = written()  # the corpus-wide tables, written on the cluster meanwhile
        clock["tables"] = time.perf_counter()
    used = {key for _, keys in tables.values() for key in keys} | {k for r in results for k in r.tables}
    prune_cache(table_cache, used)
    counts = {name: rows for name, (rows, _) in tables.items()}
    finish_downloads(corpus, content, counts, settings.build_date, _version())
    clock["downloads"] = time.perf_counter()
    seconds = {b: round(clock[b] - clock[a], 1) for a, b in itertools.pairwise(clock)}
    return pages, seconds, results


def run_generate(
    settings: Settings,
    report: Report | None = None,
    loaded: Loaded | None = None,
    content: Path | None = None,
) -> GenerateOutcome:
    """Pages, charts, served copies, search index and downloads for every valid record,
    written into a temporary directory and swapped in for content/ when all succeeded."""
    start = time.perf_counter()
    report = report or Report()
    sources = load_sources(settings.paths, Report())
    if sources is None:
        load_sources(settings.paths, report)  # say why, once
        return GenerateOutcome(report)
    paths = settings.paths
    inputs = stamps.inputs_digest(
        paths.records,
        paths.sources,
        paths.raw,
        paths.templates,
        [settings.epoch, settings.similar, _version()],
    )
    content = content or paths.content
    if (last := stamps.unchanged(paths.cache, "generate", inputs, content)) is not None:
        return _unchanged(last, report, start)
    if loaded is None:
        report, loaded = run_validate(settings.paths, report)
    docs = _documents(settings, sources)
    corpus = build_corpus(loaded.records, sources, {f: sha for f, (sha, _) in docs.items()})
    _region_warnings(sources, corpus, settings, report)
    stamps.forget(paths.cache, "generate")
    content.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{content.name}-", dir=content.parent))
    try:
        tmp.rmdir()
        if content.exists():
            copy_handwritten(content, tmp)
        else:
            tmp.mkdir()
        tmp.chmod(0o755)
        pages, seconds, made = _write_all(corpus, docs, settings, tmp)
    except Exception as exc:  # a bug in a template or writer: keep the previous content/
        shutil.rmtree(tmp, ignore_errors=True)
        file, line, where = _failure_site(exc, settings)
        report.add("generate-failed", file, line, error=f"{type(exc).__name__}: {exc}", where=where)
        return GenerateOutcome(report, skipped=len(loaded.skipped))
    swap = time.perf_counter()
    swap_in(tmp, content)
    swapped = time.perf_counter()
    # the rest of the time, less the other stages as rounded (never below 0 from rounding)
    seconds = {"records": max(0.0, round(swap - start - sum(seconds.values()), 1)), **seconds}
    seconds["swap"] = round(swapped - swap, 1)
    outcome = GenerateOutcome(
        report,
        pages,
        len(corpus.projects),
        len(corpus.departments),
        len(corpus.regions),
        seconds,
        len(loaded.skipped),
        True,
        made,
    )
    stamps.record(paths.cache, "generate", inputs, content, _summary(outcome))
    return outcome


def _summary(outcome: GenerateOutcome) -> dict[str, Any]:
    """What a skipped run reports: the counts and the problems of the run it repeats."""
    counts = ("pages", "projects", "departments", "regions", "skipped")
    problems = [p.as_dict() for p in outcome.report.problems]
    return {**{k: getattr(outcome, k) for k in counts}, "problems": problems}


def _unchanged(last: dict[str, Any], report: Report, start: float) -> GenerateOutcome:
    """The outcome of a run skipped because its inputs and content/ are as the last run left them."""
    report.problems.extend(Problem.from_dict(p) for p in last["problems"])
    pages, projects, departments, regions, skipped = (
        int(last[k]) for k in ("pages", "projects", "departments", "regions", "skipped")
    )
    seconds = {"unchanged": round(time.perf_counter() - start, 1)}
    return GenerateOutcome(report, pages, projects, departments, regions, seconds, skipped, True)
