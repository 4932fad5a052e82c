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
    assert "党委业务经费" in body and "160.00万元" in body and "1,600,000元" in body
    assert "促进县委各项工作高效有序运转" in body
    assert not errors, errors


def test_project_page_fits_a_phone(browser, base_url):
    page, errors = _page(browser, 375)
    page.goto(base_url + "/departments/xiangyuan-003/")
    page.locator("article a", has_text="党委业务经费").first.click()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator("article").inner_text().count("160.00万元") >= 1
    assert not errors, errors


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
