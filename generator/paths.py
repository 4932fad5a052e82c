"""Where each stage reads and writes, relative to a project root (tests use a tmp root)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

# The date every build stamps when SOURCE_DATE_EPOCH is not set: 2024-01-01, the
# corpus's budget year. Any fixed value makes builds byte-for-byte repeatable.
DEFAULT_EPOCH = "1704067200"


@dataclass(frozen=True)
class Paths:
    root: Path
    cache_dir: Path | None = None

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def sources(self) -> Path:
        return self.root / "data" / "sources.yaml"

    @property
    def records(self) -> Path:
        return self.root / "data" / "records"

    @property
    def corrections(self) -> Path:
        return self.root / "data" / "corrections"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def cache(self) -> Path:
        return self.cache_dir or self.root / ".cache"

    @property
    def search_index(self) -> Path:
        """The whoosh index of the command line: built by `budget-site search` from the
        documents `budget-site generate` lists (search_docs) when they changed."""
        return self.cache / "search-index"

    @property
    def search_docs(self) -> Path:
        """The search documents of the last `generate`, for the command line's index."""
        return self.cache / "search-docs.json"

    @property
    def extract_report(self) -> Path:
        return self.root / "data" / "extract-report.md"

    @functools.cached_property
    def _resolved_root(self) -> Path:
        return self.root.resolve()

    def rel(self, path: Path) -> str:
        """A path as messages show it: relative to the root when inside it."""
        try:
            return path.resolve().relative_to(self._resolved_root).as_posix()
        except ValueError:
            return path.as_posix()


# what generate writes into content/; the rest of content/ is hand-written
GENERATED_DIRS = (
    "projects",
    "departments",
    "regions",
    "assets/charts",
    "sources",
    "downloads",
    "api",
    "search",
)
GENERATED_FILES = ("index.md", "quality.md", "problems.md")
GENERATED_TOP = frozenset({d.split("/")[0] for d in GENERATED_DIRS} | set(GENERATED_FILES))


def handwritten(content: Path) -> list[Path]:
    """content/'s hand-written pages and folders (its top-level entries generate does not
    write), in name order."""
    if not content.is_dir():
        return []
    return sorted(p for p in content.iterdir() if p.name not in GENERATED_TOP)


def swap_in(tmp: Path, target: Path) -> None:
    """A finished tree in place of target (content/ or site/) in two renames; the old tree
    is renamed aside to .<name>-old-<pid>-<ns> and deleted in the background, with any such
    tree a crash left (and .<name>-old, the one name earlier versions used). A temporary
    tree of mkdtemp never matches: its names hold no "-" after the prefix."""
    old = target.with_name(f".{target.name}-old-{os.getpid()}-{time.monotonic_ns()}")
    stale = sorted(target.parent.glob(f".{target.name}-old-*"))
    stale += [legacy] if (legacy := target.with_name(f".{target.name}-old")).exists() else []
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    delete_later(*stale, *([old] if old.exists() else []))


def delete_later(*trees: Path) -> None:
    """Delete trees (an old content/ or site/, renamed aside: thousands of files) in a
    detached `rm -rf`, so neither this run nor its exit waits for it; where there is no
    `rm`, in this process. A tree a crash or a kill leaves is deleted by the next run."""
    rm = shutil.which("rm")
    for tree in trees:
        if rm is None:
            shutil.rmtree(tree, ignore_errors=True)
            continue
        subprocess.Popen(
            [rm, "-rf", "--", str(tree)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not in our process group: a Ctrl-C of ours does not stop it
        )
