"""mkdocs' build with its pages rendered on every core.

mkdocs builds one page after another in one process: about 40 pages a second on this
machine, 25 minutes for the 100× corpus. Each page's Markdown and theme template depend
only on the page itself, the list of files (links are checked against it) and the
navigation, so `build_on_cores` does what `mkdocs.commands.build.build` does, in the
same order, except that the pages are read, converted and written by forked worker
processes (which inherit the files, the navigation and the theme's Jinja environment
without pickling them), a chunk of pages per task. Meanwhile this process copies the
static files and writes the theme's templates (sitemap.xml, 404.html). Then:

- each worker's log records are handed back and logged here in mkdocs' order (reading
  every page, then writing every page), so warnings reach the same handlers as from a
  serial build and strict mode counts them the same way;
- the anchors each page has, and the links to anchors it makes, are handed back, and
  mkdocs' own `Page.validate_anchor_links` checks them here once every page is known;
- a page that fails (a template it names is missing, say) stops the build with a
  BuildError naming the page, as does a worker that died.

The site is the same bytes as mkdocs' own build of the same config (tests/test_build_pages.py
compares the two trees). A config with plugins is built by mkdocs itself: a plugin may
keep state across pages (search does) that the workers would not share; so is a build
with one worker, of fewer than SERIAL_BELOW pages, or where a static file and a page
have the same destination.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page

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


def _capture_logs() -> _Capture:
    """In a worker: mkdocs' log records are kept to be handed back, not printed here."""
    capture = _Capture()
    logger = logging.getLogger("mkdocs")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.addHandler(capture)
    logger.propagate = False
    return capture


def _render(indices: range) -> list[_Rendered]:
    """In a worker: read, convert and write the pages at these indices."""
    assert _JOB is not None
    job, capture = _JOB, _capture_logs()
    out = []
    for i in indices:
        page = job.pages[i].page
        assert page is not None
        done = _Rendered(os.getpid())
        try:
            mkdocs_build._populate_page(page, job.config, job.files)
            done.read_logs = capture.take()
            mkdocs_build._build_page(page, job.config, job.pages, job.nav, job.env)
            done.write_logs = capture.take()
        except Exception as exc:  # its log records stay here: the message goes with the error
            said = [r.getMessage() for r in capture.take() if r.levelno >= logging.WARNING]
            said = [m for m in said if str(exc) not in m]  # mkdocs' "Error building page …: <exc>"
            also = f" ({'; '.join(said)})" if said else ""
            raise BuildError(f"page {page.file.src_uri}: {type(exc).__name__}: {exc}{also}") from None
        done.anchors = page.present_anchor_ids
        if page.links_to_anchors is not None:
            done.links_to_anchors = {f.src_uri: links for f, links in page.links_to_anchors.items()}
        out.append(done)
    return out


def _chunks(count: int, workers: int) -> list[range]:
    size = max(1, min(MOST_PER_CHUNK, count // (workers * CHUNKS_PER_WORKER)))
    return [range(i, min(count, i + size)) for i in range(0, count, size)]


def _replay(records: list[logging.LogRecord]) -> None:
    for record in records:
        logging.getLogger(record.name).handle(record)


def _conflicts(files: Files, pages: list[File]) -> bool:
    """Whether a static file would be written where a page is (mkdocs lets the page win)."""
    dests = {f.abs_dest_path for f in pages}
    return any(
        f.abs_dest_path in dests
        for f in files
        if not f.is_documentation_page() and InclusionLevel.is_included(f.inclusion)
    )


def build_on_cores(config: Any, workers: int) -> int:
    """Build the site as `mkdocs.commands.build.build(config)` does, with the pages on up
    to `workers` processes; the number of processes that rendered pages (1: mkdocs built
    it). Raises what mkdocs raises; in strict mode, Abort on warnings."""
    if workers <= 1 or len(config.plugins):
        mkdocs_build.build(config)
        return 1
    counter = _WarningCount()
    logging.getLogger("mkdocs").addHandler(counter)
    try:
        return _build(config, workers, counter)
    finally:
        logging.getLogger("mkdocs").removeHandler(counter)


class _WarningCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _build(config: Any, workers: int, counter: _WarningCount) -> int:
    global _JOB
    from mkdocs.utils import clean_directory

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
    if len(pages) < SERIAL_BELOW or _conflicts(files, pages):
        mkdocs_build.build(config)
        return 1
    _JOB = _Job(config, files, nav, env, pages)
    try:
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, os.cpu_count() or 1), mp_context=fork) as pool:
            pending = pool.map(_render, _chunks(len(pages), workers))
            # while the workers write the pages, as mkdocs does before them
            files.copy_static_files(inclusion=InclusionLevel.is_included)
            for template in config.theme.static_templates:
                mkdocs_build._build_theme_template(template, env, files, config, nav)
            for template in config.extra_templates:
                mkdocs_build._build_extra_template(template, files, config, nav)
            rendered = [done for chunk in pending for done in chunk]
    except BrokenProcessPool as exc:  # a worker killed (out of memory, a signal)
        raise BuildError(f"a process building pages stopped: {exc}") from exc
    finally:
        _JOB = None
    for done in rendered:
        _replay(done.read_logs)
    for done in rendered:
        _replay(done.write_logs)
    by_uri = {f.src_uri: f for f in files}
    for file, done in zip(pages, rendered, strict=True):
        assert file.page is not None
        file.page.present_anchor_ids = done.anchors
        if done.links_to_anchors is not None:
            file.page.links_to_anchors = {by_uri[uri]: links for uri, links in done.links_to_anchors.items()}
    for file in pages:
        assert file.page is not None
        file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
    if config.strict and counter.count:
        raise Abort(f"Aborted with {counter.count} warnings in strict mode!")
    return len({done.pid for done in rendered})
