"""Stage 5: content/ -> site/ with a static-site builder: mkdocs-material or Zensical.

This is the only module that runs a builder, so the builder can be swapped
(mkdocs-material 9.x reaches end of life in May 2027) without touching the
other stages, which only write Markdown pages (a project's or department's page has an
HTML body that Markdown passes through as it is; mkdocs' budget-pages plugin,
generator/build_plugin, skips Markdown for it). `Settings.builder` picks one:

- "mkdocs" (the default): mkdocs 1.6 with mkdocs-material 9.x, in this process.
  bench/builders.py measured it faster than Zensical on a first build, in less memory,
  and its strict mode also reports absolute links and links to a directory.
- "zensical": Zensical (by Material's authors), as a subprocess, from a config derived
  from mkdocs.yml (see `_zensical_config`). Its own page cache lives in
  `.cache/zensical/`, so a rebuild of mostly unchanged content is faster; the output
  does not depend on that cache.

Both builders share one contract. The build is atomic: the builder writes into a
temporary directory, which replaces site/ only when the build succeeded; a failed
build leaves the previous site/ untouched. It is deterministic: SOURCE_DATE_EPOCH
fixes the dates mkdocs stamps into sitemap.xml, sitemap.xml.gz and the footer (Zensical
has no build date: the footer gets the same one from here, its sitemap none), so two
builds of the same content give byte-identical files. Warnings (broken
links, missing anchors) are returned; in strict mode they fail the build.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator import stamps
from generator.paths import Paths, handwritten, swap_in
from generator.settings import BUILDERS, Settings

# partials that override the theme's, shipped with the package (not a project's custom_dir,
# so any project root builds the same): partials/languages/custom.html makes lang="zh-CN"
THEME = Path(__file__).resolve().parent / "theme"
# the distributions whose versions decide a builder's output
BUILDER_PACKAGES = {"mkdocs": ("mkdocs", "mkdocs-material"), "zensical": ("zensical",)}


class BuildFailed(Exception):
    """The builder reported an error (or a warning, in strict mode); site/ was not touched."""


@dataclass
class BuildOutcome:
    pages: int
    bytes: int
    warnings: list[str]
    unchanged: bool = False  # skipped: content/ and site/ were as the last build left them
    processes: int = 1  # the processes that rendered pages
    state: str = ""  # site/'s stamps.tree_state as built
    seconds: dict[str, float] = field(default_factory=dict)  # per step (mkdocs on cores)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _brief(messages: list[str]) -> str:
    return "; ".join(m if len(m) < 300 else m[:300] + " …" for m in messages[:5])


def _size(path: Path) -> tuple[int, int, str]:
    """The site's pages and bytes, and its tree_state for the stamp: one walk (at 100×,
    344,000 files)."""
    states = stamps.file_states(path)
    pages = sum(1 for name in states if name.rpartition("/")[2] == "index.html")
    return pages, sum(size for size, _ in states.values()), stamps.states_hash(states)


def builder_versions(builder: str) -> list[str]:
    """The installed versions of the builder's packages; BuildFailed when one is missing."""
    from importlib.metadata import PackageNotFoundError, version

    if builder not in BUILDER_PACKAGES:
        raise BuildFailed(f"unknown builder {builder!r}: choose one of {', '.join(BUILDERS)}")
    try:
        return [f"{name} {version(name)}" for name in BUILDER_PACKAGES[builder]]
    except PackageNotFoundError as exc:
        raise BuildFailed(
            f"builder {builder!r} is not installed: pip install {' '.join(BUILDER_PACKAGES[builder])}"
        ) from exc


def builder_installed(builder: str) -> bool:
    """Whether every package of the builder is installed."""
    try:
        builder_versions(builder)
    except BuildFailed:
        return False
    return True


def _inputs(settings: Settings) -> str:
    paths = settings.paths
    given = [settings.epoch, settings.strict, settings.builder, *builder_versions(settings.builder)]
    return stamps.inputs_digest(paths.root / "mkdocs.yml", [_content(paths), *given])


def _content(paths: Paths) -> str:
    """A hash of what content/ holds. While content/ is as generate's last run left it
    (every file's path, size and modification time), that run's inputs stand for what it
    wrote (generate is deterministic: the same inputs, the same bytes), with the bytes of
    the hand-written pages it copied; otherwise the bytes of every file (at 100×, 5 GB:
    14 s before the build could start)."""
    generated = stamps.last_inputs(paths.cache, "generate", paths.content)
    if generated is not None:
        return f"generated {generated} {stamps.tree_digest(*handwritten(paths.content))}"
    return f"files {stamps.tree_digest(paths.content)}"


