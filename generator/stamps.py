"""Stamps: what a stage's inputs and output were when it last ran, so an unchanged run is skipped.

A stage hashes its inputs (files and trees, the package's code, its settings) and, after a
run, writes the hash with the state of its output tree to `.cache/stamps/<stage>.json`.
The next run is skipped only when both still hold: the inputs are the same and the output
on disk is what the stage wrote (a hand-edited, added or deleted output file is made
again). Inputs are hashed by their bytes; the output's state is every file's path, size
and modification time (as make and rsync judge), so checking a 50 MB site/ reads no file. A stamp is
a shortcut, never a source: deleting `.cache/` changes no output byte.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pydantic_core

PACKAGE = Path(__file__).resolve().parent


def _walk(root: Path) -> Iterable[Path]:
    if root.is_file():
        yield root
        return
    for base, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            yield Path(base) / name


def tree_digest(*roots: Path, skip: Iterable[str] = ()) -> str:
    """Names and bytes of every file under the roots (files or directories; missing ones count
    as missing), except those whose first path part under their root is in skip."""
    digest = hashlib.sha256()
    skipped = frozenset(skip)
    for root in roots:
        digest.update(f"\0root {root.name} {root.exists()}\0".encode())
        for path in _walk(root):
            rel = path.relative_to(root).as_posix() if path != root else path.name
            if rel.split("/", 1)[0] in skipped:
                continue
            digest.update(f"\0{rel}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def file_states(root: Path) -> dict[str, list[int]]:
    """Every file under root: its path (relative, with /) -> [size, modification time in ns].
    What an output looked like when it was written, without reading its bytes. (os.scandir
    and plain strings: five times faster than Path objects over a content/ tree.)"""
    out: dict[str, list[int]] = {}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_dir():  # a link to a folder: not walked into, as os.walk
                    continue
                else:
                    st = entry.stat()
                    out[prefix + entry.name] = [st.st_size, st.st_mtime_ns]

    if root.is_file():
        st = root.stat()
        return {".": [st.st_size, st.st_mtime_ns]}
    if root.is_dir():
        walk(str(root), "")
    return out


def states_hash(states: dict[str, list[int]]) -> str:
    """One hash of a tree's file_states."""
    return hashlib.sha256(json.dumps(states, sort_keys=True).encode()).hexdigest()


def tree_state(root: Path) -> str:
    """One hash of file_states(root)."""
    return states_hash(file_states(root))


@cache
def code_version() -> str:
    """A hash of the package's modules and vocabulary: a change to the code that made an
    output invalidates it."""
    return tree_digest(PACKAGE)[:16]


def inputs_digest(*parts: Any) -> str:
    """One hash of a stage's inputs: trees (Paths) and plain values (settings)."""
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        value = tree_digest(part) if isinstance(part, Path) else json.dumps(part, sort_keys=True, default=str)
        digest.update(f"\0{value}".encode())
    return digest.hexdigest()


def _path(cache_dir: Path, stage: str) -> Path:
    return cache_dir / "stamps" / f"{stage}.json"


def unchanged(cache_dir: Path, stage: str, inputs: str, output: Path) -> dict[str, Any] | None:
    """The stamp's saved data when the stage may be skipped; None when it must run. (A
    stamp is two lines: the inputs and the output's state, then the data. The data, which
    may be every record, is parsed only when the stage is skipped.)"""
    try:
        head, _, data = _path(cache_dir, stage).read_bytes().partition(b"\n")
    except OSError:
        return None
    if _intact_inputs(head, output) != inputs:
        return None
    try:
        saved = json.loads(data)
    except ValueError:
        return None
    return saved if isinstance(saved, dict) else None


def last_inputs(cache_dir: Path, stage: str, output: Path) -> str | None:
    """The inputs of the stage's last run while its output tree is still as that run left
    it; None otherwise (no stamp, or the output changed since)."""
    try:
        with _path(cache_dir, stage).open("rb") as f:
            head = f.readline()
    except OSError:
        return None
    return _intact_inputs(head, output)


def _intact_inputs(head: bytes, output: Path) -> str | None:
    """The inputs a stamp's first line records, if the output tree is as it records."""
    try:
        stamp = json.loads(head)
    except ValueError:
        return None
    if not isinstance(stamp, dict) or not output.is_dir() or stamp.get("output") != tree_state(output):
        return None
    inputs = stamp.get("inputs")
    return inputs if isinstance(inputs, str) else None


def record(
    cache_dir: Path, stage: str, inputs: str, output: Path, data: dict[str, Any], state: str | None = None
) -> None:
    """Remember a run that succeeded: its inputs, its output tree as written (`state`: its
    tree_state, when the caller has it), and data to report."""
    path = _path(cache_dir, stage)
    path.parent.mkdir(parents=True, exist_ok=True)
    head = {"inputs": inputs, "output": state if state is not None else tree_state(output)}
    tmp = path.with_suffix(".tmp")
    # pydantic-core's encoder (no line breaks): the data may hold every record (extract's),
    # which the standard library's would take a tenth of a second to write
    tmp.write_bytes(pydantic_core.to_json(head) + b"\n" + pydantic_core.to_json(data))
    os.replace(tmp, path)


def forget(cache_dir: Path, stage: str) -> None:
    _path(cache_dir, stage).unlink(missing_ok=True)
