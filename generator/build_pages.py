"""mkdocs' build with its pages rendered on every core.

mkdocs builds one page after another in one process: about 40 pages a second on this
machine, 25 minutes for the 100× corpus. A page's Markdown and theme template depend on
the page itself, the list of files (links are checked against it) and the navigation
(its pages' titles and front matter), so `build_on_cores` does what
`mkdocs.commands.build.build` does, in the same order, except that the pages are read,
converted and written by forked worker processes, a chunk of pages
per task (the workers inherit the files, the navigation and the theme's Jinja
environment without pickling them). This process reads the navigation's pages before
the workers start (the workers only write those), then, while they work, places the
static files (content/'s hard-linked where the file system allows, the theme's copied)
and writes the theme's templates (sitemap.xml, 404.html). Then:

- each worker's log records are handed back and logged here in mkdocs' order (reading
  every page, the templates, then writing every page), so warnings reach the same
  handlers as from a serial build and strict mode counts them the same way;
- the anchors each page has, and the links to anchors it makes, are handed back, and
  mkdocs' own `Page.validate_anchor_links` checks them here once every page is known;
- a page that fails (a template it names is missing, say) stops the build with a
  BuildError naming the page, as does a worker that died.

The site is the same bytes as mkdocs' own build of the same config (tests/test_build_pages.py
compares the two trees, for this project and for a navigation of untitled pages with
icons). A config with plugins other than our budget-pages (which keeps no state across
pages) is built by mkdocs itself: a plugin may keep state across pages (search does)
that the workers would not share, and its build-wide events are not run here; so is a
build with one worker, of fewer than SERIAL_BELOW pages, or where two writers would
write one file.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler, clean_directory

from generator.build_plugin import BudgetPages

SERIAL_BELOW = 100  # pages: fewer are built by mkdocs itself (forking would cost more than it saves)
CHUNKS_PER_WORKER = 8  # tasks per worker: a chunk of large pages does not hold up the rest
MOST_PER_CHUNK = 64


@dataclass
class _Job:
    """What the forked workers inherit."""

    config: Any
    files: Files
    nav: Navigation
    env: Any
    pages: list[File]
    read: frozenset[int] = frozenset()  # pages this process read before the workers started


@dataclass
class _Rendered:
    """A page's results handed back by a worker."""

    pid: int = 0  # the worker's process
    read_logs: list[logging.LogRecord] = field(default_factory=list)
    write_logs: list[logging.LogRecord] = field(default_factory=list)
    anchors: set[str] | None = None
    links_to_anchors: dict[str, dict[str, str]] | None = None  # target src_uri -> anchor -> link


_JOB: _Job | None = None


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None  # plain text: it crosses processes
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        records, self.records = self.records, []
        return records


def _divert(capture: _Capture) -> tuple[list[logging.Handler], bool]:
    """mkdocs' log records to `capture` only; returns the handlers and propagation before."""
    logger = logging.getLogger("mkdocs")
    before = list(logger.handlers), logger.propagate
    for handler in before[0]:
        logger.removeHandler(handler)
    logger.addHandler(capture)
    logger.propagate = False
    return before


def _capture_logs() -> _Capture:
    """In a worker: mkdocs' log records are kept to be handed back, not printed here."""
    capture = _Capture()
    _divert(capture)
    return capture


@contextmanager
def _held(capture: _Capture) -> Iterator[_Capture]:
    """In this process: mkdocs' log records kept in `capture` during the block, to be
    logged later in mkdocs' order (or dropped, when mkdocs itself builds after all)."""
    handlers, propagate = _divert(capture)
    logger = logging.getLogger("mkdocs")
    try:
        yield capture
    finally:
        logger.removeHandler(capture)
        for handler in handlers:
            logger.addHandler(handler)
        logger.propagate = propagate


