"""Pagefind as an alternative browser search index, measured like bench/search.py.

For each corpus factor (synthetic copies from bench/scale.make_corpus) and two
variants — (a) raw Chinese text indexed with language "zh" (Pagefind's own
segmentation, extended binary), (b) the same text pre-segmented with
analysis.words joined by spaces (queries segmented the same way) — it builds a
Pagefind index through the Python API from custom records, serves it on
127.0.0.1 and, in headless Chromium, runs the first 40 golden queries:

- bytes of every response fetched for the query after the page and
  pagefind.init() have loaded (fresh browser context per query, so nothing is
  cached: the same "cold" basis as bench/search.py's fetched_bytes);
- ms from calling pagefind.search(q) to the data of the top 10 results being
  loaded, cold (same fresh context) and warm (one page, queries in sequence, as
  bench/search.py's keypress timing does);
- recall@10 of the golden `expect` projects (all 93 queries, and the 40).

Needs `pip install 'pagefind[extended]'`. Prints; never asserts.

    .venv/bin/python bench/pagefind_compare.py           # 1x and 10x
    .venv/bin/python bench/pagefind_compare.py 1 10 30
"""

from __future__ import annotations

import asyncio
import base64
import functools
import http.server
import json
import re
import resource
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
from generator.model import Record  # noqa: E402
from generator.paths import Paths  # noqa: E402
from generator.problems import Report  # noqa: E402
from generator.records import load_records  # noqa: E402
from generator.search import analysis  # noqa: E402

GOLDEN = yaml.safe_load((REPO / "tests/fixtures/search/golden_queries.yaml").read_text(encoding="utf-8"))
MEASURED = 40
CHROMIUM = dict(
    executable_path="/usr/bin/chromium",
    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
)


# --- the Python API's reader sleeps 0.1 s before reading each reply, i.e. 0.1 s per
# added record (51 s at 1x, 8.5 min at 10x). Same logic without the sleep.
def _patch_pagefind_reader() -> None:
    from pagefind.service import PagefindService

    async def _wait_for_responses(self) -> None:  # type: ignore[no-untyped-def]
        while True:
            output = await self._backend.stdout.readuntil(b",")
            resp = json.loads(base64.b64decode(output[:-1]))
            if resp is None:
                continue
            message_id = resp.get("message_id")
            if message_id is None and (orig := resp["payload"].get("original_message")):
                message_id = json.loads(orig).get("message_id")
            future = self._responses.get(message_id)
            if future is None:
                continue
            payload = resp["payload"]
            if payload["type"] == "Error":
                future.set_exception(Exception(payload["message"], payload.get("original_message")))
            else:
                future.set_result(payload)

    PagefindService._wait_for_responses = _wait_for_responses


def record_text(rec: Record) -> str:
    parts = [rec.project_name, rec.department_name, rec.unit_name, rec.region]
    parts += [ind.name for ind in rec.indicators]
    parts += [rec.overview, rec.goal_period, rec.goal_annual]
    return "\n".join(str(p) for p in parts if p)


def segmented(text: str) -> str:
    return " ".join(analysis.words(text))


def _peak_rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


async def build_index(records: list[dict], variant: str, out: Path) -> dict:
    from pagefind.index import PagefindIndex

    t0 = time.perf_counter()
    async with PagefindIndex(config={"output_path": str(out)}) as index:
        pid = index._service._backend.pid  # type: ignore[union-attr]
        batch = []
        for rec in records:
            text = record_text(rec)
            content = text if variant == "zh-raw" else segmented(text)
            batch.append(
                index.add_custom_record(
                    url=f"/projects/{rec.project_id}/",
                    content=content,
                    language="zh",
                    meta={"title": rec.project_name},
                )
            )
            if len(batch) >= 256:  # pipeline requests; the service handles them in order
                await asyncio.gather(*batch)
                batch = []
        await asyncio.gather(*batch)
        t_added = time.perf_counter()
        await index.write_files()
        peak = _peak_rss_kb(pid)
        index._index_id = None  # written already; __aexit__ must only close the service
        await index._service.close()  # type: ignore[union-attr]
    t1 = time.perf_counter()
    files = [p for p in out.rglob("*") if p.is_file()]
    return {
        "build_s": t1 - t0,
        "add_s": t_added - t0,
        "peak_rss_mb": peak / 1024 if peak else None,
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
    }


