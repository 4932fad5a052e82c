"""How the site build grows with the corpus: synthetic corpora made from the real
records at 1×, 10× and 100× (≈51,000 projects), seconds per stage, pages per second,
peak memory and site bytes. Prints figures; never asserts.

    .venv/bin/python bench/scale.py            # 1x and 10x
    .venv/bin/python bench/scale.py 1 10 100   # the full ladder (100x takes a while)
"""

from __future__ import annotations

import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def _suffix(name: str, k: int) -> str:
    """A copy's name: the YAML scalar with （第k批） appended, quoted or not."""
    if name[:1] in ("'", '"'):
        return name[:-1] + f"（第{k}批）" + name[-1]
    return f"{name}（第{k}批）"


def make_corpus(root: Path, factor: int) -> int:
    """Copy the real records `factor` times, each copy with its own id and name."""
    from generator.generate import copy_handwritten

    out = root / "data" / "records"
    out.mkdir(parents=True)
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    shutil.copyfile(REPO / "data" / "sources.yaml", root / "data" / "sources.yaml")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    copy_handwritten(REPO / "content", root / "content")
    # copies are made on the YAML text (no parse and dump): 51,300 records in seconds
    sources = sorted((REPO / "data" / "records").glob("*.yaml"))
    n = 0
    for k in range(factor):
        for path in sources:
            text = path.read_text(encoding="utf-8")
            pid = path.stem
            if k:
                pid = f"{path.stem}-x{k}"
                text = text.replace(f"project_id: {path.stem}\n", f"project_id: {pid}\n", 1)
                name = re.search(r"^project_name: (.*)$", text, flags=re.M)
                if name:
                    start, end = name.span(1)
                    text = text[:start] + _suffix(name.group(1), k) + text[end:]
            (out / f"{pid}.yaml").write_text(text, encoding="utf-8")
            n += 1
    return n


def run_one(factor: int) -> dict[str, float]:
    from generator.build import build_site
    from generator.generate import run_generate
    from generator.paths import Paths

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        n = make_corpus(root, factor)
        paths = Paths(root)
        t0 = time.perf_counter()
        gen = run_generate(Settings(root=paths.root))
        t1 = time.perf_counter()
        built = build_site(Settings(root=paths.root, strict=False))
        t2 = time.perf_counter()
        return {
            "factor": factor,
            "projects": n,
            "pages": built.pages,
            "generate_s": round(t1 - t0, 1),
            "steps": gen.seconds,
            "build_s": round(t2 - t1, 1),
            "pages_per_s": round(built.pages / (t2 - t0), 1),
            "generate_pages_per_s": round(gen.pages / (t1 - t0), 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "site_mb": round(built.bytes / 1e6, 1),
        }


def main(factors: list[int]) -> None:
    print("factor projects pages generate_s build_s pages/s gen_pages/s peak_rss_mb site_mb")
    for factor in factors:
        # one process per size, so peak memory is that size's own
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(factor)],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['factor']:>5}x {r['projects']:>8} {r['pages']:>6} {r['generate_s']:>10} {r['build_s']:>7} "
            f"{r['pages_per_s']:>7} {r['generate_pages_per_s']:>11} {r['peak_rss_mb']:>11} {r['site_mb']:>7}"
            f"   generate steps: {', '.join(f'{k} {v} s' for k, v in r['steps'].items())}",
            flush=True,
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]))))
    else:
        main([int(a) for a in sys.argv[1:]] or [1, 10])
