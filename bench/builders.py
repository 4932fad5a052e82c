"""mkdocs-material against Zensical, behind generator/build.py, on the same generated content.

For each scale (the synthetic corpora of bench/scale.py: 1× = the real records, 10×, 100×)
the content is generated once, then built by each builder in its own process (so its
seconds and peak memory are its own), strict as the site is built, into its own directory:

- seconds: wall time of `build_site` (Zensical: cold, its page cache emptied first; then
  warm, a second build of the same content with the cache it left);
- peak MB: the largest resident set of the build's processes (the Python process, and for
  Zensical its `zensical build` child);
- fidelity against the mkdocs site: the same HTML files; the same internal links from each
  page (resolved to the file they reach; theme bundles left out); broken internal links
  (missing file or missing anchor) in each site; the article of each page the same;
- search: each page loads our javascripts/search.js and has the header it mounts on, no
  theme search UI of the builder's own, and in headless Chromium (when /usr/bin/chromium is
  there) typing 高龄津贴 in the header box opens the dropdown with results;
- strict: the strict build passed; and on a small planted project, which kinds of broken
  link each builder reports (missing page, missing anchor, absolute link, link to a
  directory), so a strict build fails on them.

Prints one table; never asserts.

    .venv/bin/python bench/builders.py            # 1x and 10x
    .venv/bin/python bench/builders.py 1 10 100   # 100x generates for a long while
    BUDGET_SITE_SIMILAR=0 … skips 相似项目 (always off at 100×, where it dominates the run)
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.scale import make_corpus  # noqa: E402
from generator.settings import BUILDERS, Settings  # noqa: E402

REFERENCE = "mkdocs"
# links into the theme's own bundles: hashed names that differ by builder, not content
THEME_BUNDLES = ("assets/javascripts/", "assets/stylesheets/")
_HREF = re.compile(r'<(?:a|link|script|img)\b[^>]*?\b(?:href|src)="([^"]*)"', re.S)
_ID = re.compile(r'\bid="([^"]+)"')
# the theme's "skip to content" link: to the first heading (mkdocs) or to an anchor of its own
_SKIP = re.compile(r'<a href="[^"]*" class="md-skip">')
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)

# ---------------------------------------------------------------- one build, in its own process


def _build_one(root: str, builder: str, site: str, strict: bool) -> dict[str, object]:
    from generator.build import BuildFailed, build_site

    t0 = time.perf_counter()
    try:
        outcome = build_site(Settings(root=Path(root), builder=builder, strict=strict), site_dir=Path(site))
        result: dict[str, object] = {"pages": outcome.pages, "bytes": outcome.bytes}
        result["warnings"] = outcome.warnings
    except BuildFailed as exc:
        result = {"failed": str(exc)[:2000]}
    result["seconds"] = round(time.perf_counter() - t0, 1)
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    result["cpu_seconds"] = round(own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime, 1)
    result["peak_mb"] = round(
        max(_own_peak_kb(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    )
    return result


def _own_peak_kb() -> int:
    """This process's peak resident set since it started. Not RUSAGE_SELF: on Linux that
    keeps the peak of the process it was forked from (here the bench, after generating)."""
    status = Path("/proc/self/status")
    if status.exists():
        found = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), flags=re.M)
        if found:
            return int(found.group(1))
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


STALL_SECONDS = 300  # a build whose processes use no CPU for this long is hung


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and all its descendants (psutil, as distributed installs it)."""
    import psutil

    try:
        procs = [psutil.Process(pid)]
        procs += procs[0].children(recursive=True)
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for proc in procs:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def build_in_child(root: Path, builder: str, site: Path, strict: bool = True) -> dict:
    """One build in its own process group. A build that uses no CPU for STALL_SECONDS
    (Zensical 0.0.73 deadlocked so at 100×) is killed and reported as hung."""
    command = [sys.executable, __file__, "--build-one", str(root), builder, str(site), str(int(strict))]
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen(
            command, stdout=out, stderr=subprocess.DEVNULL, cwd=REPO, start_new_session=True
        )
        last_cpu, last_change = -1.0, time.perf_counter()
        while child.poll() is None:
            time.sleep(1)
            cpu = _cpu_seconds(child.pid)
            if cpu > last_cpu:
                last_cpu, last_change = cpu, time.perf_counter()
            elif time.perf_counter() - last_change > STALL_SECONDS:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
                waited = round(time.perf_counter() - start)
                return {
                    "failed": f"hung: no CPU for {STALL_SECONDS} s, killed after {waited} s",
                    "seconds": waited,
                    "cpu_seconds": round(last_cpu, 1),
                    "peak_mb": "-",
                }
        out.seek(0)
        lines = out.read().strip().splitlines()
    if child.returncode != 0 or not lines:
        why = f"the build process exited with status {child.returncode}"
        return {
            "failed": why,
            "seconds": round(time.perf_counter() - start),
            "cpu_seconds": "-",
            "peak_mb": "-",
        }
    return json.loads(lines[-1])


