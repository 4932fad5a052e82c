"""A real headless Chromium (Debian's /usr/bin/chromium, installed by .ci/run) walks
the built fixture site the way a reader does."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, sync_playwright

from generator.build import build_site
from generator.generate import run_generate
from generator.settings import Settings
from tests.test_site import make_site_project

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> Iterator[str]:
    paths = make_site_project(tmp_path_factory.mktemp("browser"))
    run_generate(Settings(root=paths.root))
    build_site(Settings(root=paths.root))
    handler = functools.partial(_QuietHandler, directory=str(paths.root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


def _page(browser, width: int) -> tuple[Page, list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


def test_home_region_department_project(browser, base_url):
    page, errors = _page(browser, 1280)
    page.goto(base_url + "/")
    page.locator("article a", has_text="襄垣县").first.click()
    page.wait_for_url("**/regions/xiangyuan/")
    page.locator("article a", has_text="中共襄垣县委办公室").first.click()
    page.wait_for_url("**/departments/xiangyuan-003/")
    page.locator("article a", has_text="党委业务经费").first.click()
    page.wait_for_url("**/projects/2024-xiangyuan-003-*/")
    body = page.locator("article").inner_text()
    assert "党委业务经费" in body and "160.00万元" in body
    # the funds table is in 万元, the exact yuan on hover
    assert page.locator('article table span[title="1,600,000元"]').count() >= 1
    assert "促进县委各项工作高效有序运转" in body
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert "Made with" not in page.locator("footer").inner_text()
    assert not errors, errors


def test_project_page_fits_a_phone(browser, base_url):
    page, errors = _page(browser, 375)
    page.goto(base_url + "/departments/xiangyuan-003/")
    page.locator("article a", has_text="党委业务经费").first.click()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator("article").inner_text().count("160.00万元") >= 1
    # the key figures are on the first screen: amount, sources with shares, region, department
    first = page.locator(".bs-keyfacts")
    assert first.bounding_box()["y"] + first.bounding_box()["height"] <= 800
    assert "资金来源：市县" in first.inner_text() and "（100%）" in first.inner_text()
    # indicators are row blocks: every value is inside the viewport, no table scrolls sideways
    values = page.locator(".bs-indicators td:nth-child(4)")
    assert values.count() >= 3
    for i in range(values.count()):
        box = values.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, i
    wraps = page.locator(".bs-indicators .md-typeset__scrollwrap, .bs-indicators .md-typeset__table")
    assert all(wraps.nth(i).evaluate("e => e.scrollWidth <= e.clientWidth + 1") for i in range(wraps.count()))
    assert not errors, errors


def test_indicators_keep_the_forms_order_and_headers_sort_by_keyboard(browser, base_url):
    page, errors = _page(browser, 1280)
    page.goto(base_url + "/projects/2024-xiangyuan-003-2b883e54aa/")
    header = page.locator(".bs-indicators th").nth(3)
    before = page.locator(".bs-indicators td:nth-child(3)").all_inner_texts()
    header.dispatch_event("click")  # on the cell, not on its glossary link
    assert page.locator(".bs-indicators td:nth-child(3)").all_inner_texts() == before
    assert header.get_attribute("tabindex") is None
    page.goto(base_url + "/departments/")
    th = page.locator("article table").first.locator("th").first
    th.focus()
    page.keyboard.press("Enter")
    assert th.get_attribute("aria-sort") == "ascending" and th.get_attribute("tabindex") == "0"
    assert not errors, errors


def test_source_view_marks_the_tables_lines_as_text(browser, base_url):
    page, errors = _page(browser, 375)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base_url + "/projects/2024-xiangyuan-003-2b883e54aa/")
    page.locator("article a", has_text="第 110–224 行").first.click()
    page.wait_for_selector("#bs-source[data-state=done]")
    marked = page.locator(".bs-source-lines li.bs-hl")
    assert marked.count() == 224 - 110 + 1
    assert page.locator("#L110").get_attribute("class") == "bs-hl"
    assert "党委业务经费" in page.locator(".bs-source-lines").inner_text()
    assert page.locator(".bs-source-lines script, .bs-source-lines img").count() == 0
    # a document name that is not one of ours is refused, never fetched
    page.goto(base_url + "/source/?doc=../../etc/passwd")
    page.wait_for_selector("#bs-source[data-state=done]")
    assert "请从项目页" in page.locator("#bs-source-status").inner_text()
    assert not dialogs and not errors, errors


def test_hostile_project_name_is_shown_as_text(browser, base_url):
    page, errors = _page(browser, 1280)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base_url + "/projects/2024-xiangyuan-003-hostile0000/")
    assert "<script>alert(1)</script>" in page.locator("h1").inner_text()
    assert page.title().startswith("<script>alert(1)</script>")
    assert not dialogs and not errors


def test_tables_sort_by_amount(browser, base_url):
    page, errors = _page(browser, 1280)
    page.goto(base_url + "/departments/")
    table = page.locator("article table").first
    header = table.locator("th", has_text="年度资金（万元）")
    column = [h.strip() for h in table.locator("th").all_inner_texts()].index("年度资金（万元）")

    def amounts() -> list[float]:
        cells = table.locator(f"tbody tr td:nth-child({column + 1})").all_inner_texts()
        return [float(c.replace(",", "")) for c in cells]

    assert len(amounts()) >= 3
    header.click()
    assert amounts() == sorted(amounts())
    header.click()
    assert amounts() == sorted(amounts(), reverse=True)
    assert header.get_attribute("aria-sort") == "descending"
    assert not errors, errors