def build_site(settings: Settings, site_dir: Path | None = None) -> BuildOutcome:
    """Build content/ into site/ (or site_dir) atomically; raise BuildFailed on error.
    Skipped when content/, mkdocs.yml and the builder are as the last build found them and
    site/ is as it left it."""
    paths, strict = settings.paths, settings.strict
    target = site_dir or paths.site
    start = time.perf_counter()
    inputs = _inputs(settings)
    hashed = round(time.perf_counter() - start, 1)
    if (last := stamps.unchanged(paths.cache, "build", inputs, target)) is not None:
        return BuildOutcome(int(last["pages"]), int(last["bytes"]), list(last["warnings"]), unchanged=True)
    stamps.forget(paths.cache, "build")
    build = _build_zensical if settings.builder == "zensical" else _build_mkdocs
    outcome = build(settings, target, strict)
    outcome.seconds = {"inputs": hashed, **outcome.seconds}
    data = {"pages": outcome.pages, "bytes": outcome.bytes, "warnings": outcome.warnings}
    stamps.record(paths.cache, "build", inputs, target, data, outcome.state or None)
    return outcome


def _temporary_beside(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=target.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; a static host must read it
    return tmp


def _swap(tmp: Path, target: Path, warnings: list[str]) -> BuildOutcome:
    """Put the finished build in tmp in place of target; the old target goes only then."""
    swap_in(tmp, target)
    pages, size, state = _size(target)
    return BuildOutcome(pages, size, warnings, state=state)


def _build_mkdocs(settings: Settings, target: Path, strict: bool) -> BuildOutcome:
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from generator.build_pages import build_on_cores  # mkdocs: imported only to build

    paths = settings.paths
    tmp = _temporary_beside(target)
    collect = _Collect()
    mk_log = logging.getLogger("mkdocs")
    mk_log.addHandler(collect)
    os.environ["SOURCE_DATE_EPOCH"] = str(settings.epoch)  # mkdocs stamps sitemap dates from it
    logging.getLogger("jieba").setLevel(logging.WARNING)  # the search plugin's segmenter chats on stderr
    try:
        config = load_config(str(paths.root / "mkdocs.yml"), site_dir=str(tmp), strict=strict)
        config["docs_dir"] = str(paths.content)
        config["theme"].dirs.insert(0, str(THEME))  # our partials before the theme's own
        clock: dict[str, float] = {}
        processes = build_on_cores(config, settings.workers or os.cpu_count() or 1, clock)
        if strict and collect.messages:
            raise BuildFailed(f"{len(collect.messages)} warnings in strict mode: {_brief(collect.messages)}")
    except (MkDocsException, SystemExit) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildFailed(f"mkdocs build failed: {exc}; {_brief(collect.messages)}") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        mk_log.removeHandler(collect)
    mark = time.perf_counter()
    outcome = _swap(tmp, target, collect.messages)
    clock["swap and size"] = round(time.perf_counter() - mark, 1)
    return replace(outcome, processes=processes, seconds=clock)


# --- Zensical -----------------------------------------------------------------------------
#
# Zensical reads mkdocs.yml, but it insists that docs_dir and site_dir lie under the
# config file's folder, keeps its page cache in `.cache/` there, and takes one custom_dir.
# So it builds a staging project in <cache>/zensical/: content/ as hard links to the real
# content/ (no copy), a mkdocs.yml derived from ours, and our partials as custom_dir, each
# rewritten only when it changed (Zensical's page cache holds only across untouched files).


_BUILD_DATE = re.compile(r"""build_date_utc\.strftime\((["'])(.*?)\1\)""")


def _mkdocs_context_shim(template: str, epoch: int) -> str:
    """A template with what only mkdocs puts in its context spelt out: Zensical has no
    `build_date_utc` (mkdocs' build time, from SOURCE_DATE_EPOCH), so each
    `build_date_utc.strftime("…")` becomes that date as a string."""
    when = datetime.fromtimestamp(epoch, UTC)
    return _BUILD_DATE.sub(lambda m: json.dumps(when.strftime(m.group(2)), ensure_ascii=False), template)


def _zensical_config(mkdocs_yml: Path, stage: Path, epoch: int) -> dict[str, Any]:
    """mkdocs.yml as Zensical must read it to build the site mkdocs builds; writes the
    theme overrides (the project's custom_dir, if any, under our partials, each made
    readable by Zensical with `_mkdocs_context_shim`) into the stage."""
    import yaml

    try:
        config = yaml.safe_load(mkdocs_yml.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise BuildFailed(f"zensical build failed: {mkdocs_yml} cannot be read: {exc}") from exc
    if not isinstance(config, dict):
        raise BuildFailed(f"zensical build failed: {mkdocs_yml} is not a mapping")
    config["docs_dir"], config["site_dir"] = "content", "site"
    theme = config.get("theme") or {"name": "material"}
    theme = {"name": theme} if isinstance(theme, str) else dict(theme)
    files: dict[Path, bytes] = {}
    for folder in [mkdocs_yml.parent / theme["custom_dir"]] if theme.get("custom_dir") else []:
        files |= {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    files |= {p.relative_to(THEME): p.read_bytes() for p in THEME.rglob("*") if p.is_file()}  # ours win
    for rel, data in files.items():
        if rel.suffix == ".html":
            files[rel] = _mkdocs_context_shim(data.decode("utf-8"), epoch).encode("utf-8")
    overrides = stage / "overrides"
    _sync(overrides, files)
    theme["custom_dir"] = str(overrides)
    theme.setdefault("variant", "classic")  # Material's look, not Zensical's new "modern" one
    config["theme"] = theme
    # mkdocs: no plugins listed means no search; Zensical's search is on unless switched off.
    # budget-pages is mkdocs' only: without it a `body: html` page goes through Markdown,
    # which passes its HTML through as it is (the same page, only slower)
    plugins = config.get("plugins")
    if plugins is not None:
        plugins = [p for p in plugins if (p if isinstance(p, str) else next(iter(p), "")) != "budget-pages"]
        config["plugins"] = plugins
        names = {p if isinstance(p, str) else next(iter(p), "") for p in plugins}
        if "search" not in names:
            config["plugins"] = [*plugins, {"search": {"enabled": False}}]
    return config


def _sync(dest: Path, files: dict[Path, bytes]) -> None:
    """dest holding exactly files, rewriting only those that differ: Zensical rebuilds
    every page when a template's time stamp changes."""
    for rel, data in files.items():
        path = dest / rel
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for path in sorted(dest.rglob("*"), reverse=True):
        if path.is_file() and path.relative_to(dest) not in files:
            path.unlink()


def _link_tree(source: Path, dest: Path) -> None:
    """Make dest a copy of source out of hard links (copies where links cannot be made),
    touching only what changed: Zensical's page cache holds only for files left alone."""
    wanted: set[Path] = set()
    for base, dirs, files in os.walk(source):
        dirs.sort()
        rel = Path(base).relative_to(source)
        (dest / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            src, dst = Path(base) / name, dest / rel / name
            wanted.add(rel / name)
            try:
                have, want = dst.stat(), src.stat()
                if (have.st_dev, have.st_ino) == (want.st_dev, want.st_ino) or (
                    (have.st_size, have.st_mtime_ns) == (want.st_size, want.st_mtime_ns)
                    and have.st_dev != want.st_dev
                ):
                    continue  # the same file, or an unchanged copy on another file system
                dst.unlink()
            except FileNotFoundError:
                pass
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
    for base, _, files in os.walk(dest, topdown=False):
        rel = Path(base).relative_to(dest)
        for name in files:
            if rel / name not in wanted:
                (Path(base) / name).unlink()
        if base != str(dest) and not os.listdir(base):
            os.rmdir(base)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_WHERE = re.compile(r"\[\s*(\S+:\d+:\d+)\s*\]")


def zensical_warnings(output: str) -> list[str]:
    """Zensical's warnings as `file:line:col: message` (it draws each one as a box)."""
    warnings: list[str] = []
    lines = _ANSI.sub("", output).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Warning:"):
            message = line.removeprefix("Warning:").strip()
            where = _WHERE.search(lines[i + 1]) if i + 1 < len(lines) else None
            warnings.append(f"{where.group(1)}: {message}" if where else message)
    return warnings


def _run_zensical(settings: Settings, stage: Path, strict: bool) -> list[str]:
    """Build stage/content into stage/site; the warnings, or BuildFailed."""
    command = [sys.executable, "-m", "zensical", "build", "-f", str(stage / "mkdocs.yml")]
    # a child's environment: ours, with the build date (no stage reads it) and no colours
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(settings.epoch), "NO_COLOR": "1"}
    run = subprocess.run(
        [*command, "--strict"] if strict else command,
        cwd=stage,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    warnings = zensical_warnings(run.stdout + run.stderr)
    if run.returncode == 0 and (stage / "site").is_dir():
        return warnings
    if strict and warnings:
        raise BuildFailed(
            f"zensical build failed: {len(warnings)} warnings in strict mode: {_brief(warnings)}"
        )
    last = [line for line in _ANSI.sub("", run.stderr).splitlines() if line.strip()]
    why = last[-1] if last else f"exit status {run.returncode}"
    raise BuildFailed(f"zensical build failed: {why}; {_brief(warnings)}")


def _build_zensical(settings: Settings, target: Path, strict: bool) -> BuildOutcome:
    import yaml

    paths = settings.paths
    stage = paths.cache / "zensical"
    stage.mkdir(parents=True, exist_ok=True)
    with open(stage / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time uses the staging project
        config = _zensical_config(paths.root / "mkdocs.yml", stage, settings.epoch)
        text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
        config_file = stage / "mkdocs.yml"
        if not config_file.is_file() or config_file.read_text(encoding="utf-8") != text:
            config_file.write_text(text, encoding="utf-8")  # a new time stamp: every page rebuilt
        built = stage / "site"
        shutil.rmtree(built, ignore_errors=True)
        _link_tree(paths.content, stage / "content")
        try:
            warnings = _run_zensical(settings, stage, strict)
            tmp = _temporary_beside(target)
            try:
                os.replace(built, tmp)  # onto the empty directory: same file system, one rename
            except OSError:  # target on another file system than the cache
                try:
                    shutil.copytree(built, tmp, dirs_exist_ok=True)
                except BaseException:
                    shutil.rmtree(tmp, ignore_errors=True)
                    raise
            tmp.chmod(0o755)
        finally:
            shutil.rmtree(built, ignore_errors=True)
        return _swap(tmp, target, warnings)