# ---------------------------------------------------------------- fidelity


def html_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def _target(site: Path, rel: str) -> Path:
    path = site / rel
    return path / "index.html" if path.is_dir() or rel.endswith("/") or rel == "" else path


def internal_links(site: Path, pages: set[str]) -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    """(page, resolved target#fragment) for every internal link; and the ids of each page."""
    links: set[tuple[str, str]] = set()
    ids: dict[str, set[str]] = {}
    for page in sorted(pages):
        if page == "404.html":  # served at any address: its links start from site_url, not from it
            continue
        text = _SKIP.sub("", (site / page).read_text(encoding="utf-8"))
        ids[page] = set(_ID.findall(text))
        base = "http://site/" + page
        for href in _HREF.findall(text):
            href = href.replace("&amp;", "&")
            if href.startswith(("http:", "https:", "mailto:", "javascript:", "data:", "//")):
                continue
            url = urlsplit(urljoin(base, href))
            if url.netloc != "site":
                continue
            rel = unquote(url.path.lstrip("/"))
            rel = rel + "index.html" if rel == "" or rel.endswith("/") else rel  # "", "." and "./"
            if rel.startswith(THEME_BUNDLES):
                continue
            links.add((page, rel + (f"#{url.fragment}" if url.fragment else "")))
    return links, ids


def _broken(site: Path, links: set[tuple[str, str]], ids: dict[str, set[str]]) -> tuple[int, int]:
    """Links to no file; links to an anchor the page lacks."""
    missing = anchors = 0
    for _, target in links:
        rel, _, fragment = target.partition("#")
        path = _target(site, rel)
        if not path.is_file():
            missing += 1
            continue
        page = path.relative_to(site).as_posix()
        if fragment and page in ids and fragment not in ids[page]:
            anchors += 1
    return missing, anchors


def _article(text: str) -> list[str]:
    found = _ARTICLE.search(text)
    body = (found.group(1) if found else "").replace('<a id="__skip" tabindex="-1"></a>', "")
    return [line.strip() for line in body.splitlines() if line.strip()]


_HEAD = re.compile(
    r'<title>(.*?)</title>|<meta (?:property|name)="((?:og|twitter):[^"]+|description)" content="([^"]*)"'
    r'|<link rel="canonical" href="([^"]*)"',
    re.S,
)


def _head(text: str) -> list[tuple[str, ...]]:
    """What a reader, a search engine or a share card takes from the head: title, metadata."""
    head = text.split("</head>", 1)[0]
    return [tuple(g for g in m.groups() if g is not None) for m in _HEAD.finditer(head)]


