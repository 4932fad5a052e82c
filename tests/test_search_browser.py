"""The browser index answers the golden queries in a real headless Chromium, through
the 搜索 page and its URL (so a search is a shareable link)."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from urllib.parse import quote, unquote

import pytest
from playwright.sync_api import sync_playwright

from generator.build import build_site
from generator.generate import copy_handwritten, run_generate
from generator.paths import Paths
from generator.problems import Report
from generator.records import load_records
from generator.settings import Settings
from tests.conftest import REPO
from tests.test_browser import CHROMIUM_ARGS, _QuietHandler
from tests.test_search import MIN_OVERALL, MIN_PER_KIND, expected_ids, recall_report


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("searchsite")
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    copy_handwritten(REPO / "content", root / "content")
    paths = Paths(root)
    run_generate(Settings(root=paths.root))
    build_site(Settings(root=paths.root))
    handler = functools.partial(_QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield paths, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def page(site):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.errors = errors  # type: ignore[attr-defined]
        yield pg
        browser.close()


def _browser_query(page, base_url: str, query: str, params: str = "") -> list[str]:
    page.goto(f"{base_url}/search/?q={quote(query)}{params}")
    page.wait_for_selector("#bs-search-app[data-state=done]")
    links = page.eval_on_selector_all(
        "#bs-results li.bs-hit",
        "lis => lis.map(li => [li.querySelector('.bs-kind').textContent.trim(),"
        " li.querySelector('a').getAttribute('href')])",
    )
    return [href.rstrip("/").rsplit("/", 1)[-1] for kind, href in links if kind == "项目"][:10]


def test_browser_recall_at_10(site, page, capsys):
    paths, base_url = site
    ids = expected_ids(load_records(paths, Report()).records)
    recall, lines, kinds = recall_report(lambda q: _browser_query(page, base_url, q), ids)
    with capsys.disabled():
        print("\n".join(["", "browser recall@10 per query:", *lines, f"overall recall@10: {recall:.1%}"]))
    assert recall >= MIN_OVERALL
    assert min(kinds.values()) >= MIN_PER_KIND, kinds
    assert not page.errors, page.errors


def test_no_results_says_so_with_suggestions(site, page):
    _, base_url = site
    assert _browser_query(page, base_url, "哈利波特魔杖") == []
    assert "没有找到" in page.inner_text("#bs-status")
    assert page.locator(".bs-suggest a").count() >= 3
    assert _browser_query(page, base_url, "！？") == []
    assert "没有找到" in page.inner_text("#bs-status")


def test_filters_live_in_the_url(site, page):
    _, base_url = site
    hits = _browser_query(page, base_url, "经费", "&region=1&min=100")
    assert hits and all("xiangyuan" in h for h in hits)
    amounts = page.eval_on_selector_all("#bs-results .bs-meta", "ms => ms.map(m => m.textContent)")
    assert all("万元" in a for a in amounts)
    assert page.input_value("#bs-region") == "1" and page.input_value("#bs-min") == "100"


def test_header_box_leads_to_results(site, page):
    _, base_url = site
    page.goto(base_url + "/")
    page.fill(".bs-header-search input", "高龄津贴")
    page.press(".bs-header-search input", "Enter")
    page.wait_for_selector("#bs-search-app[data-state=done]")
    assert unquote(page.url).endswith("?q=高龄津贴")
    assert "2024年高新区高龄津贴补助资金" in page.inner_text("#bs-results")
