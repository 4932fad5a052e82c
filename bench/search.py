"""Search at scale: synthetic corpora from the real records at 1× and 100× (≈51,000
projects). Prints index build time per step, index bytes on disk, number of browser
files, bytes a browser fetches for one query (the golden queries, after the page has
loaded), and keypress-to-results time in headless Chromium. Prints; never asserts.

    .venv/bin/python bench/search.py          # 1x
    .venv/bin/python bench/search.py 1 100    # 100x takes about ten minutes
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
warnings.simplefilter("ignore")

from bench.scale import make_corpus  # noqa: E402
from generator.corpus import build_corpus  # noqa: E402
from generator.generate.similar import similar_projects  # noqa: E402
from generator.paths import Paths  # noqa: E402
from generator.problems import Report  # noqa: E402
from generator.records import load_records  # noqa: E402
from generator.search import analysis, documents, engine, postings, write_browser_index  # noqa: E402
from generator.settings import Settings  # noqa: E402
from generator.sources import load_sources  # noqa: E402

GOLDEN = REPO / "tests/fixtures/search"
QUERIES = [
    q["query"]
    for name in ("golden_queries.yaml", "golden_queries_typed.yaml")
    for q in yaml.safe_load((GOLDEN / name).read_text(encoding="utf-8"))
]


def _size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def in_browser(out: Path, queries: list[str]) -> tuple[list[float], list[int], int]:
    """Serve the browser index with the real search.js and type each query into the header
    box, as a reader does: milliseconds from the keystroke to the dropdown's results, and the
    bytes the page fetched for the query (performance resource entries), each query on a
    freshly loaded page whose one-time tables are already loaded.
    Also the bytes of the first query's one-time tables (fold.json, abbreviations.json)."""
    from playwright.sync_api import sync_playwright

    site = out.parent
    (site / "javascripts").mkdir(exist_ok=True)
    (site / "javascripts" / "search.js").write_text(
        (REPO / "content/javascripts/search.js").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (site / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><body><div class="md-header__inner"></div>'
        '<script src="javascripts/search.js"></script>',
        encoding="utf-8",
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fetched = "performance.getEntriesByType('resource').reduce((n, e) => n + e.encodedBodySize, 0)"
    tables = "performance.getEntriesByType('resource').filter(e => /fold|abbrev/.test(e.name))"
    times, sizes = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        for q in queries:  # each query on a freshly loaded page: its own cost, nothing remembered
            page.goto(url)
            box = page.wait_for_selector(".bs-header-search input")
            box.focus()  # loads the one-time tables, as a reader's first click in the box does
            page.wait_for_load_state("networkidle")
            before = page.evaluate(fetched)
            start = time.perf_counter()
            box.fill(q)
            page.wait_for_function(
                f"document.querySelector('.bs-header-search input').value === {json.dumps(q)} && "
                "document.querySelector('.bs-header-search').dataset.state === 'done'"
            )
            times.append((time.perf_counter() - start) * 1000)
            sizes.append(page.evaluate(fetched) - before)
        one_time = page.evaluate(f"{tables}.reduce((n, e) => n + e.encodedBodySize, 0)")
        browser.close()
    server.shutdown()
    return times, sizes, one_time


def run(factor: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        n = make_corpus(root, factor)
        paths = Paths(root)
        corpus = build_corpus(load_records(paths, Report()).records, load_sources(paths, Report()) or [])
        docs = documents(corpus, root / "content")
        t0 = time.perf_counter()
        stored, found = postings.postings(docs)
        t1 = time.perf_counter()
        if Settings.from_environment(os.environ).similar:
            similar_projects(corpus)
        t2 = time.perf_counter()
        out = root / "site" / "search"
        write_browser_index(stored, found, out, corpus)
        t3 = time.perf_counter()
        engine.build_index(docs, paths.search_index, analysis.harvest_dictionary(corpus.projects))
        t4 = time.perf_counter()
        ix_files, ix_bytes = _size(paths.search_index)
        files, size = _size(out)
        ms, fetched, one_time = in_browser(out, QUERIES)
        print(f"{factor}x: {n} projects, {len(docs)} documents")
        print(
            f"  browser postings {t1 - t0:.1f} s, similar projects {t2 - t1:.1f} s, "
            f"browser index written {t3 - t2:.1f} s; the command line's whoosh index {t4 - t3:.1f} s"
        )
        print(f"  whoosh index on disk {ix_bytes / 1e6:.1f} MB in {ix_files} files")
        print(f"  browser index {size / 1e6:.1f} MB in {files} files")
        kb = sorted(f / 1e3 for f in fetched)
        print(
            f"  bytes fetched per query ({len(QUERIES)} golden queries typed into the header box): "
            f"median {statistics.median(kb):.0f} KB, p90 {kb[int(len(kb) * 0.9)]:.0f} KB, "
            f"max {kb[-1]:.0f} KB; once per visit: fold.json + abbreviations.json {one_time / 1e3:.0f} KB"
        )
        ms.sort()
        print(
            f"  keypress to dropdown results in Chromium ({len(ms)} queries): "
            f"median {statistics.median(ms):.0f} ms, p90 {ms[int(len(ms) * 0.9)]:.0f} ms, "
            f"max {ms[-1]:.0f} ms",
            flush=True,
        )


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["1"]:
        run(int(arg))
