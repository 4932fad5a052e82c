"""Files written through a mirror kept in .cache/: a file whose bytes are the same as at
the last run is hard-linked from the mirror, not created again.

Generate builds content/ afresh in a temporary tree each run. On a disk where creating a
file costs a journal entry and a block (0.1–2 ms here, against 0.02 ms for a link), the
search index's few hundred files, most of them unchanged after one correction, cost
more to create than to compute. The mirror holds the last bytes of each file, by its
path; a file is linked from it only after its bytes were compared with what is to be
written, so a mirror file changed by hand (through a link into an old content/) is
written again, never trusted. A mirror is a shortcut, never a source: deleting it
changes no output byte.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


class Mirror:
    """put(rel, data) writes `out`/rel by way of `store`/rel; prune() drops the mirror's
    files this run did not put. With store None, files are written straight to out."""

    def __init__(self, out: Path, store: Path | None) -> None:
        self.out, self.store = out, store
        self.used: set[str] = set()
        self.written = 0  # files whose bytes changed (created in the mirror)

    def put(self, rel: str, data: bytes) -> int:
        """Write out/rel with these bytes; returns their length."""
        target = self.out / rel
        if self.store is None:
            target.write_bytes(data)
            return len(data)
        kept = self.store / rel
        if not _holds(kept, data):
            kept.parent.mkdir(parents=True, exist_ok=True)
            part = kept.with_name(f".{kept.name}.{os.getpid()}")
            part.write_bytes(data)
            os.replace(part, kept)  # a content/ of before keeps the old file: its own link
            self.written += 1
        self.used.add(rel)
        try:
            os.link(kept, target)
        except OSError:  # another file system, or links not allowed
            shutil.copyfile(kept, target)
        return len(data)

    def prune(self) -> None:
        """Remove the mirror's files that this run did not put (and parts left by a crash)."""
        if self.store is None or not self.store.is_dir():
            return
        for base, _, files in os.walk(self.store):
            for name in files:
                path = Path(base) / name
                if path.relative_to(self.store).as_posix() not in self.used:
                    path.unlink(missing_ok=True)


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False
