"""Stage 5: content/ -> site/ with mkdocs-material.

This is the only module that imports mkdocs, so the builder can be swapped
(mkdocs-material 9.x reaches end of life in May 2027) without touching the
other stages, which only write plain Markdown.

The build is atomic: mkdocs writes into a temporary directory beside site/,
which replaces site/ only when the build succeeded; a failed build leaves the
previous site/ untouched. It is deterministic: SOURCE_DATE_EPOCH fixes the
dates mkdocs stamps into sitemap.xml and sitemap.xml.gz, so two builds of the
same content give byte-identical files.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator import stamps
from generator.settings import Settings

# partials that override the theme's, shipped with the package (not a project's custom_dir,
# so any project root builds the same): partials/languages/custom.html makes lang="zh-CN"
THEME = Path(__file__).resolve().parent / "theme"


class BuildFailed(Exception):
    """mkdocs reported an error (or a warning, in strict mode); site/ was not touched."""


@dataclass
class BuildOutcome:
    pages: int
    bytes: int
    warnings: list[str]
    unchanged: bool = False  # skipped: content/ and site/ were as the last build left them


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _brief(messages: list[str]) -> str:
    return "; ".join(m if len(m) < 300 else m[:300] + " …" for m in messages[:5])


def _size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(1 for p in files if p.name == "index.html"), sum(p.stat().st_size for p in files)


def _inputs(settings: Settings) -> str:
    from importlib.metadata import version

    paths = settings.paths
    given = [settings.epoch, settings.strict, version("mkdocs"), version("mkdocs-material")]
    return stamps.inputs_digest(paths.content, paths.root / "mkdocs.yml", given)


def build_site(settings: Settings, site_dir: Path | None = None) -> BuildOutcome:
    """Build content/ into site/ (or site_dir) atomically; raise BuildFailed on error.
    Skipped when content/, mkdocs.yml and the builder are as the last build found them and
    site/ is as it left it."""
    paths, strict = settings.paths, settings.strict
    target = site_dir or paths.site
    inputs = _inputs(settings)
    if (last := stamps.unchanged(paths.cache, "build", inputs, target)) is not None:
        return BuildOutcome(int(last["pages"]), int(last["bytes"]), list(last["warnings"]), unchanged=True)
    stamps.forget(paths.cache, "build")
    outcome = _build(settings, target, strict)
    data = {"pages": outcome.pages, "bytes": outcome.bytes, "warnings": outcome.warnings}
    stamps.record(paths.cache, "build", inputs, target, data)
    return outcome


def _build(settings: Settings, target: Path, strict: bool) -> BuildOutcome:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    paths = settings.paths
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=target.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; a static host must read it
    collect = _Collect()
    mk_log = logging.getLogger("mkdocs")
    mk_log.addHandler(collect)
    os.environ["SOURCE_DATE_EPOCH"] = str(settings.epoch)  # mkdocs stamps sitemap dates from it
    logging.getLogger("jieba").setLevel(logging.WARNING)  # the search plugin's segmenter chats on stderr
    try:
        config = load_config(str(paths.root / "mkdocs.yml"), site_dir=str(tmp), strict=strict)
        config["docs_dir"] = str(paths.content)
        config["theme"].dirs.insert(0, str(THEME))  # our partials before the theme's own
        build(config)
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
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
    pages, size = _size(target)
    return BuildOutcome(pages, size, collect.messages)