PAGE = """<!doctype html><meta charset="utf-8"><body><script type="module">
import * as pagefind from "/pagefind/pagefind.js";
await pagefind.init();
window.runQuery = async (q) => {
  const t0 = performance.now();
  const r = await pagefind.search(q);
  const data = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
  return {ms: performance.now() - t0, urls: data.map((d) => d.url), total: r.results.length};
};
window.pfReady = true;
</script>"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def browse(site: Path, queries: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    (site / "index.html").write_text(PAGE, encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    cold_kb, cold_ms, warm_ms, init_kb, urls, retries = [], [], [], [], {}, []
    with sync_playwright() as p:
        browser = p.chromium.launch(**CHROMIUM)

        # cold: fresh context per measured query, bytes counted after init
        def cold(q: str) -> None:
            ctx = browser.new_context()
            page = ctx.new_page()
            got: list[int] = []
            counting = {"on": False, "init": 0}

            def on_response(resp, got=got, counting=counting) -> None:
                try:
                    n = len(resp.body())
                except Exception:  # redirects etc.
                    n = 0
                if counting["on"]:
                    got.append(n)
                else:
                    counting["init"] += n

            page.on("response", on_response)
            try:
                page.goto(url)
                page.wait_for_function("window.pfReady === true")
                page.wait_for_load_state("networkidle")
                counting["on"] = True
                res = page.evaluate("q => runQuery(q)", q)
                page.wait_for_load_state("networkidle")
            finally:
                ctx.close()
            cold_kb.append(sum(got) / 1e3)
            cold_ms.append(res["ms"])
            init_kb.append(counting["init"] / 1e3)

        for q in queries[:MEASURED]:
            for _attempt in range(3):  # the worker now and then fails its first fetch
                try:
                    cold(q)
                    break
                except Exception as exc:
                    retries.append(f"{q}: {str(exc).splitlines()[0][:80]}")
        # warm: one page, every query in turn (recall from here, all queries)
        ctx = browser.new_context()
        page = ctx.new_page()
        page.goto(url)
        page.wait_for_function("window.pfReady === true")
        for i, q in enumerate(queries):
            for _attempt in range(3):
                try:
                    res = page.evaluate("q => runQuery(q)", q)
                    break
                except Exception as exc:
                    retries.append(f"warm {q}: {str(exc).splitlines()[0][:80]}")
                    page.goto(url)
                    page.wait_for_function("window.pfReady === true")
            urls[i] = res["urls"]
            if i < MEASURED:
                warm_ms.append(res["ms"])
        browser.close()
    server.shutdown()
    return {
        "cold_kb": cold_kb,
        "cold_ms": cold_ms,
        "warm_ms": warm_ms,
        "init_kb": init_kb,
        "urls": urls,
        "retries": retries,
    }


def recall(urls: dict[int, list[str]], id_of: dict[tuple[str, int], str], upto: int) -> tuple[int, int]:
    hit = total = 0
    for i, q in enumerate(GOLDEN[:upto]):
        for e in q.get("expect") or []:
            pid = id_of.get((e["file"], int(e["line"])))
            total += 1
            if pid and f"/projects/{pid}/" in urls.get(i, []):
                hit += 1
    return hit, total


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[int(len(xs) * p)]


def run(factor: int) -> None:
    with tempfile.TemporaryDirectory(prefix="pagefind-bench-") as tmp:
        root = Path(tmp)
        if factor == 1:
            records = load_records(Paths(REPO), Report()).records
        else:
            make_corpus(root / "corpus", factor)
            records = load_records(Paths(root / "corpus"), Report()).records
        id_of = {
            (r.source.file, r.source.line_start): r.project_id
            for r in records
            if not re.search(r"-x\d+$", r.project_id)
        }
        analysis.load_dictionary(analysis.harvest_dictionary(records))
        print(f"{factor}x: {len(records)} projects", flush=True)
        for variant in ("zh-raw", "zh-presegmented"):
            site = root / variant
            site.mkdir()
            built = asyncio.run(build_index(records, variant, site / "pagefind"))
            raw_queries = [q["query"] for q in GOLDEN]
            queries = raw_queries if variant == "zh-raw" else [segmented(q) or q for q in raw_queries]
            b = browse(site, queries)
            h40, t40 = recall(b["urls"], id_of, MEASURED)
            hall, tall = recall(b["urls"], id_of, len(GOLDEN))
            rss = f"{built['peak_rss_mb']:.0f} MB" if built["peak_rss_mb"] else "n/a"
            print(
                f"  [{variant}] build {built['build_s']:.1f} s (records added {built['add_s']:.1f} s), "
                f"pagefind peak RSS {rss}, python peak RSS "
                f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
            )
            print(
                f"    index {built['bytes'] / 1e6:.2f} MB in {built['files']} files; "
                f"initial load (pagefind.js+wasm+meta+entry) median {statistics.median(b['init_kb']):.0f} KB"
            )
            kb, cms, wms = b["cold_kb"], b["cold_ms"], b["warm_ms"]
            print(
                f"    fetched per query ({len(kb)} queries, cold): median {statistics.median(kb):.0f} KB, "
                f"p90 {_pct(kb, 0.9):.0f} KB, max {max(kb):.0f} KB"
            )
            print(
                f"    search+top-10 data: cold median {statistics.median(cms):.0f} ms, "
                f"p90 {_pct(cms, 0.9):.0f} ms; "
                f"warm page median {statistics.median(wms):.0f} ms, p90 {_pct(wms, 0.9):.0f} ms"
            )
            print(
                f"    recall@10: first {MEASURED} queries {h40}/{t40} = {h40 / max(t40, 1):.2f}; "
                f"all {len(GOLDEN)} queries {hall}/{tall} = {hall / max(tall, 1):.2f}",
                flush=True,
            )
            if b["retries"]:
                print(
                    f"    retried after browser errors: {len(b['retries'])} ({b['retries'][0]})", flush=True
                )


if __name__ == "__main__":
    _patch_pagefind_reader()
    for arg in sys.argv[1:] or ["1", "10"]:
        t = time.perf_counter()
        run(int(arg))
        print(f"  ({time.perf_counter() - t:.0f} s for {arg}x)", flush=True)