def _failed(page: Page, exc: Exception, capture: _Capture) -> BuildError:
    """A page's error as a BuildError naming it (its log records cannot follow it)."""
    said = [r.getMessage() for r in capture.take() if r.levelno >= logging.WARNING]
    said = [m for m in said if str(exc) not in m]  # mkdocs' "Error building page …: <exc>"
    also = f" ({'; '.join(said)})" if said else ""
    return BuildError(f"page {page.file.src_uri}: {type(exc).__name__}: {exc}{also}")


def _read(job: _Job, page: Page, capture: _Capture) -> list[logging.LogRecord]:
    try:
        mkdocs_build._populate_page(page, job.config, job.files)
    except Exception as exc:
        raise _failed(page, exc, capture) from None
    return capture.take()


def _write(job: _Job, page: Page, capture: _Capture) -> list[logging.LogRecord]:
    try:
        mkdocs_build._build_page(page, job.config, job.pages, job.nav, job.env)
    except Exception as exc:
        raise _failed(page, exc, capture) from None
    return capture.take()


def _render(indices: list[int]) -> list[tuple[int, _Rendered]]:
    """In a worker: read, convert and write the pages at these indices."""
    assert _JOB is not None
    job, capture = _JOB, _capture_logs()
    out = []
    for i in indices:
        page = job.pages[i].page
        assert page is not None
        done = _Rendered(os.getpid())
        if i not in job.read:
            done.read_logs = _read(job, page, capture)
        done.write_logs = _write(job, page, capture)
        done.anchors = page.present_anchor_ids
        if page.links_to_anchors is not None:
            done.links_to_anchors = {f.src_uri: links for f, links in page.links_to_anchors.items()}
        out.append((i, done))
    return out


