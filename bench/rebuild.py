"""Rebuilds in seconds: the seed corpus copied to a scratch root, then `budget-site site`
cold, again with nothing changed, and after a hand correction (three in turn, their
median printed); a bare mkdocs build of the same pages for comparison. Prints seconds
per stage (each stage's own summary line), the warm/bare ratio and how many files of
content/ and site/ each rebuild changed. Prints figures; never asserts.

    .venv/bin/python bench/rebuild.py
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CORRECTIONS = 3


def _copy(root: Path) -> None:
    from generator.generate import copy_handwritten

    for name in ("data", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    copy_handwritten(REPO / "content", root / "content")


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def _changed(before: dict[str, str], after: dict[str, str]) -> int:
    return sum(1 for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _site(root: Path) -> tuple[float, list[str]]:
    # the environment `make site` gives it: the Makefile unexports PYTHONDONTWRITEBYTECODE
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    out = subprocess.run(
        [str(BIN / "budget-site"), "--root", str(root), "site"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    seconds = time.perf_counter() - start
    stages = [
        line for line in out.stdout.splitlines() + out.stderr.splitlines() if re.search(r" in [\d.]+ s", line)
    ]
    return seconds, stages


def _bare(root: Path) -> float:
    """mkdocs alone on the same content/ (its own site dir), as a reader's baseline."""
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "mkdocs"), "build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(root / "bare-site")],
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - start


def _report(title: str, seconds: float, stages: list[str]) -> None:
    print(f"{title}: {seconds:.1f} s wall")
    for line in stages:
        print(f"    {line}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _copy(root)
        cold, stages = _site(root)
        _report("cold `budget-site site`", cold, stages)
        content, site = _hashes(root / "content"), _hashes(root / "site")
        warm, stages = _site(root)
        _report("warm, nothing changed", warm, stages)
        bare = _bare(root)
        print(f"bare mkdocs build of the same pages: {bare:.1f} s; warm / bare = {warm / bare:.2f}")
        print(
            f"    files changed by the warm run: content/ {_changed(content, _hashes(root / 'content'))}, "
            f"site/ {_changed(site, _hashes(root / 'site'))}"
        )
        record = sorted((root / "data" / "records").glob("*.yaml"))[100]
        corrections = root / "data" / "corrections"
        corrections.mkdir(exist_ok=True)
        without = []
        # three corrections in turn (the machine's speed varies by a second from run to run)
        for n in range(1, CORRECTIONS + 1):
            (corrections / f"{record.stem}.yaml").write_text(
                f"project_id: {record.stem}\nreason: bench\nset:\n  overview: 人工更正（第{n}次）。\n",
                encoding="utf-8",
            )
            content, site = _hashes(root / "content"), _hashes(root / "site")
            one, stages = _site(root)
            _report(f"after hand correction {n} of {CORRECTIONS}", one, stages)
            build = next(
                (
                    float(m.group(1))
                    for s in stages
                    if s.startswith("built")
                    for m in [re.search(r" in ([\d.]+) s", s)]
                    if m
                ),
                0.0,
            )
            without.append(one - build)
            print(f"    without the builder: {one - build:.1f} s (builder {build:.1f} s)")
            c, s = _changed(content, _hashes(root / "content")), _changed(site, _hashes(root / "site"))
            print(f"    files changed: content/ {c} of {len(content)}, site/ {s} of {len(site)}")
        print(
            f"after one hand correction, without the builder: median {statistics.median(without):.1f} s, "
            f"min {min(without):.1f} s, max {max(without):.1f} s"
        )


if __name__ == "__main__":
    main()