def _head_difference(a: Path, b: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    head_a, head_b = _head(a.read_text(encoding="utf-8")), _head(b.read_text(encoding="utf-8"))
    return [x for x in head_a if x not in head_b], [x for x in head_b if x not in head_a]


def _search_markup(site: Path, pages: set[str]) -> dict[str, int]:
    """Pages that load our search.js, have the header it mounts on, and show a theme search."""
    ours = header = theirs = 0
    for page in pages:
        text = (site / page).read_text(encoding="utf-8")
        ours += "javascripts/search.js" in text
        header += 'class="md-header__inner' in text
        theirs += 'data-md-component="search"' in text
    return {"search_js": ours, "header": header, "theme_search": theirs}


def fidelity(reference: Path, site: Path) -> dict[str, object]:
    ref_pages, pages = html_pages(reference), html_pages(site)
    ref_links, ref_ids = internal_links(reference, ref_pages)
    links, ids = internal_links(site, pages)
    other = {
        p.relative_to(s).as_posix()
        for s in (reference, site)
        for p in s.rglob("*")
        if p.is_file() and not p.name.endswith(".html")
        if not p.relative_to(s).as_posix().startswith(THEME_BUNDLES)
    }
    files_differ = sorted(f for f in other if (reference / f).is_file() != (site / f).is_file())
    common = ref_pages & pages
    articles = [
        p
        for p in sorted(common)
        if _article((reference / p).read_text(encoding="utf-8")) != _article((site / p).read_text("utf-8"))
    ]
    heads = [
        p
        for p in sorted(common)
        if _head((reference / p).read_text(encoding="utf-8")) != _head((site / p).read_text("utf-8"))
    ]
    return {
        "heads_differ": len(heads),
        "head_examples": [_head_difference(reference / p, site / p) for p in heads[:2]],
        "html_only_reference": sorted(ref_pages - pages)[:5],
        "html_only_this": sorted(pages - ref_pages)[:5],
        "html_same": ref_pages == pages,
        "links": len(links),
        "links_only_reference": len(ref_links - links),
        "links_only_this": len(links - ref_links),
        "link_examples": sorted(ref_links ^ links)[:4],
        "broken": _broken(site, links, ids),
        "broken_reference": _broken(reference, ref_links, ref_ids),
        "articles_differ": len(articles),
        "article_examples": articles[:3],
        "other_files_differ": files_differ,
        "search": _search_markup(site, pages),
    }


# ---------------------------------------------------------------- search box, in Chromium


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def header_search_works(site: Path) -> str:
    """'yes (n hits)' when typing in the header box of a project page opens the dropdown."""
    if not Path("/usr/bin/chromium").exists():
        return "not measured (no /usr/bin/chromium)"
    from playwright.sync_api import Error, sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    project = next((site / "projects").glob("*/index.html")).parent.name
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{base}/projects/{project}/")
            box = ".bs-header-search input"
            page.click(box)
            page.keyboard.type("高龄津贴", delay=30)
            page.wait_for_selector(".bs-header-search[data-state=done] .bs-dropdown:not([hidden])")
            hits = page.locator("#bs-dropdown .bs-hit").count()
            browser.close()
            return f"yes ({hits} hits{', JS errors: ' + '; '.join(errors[:2]) if errors else ''})"
    except Error as exc:
        return f"NO: {str(exc).splitlines()[0][:200]}"
    finally:
        server.shutdown()


# ---------------------------------------------------------------- planted broken links

PLANTED = {
    "missing page": "[不存在](nowhere.md)",
    "missing anchor": "[锚](about.md#no-such-anchor)",
    "absolute link": "[绝对](/about/)",
    "link to a directory": "[目录](sub/)",
}


def planted_links(builder: str) -> str:
    """Which planted broken links the builder reports (each one is a strict failure)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
        config = re.sub(r"^nav:\n(?:  - .*\n)+", "nav:\n  - 首页: index.md\n", config, flags=re.M)
        config = re.sub(r"^extra_(?:css|javascript):\n(?:  - .*\n)+", "", config, flags=re.M)
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
        content = root / "content"
        (content / "sub").mkdir(parents=True)
        (content / "index.md").write_text("# 首页\n\n[关于](about.md)\n", encoding="utf-8")
        (content / "about.md").write_text("# 关于\n", encoding="utf-8")
        (content / "sub" / "index.md").write_text("# 子\n", encoding="utf-8")
        (content / "broken.md").write_text(
            "# 坏链接\n\n" + "\n\n".join(PLANTED.values()) + "\n", encoding="utf-8"
        )
        result = build_in_child(root, builder, root / "site", strict=False)
        if "failed" in result:
            return f"build failed: {result['failed'][:200]}"
        text = "\n".join(result["warnings"])
        # mkdocs quotes the link, Zensical points at its line (broken.md: line 3, 5, 7, 9)
        found = {
            kind: f"'{link.split('(')[1][:-1]}'" in text or f"broken.md:{3 + 2 * i}:" in text
            for i, (kind, link) in enumerate(PLANTED.items())
        }
        caught = [k for k, v in found.items() if v]
        missed = [k for k, v in found.items() if not v]
        return f"{len(caught)}/{len(PLANTED)} caught" + (f", missed: {', '.join(missed)}" if missed else "")


# ---------------------------------------------------------------- one scale


def run_scale(factor: int, similar: bool, builders: tuple[str, ...]) -> list[dict[str, Any]]:
    from generator.generate import run_generate

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix=f"builders-{factor}x-") as tmp:
        root = Path(tmp)
        projects = make_corpus(root, factor)
        t0 = time.perf_counter()
        generated = run_generate(Settings(root=root, similar=similar))
        gen_s = round(time.perf_counter() - t0, 1)
        print(f"# {factor}x: {projects} projects, {generated.pages} pages generated in {gen_s} s", flush=True)
        sites = {}
        for builder in builders:
            shutil.rmtree(root / ".cache" / "zensical", ignore_errors=True)  # cold
            site = root / f"site-{builder}"
            row: dict[str, Any] = {"factor": factor, "projects": projects, "builder": builder}
            row["similar"] = similar
            row.update(build_in_child(root, builder, site))
            row["strict"] = "pass" if "failed" not in row else "FAIL"
            if "failed" in row:  # still compare what it builds
                row.update(build_in_child(root, builder, site, strict=False) | {"strict": "FAIL"})
            if builder == "zensical":  # warm: same content, the page cache of the cold build
                warm = build_in_child(root, builder, root / "site-zensical-warm", strict=False)
                row["warm_seconds"], row["warm_peak_mb"] = warm.get("seconds"), warm.get("peak_mb")
                row["warm_cpu_seconds"] = warm.get("cpu_seconds")
                shutil.rmtree(root / "site-zensical-warm", ignore_errors=True)
            sites[builder] = site
            row["search_browser"] = header_search_works(site) if site.is_dir() else "no site"
            print(json.dumps(row, ensure_ascii=False), flush=True)
            rows.append(row)
        for row in rows:
            if row["builder"] != REFERENCE and sites[REFERENCE].is_dir() and sites[row["builder"]].is_dir():
                row["fidelity"] = fidelity(sites[REFERENCE], sites[row["builder"]])
            elif row["builder"] == REFERENCE and sites[REFERENCE].is_dir():
                links, ids = internal_links(sites[REFERENCE], html_pages(sites[REFERENCE]))
                row["fidelity"] = {
                    "links": len(links),
                    "broken": _broken(sites[REFERENCE], links, ids),
                    "search": _search_markup(sites[REFERENCE], html_pages(sites[REFERENCE])),
                }
            print(json.dumps(row, ensure_ascii=False), flush=True)
    return rows


def _issues(row: dict) -> str:
    fid = row.get("fidelity", {})
    out = []
    if fid.get("html_same") is False:
        out.append(f"HTML sets differ ({fid['html_only_reference']} | {fid['html_only_this']})")
    if fid.get("links_only_reference") or fid.get("links_only_this"):
        out.append(f"links differ (-{fid['links_only_reference']} +{fid['links_only_this']})")
    if fid.get("heads_differ"):
        out.append(
            f"{fid['heads_differ']} page heads differ (title/og/canonical), e.g. {fid['head_examples'][:1]}"
        )
    if fid.get("articles_differ"):
        out.append(f"{fid['articles_differ']} articles differ")
    if fid.get("other_files_differ"):
        out.append("files only in one: " + ", ".join(fid["other_files_differ"][:4]))
    search = fid.get("search", {})
    if search.get("theme_search"):
        out.append(f"theme search UI on {search['theme_search']} pages")
    if row.get("strict") == "FAIL":
        out.append("strict build failed: " + str(row.get("failed", ""))[:120])
    return "; ".join(out) or "none"


def main(factors: list[int]) -> None:
    from generator.build import builder_installed, builder_versions

    builders = tuple(b for b in BUILDERS if builder_installed(b))
    print("builders: " + "; ".join(f"{b}: {', '.join(builder_versions(b))}" for b in builders))
    print("planted broken links: " + "; ".join(f"{b}: {planted_links(b)}" for b in builders), flush=True)
    similar_env = os.environ.get("BUDGET_SITE_SIMILAR", "1") != "0"
    rows: list[dict[str, Any]] = []
    for factor in factors:
        rows += run_scale(factor, similar_env and factor < 100, builders)
    print()
    print(
        "| scale | projects | builder | seconds | CPU s | peak MB | pages | links | broken (file, anchor) "
        "| search box | strict | fidelity issues against mkdocs |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        fid = r.get("fidelity", {})
        seconds = f"{r['seconds']}" + (f" (warm {r['warm_seconds']})" if "warm_seconds" in r else "")
        cpu = f"{r['cpu_seconds']}" + (f" (warm {r['warm_cpu_seconds']})" if "warm_cpu_seconds" in r else "")
        print(
            f"| {r['factor']}× | {r['projects']} | {r['builder']} | {seconds} | {cpu} | {r['peak_mb']} "
            f"| {r.get('pages', '-')} | {fid.get('links', '-')} | {fid.get('broken', '-')} "
            f"| {r['search_browser']} | {r['strict']} | {_issues(r) if r['builder'] != REFERENCE else '—'} |"
        )


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--build-one":
        print(json.dumps(_build_one(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] == "1")))
    else:
        main([int(a) for a in sys.argv[1:]] or [1, 10])