def _chunks(indices: list[int], workers: int) -> list[list[int]]:
    size = max(1, min(MOST_PER_CHUNK, len(indices) // (workers * CHUNKS_PER_WORKER)))
    return [indices[i : i + size] for i in range(0, len(indices), size)]


def _replay(records: list[logging.LogRecord]) -> None:
    for record in records:
        logging.getLogger(record.name).handle(record)


def _place_static_files(files: Files, docs_dir: str) -> None:
    """mkdocs' `Files.copy_static_files`, except that a file of docs_dir is hard-linked into
    the site where the file system allows it: the same bytes without copying them (at 100×,
    some 300,000 downloads and API files, 5 GB). generate replaces content/'s files, never
    writes into them; a tool that rewrites site/'s files in place must copy them first.
    The theme's files are copied, as by mkdocs."""
    docs = os.path.join(os.path.normpath(docs_dir), "")
    for file in files:
        if file.is_documentation_page() or not InclusionLevel.is_included(file.inclusion):
            continue
        source = file.abs_src_path
        if source is None or not os.path.normpath(source).startswith(docs):
            file.copy_file()
            continue
        logging.getLogger("mkdocs.structure.files").debug(f"Linking media file: '{file.src_uri}'")
        os.makedirs(os.path.dirname(file.abs_dest_path), exist_ok=True)
        try:
            os.link(source, file.abs_dest_path)
        except OSError:  # another file system, or links not allowed: a copy, as mkdocs makes
            file.copy_file()


def _conflicts(config: Any, files: Files, pages: list[File]) -> bool:
    """Whether two writers would write one file: two pages, a page and a static file (mkdocs
    lets the page win) or a page and a template of the theme or the config."""
    dests = [f.abs_dest_path for f in pages]
    taken = set(dests)
    templates = [*config.theme.static_templates, *config.extra_templates]
    return (
        len(taken) < len(dests)
        or any(os.path.normpath(os.path.join(config.site_dir, t)) in taken for t in templates)
        or any(
            f.abs_dest_path in taken
            for f in files
            if not f.is_documentation_page() and InclusionLevel.is_included(f.inclusion)
        )
    )


def build_on_cores(config: Any, workers: int, clock: dict[str, float] | None = None) -> int:
    """Build the site as `mkdocs.commands.build.build(config)` does, with the pages on up
    to `workers` processes; the number of processes that rendered pages (1: mkdocs built
    it). In strict mode, Abort on warnings, as mkdocs; a page that fails raises a
    BuildError naming it."""
    if workers <= 1 or not all(isinstance(p, BudgetPages) for p in config.plugins.values()):
        mkdocs_build.build(config)
        return 1
    counter = CountHandler()
    counter.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(counter)
    try:
        processes = _build(config, workers, clock if clock is not None else {})
    finally:
        logging.getLogger("mkdocs").removeHandler(counter)
    if config.strict and (counts := counter.get_counts()):
        raise Abort(f"Aborted with {', '.join(f'{v} {k.lower()}s' for k, v in counts)} in strict mode!")
    return processes


def _build(config: Any, workers: int, clock: dict[str, float]) -> int:
    """mkdocs' build on the workers; `clock` gets the seconds of its steps (files and
    navigation, the navigation's pages read here, the pages, the checks after)."""
    start = time.perf_counter()
    global _JOB
    with _held(_Capture()) as prepared:
        clean_directory(config.site_dir)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        pages = list(files.documentation_pages(inclusion=InclusionLevel.is_included))
        for file in pages:
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)
    if len(pages) < SERIAL_BELOW or _conflicts(config, files, pages):
        mkdocs_build.build(config)  # which logs what was held again
        return 1
    _replay(prepared.take())
    clock["files"] = round(time.perf_counter() - start, 1)
    # the navigation's pages are read here, before the workers start: every page shows
    # their titles and front matter (icon, status) in its navigation
    in_nav = {id(p.file) for p in nav.pages}
    job = _Job(config, files, nav, env, pages, frozenset(i for i, f in enumerate(pages) if id(f) in in_nav))
    with _held(_Capture()) as held:
        mark = time.perf_counter()
        read_here = {i: _read(job, pages[i].page, held) for i in sorted(job.read)}  # type: ignore[arg-type]
        clock["nav pages"] = round(time.perf_counter() - mark, 1)
        # as mkdocs calls it once the pages are read; the workers inherit what it set up
        env = config.plugins.on_env(env, config=config, files=files)
        job.env = env
        mark = time.perf_counter()
        _JOB = job
        gc.freeze()  # the workers' collector leaves the inherited objects (and their pages) alone
        try:
            fork = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=min(workers, os.cpu_count() or 1), mp_context=fork) as pool:
                pending = pool.map(_render, _chunks(list(range(len(pages))), workers))
                try:
                    # while the workers write theirs, as mkdocs does before the pages
                    _place_static_files(files, config.docs_dir)
                    for template in config.theme.static_templates:
                        mkdocs_build._build_theme_template(template, env, files, config, nav)
                    for template in config.extra_templates:
                        mkdocs_build._build_extra_template(template, files, config, nav)
                    templates = held.take()
                    rendered = {i: done for chunk in pending for i, done in chunk}
                except BaseException:
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise
        except BrokenProcessPool as exc:  # a worker killed (out of memory, a signal)
            raise BuildError(f"a process building pages stopped: {exc}") from exc
        finally:
            _JOB = None
            gc.unfreeze()
    clock["pages"] = round(time.perf_counter() - mark, 1)
    mark = time.perf_counter()
    order = [rendered[i] for i in range(len(pages))]
    for i, done in enumerate(order):
        _replay(read_here.get(i, done.read_logs))
    _replay(templates)
    for done in order:
        _replay(done.write_logs)
    by_uri = {f.src_uri: f for f in files}
    for i in set(range(len(pages))) - job.read:
        page, done = pages[i].page, rendered[i]
        assert page is not None
        page.present_anchor_ids = done.anchors
        if done.links_to_anchors is not None:
            page.links_to_anchors = {by_uri[uri]: links for uri, links in done.links_to_anchors.items()}
    for file in pages:
        assert file.page is not None
        file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
    clock["checks"] = round(time.perf_counter() - mark, 1)
    return len({done.pid for done in order})
