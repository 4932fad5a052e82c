"""The issue's acceptance tests for pages: a real headless Chromium (Debian's
/usr/bin/chromium, with fonts-noto-cjk) reads a sample of pages of the site built from the
real seed corpus, at 375 px (a phone) and 1280 px (a desktop), both 800 px high.

The sample is chosen from the data, not by id (`choose_samples`): the project with the
most indicators, the longest same-name title (名称 · 单位), an OCR-reconciled project, the
project with the most flags among those with a 严重 one, the department with the most
projects and its region, and the home, 地区, 数据质量, 数据下载 and 搜索 pages.

For every sample page and width:
- the key figures end inside the first screen (test_key_figures_are_on_the_first_screen);
- no table cell is clipped and the page never scrolls sideways (test_no_table_cell_is_clipped);
- axe-core finds no serious or critical violation
  (test_axe_reports_no_serious_or_critical_violation);
- a full-page screenshot is written for review, to $BUDGET_SITE_SCREENSHOTS or else
  tests/.screenshots/ (git-ignored), named <sample>-<width>.png, with pages.tsv saying
  which page each sample is.

axe-core is the `axe.min.js` shipped inside the PyPI package axe-playwright-python (in
the `test` extra of pyproject.toml), read from disk and injected into the page: never
loaded from a CDN.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from generator.corpus import Corpus, build_corpus
from generator.generate import project_page
from generator.model import Record
from generator.problems import Report
from generator.records import load_records
from generator.sources import load_sources
from tests.conftest import REPO, CorpusSite
from tests.test_browser import CHROMIUM_ARGS, _page

pytestmark = pytest.mark.slow

WIDTHS = (375, 1280)
HEIGHT = 800  # the first screen
SHOT_MAX = 12_000  # px of a page's height a screenshot keeps
SCREENSHOTS = Path(os.environ.get("BUDGET_SITE_SCREENSHOTS") or REPO / "tests" / ".screenshots")
SERIOUS_IMPACTS = ("serious", "critical")

# every sample, in the order the screenshots are listed; the first screen is checked on
# those with key figures (the quality, downloads and search pages have none)
KINDS = (
    "home",
    "regions",
    "region",
    "department",
    "project-most-indicators",
    "project-same-name",
    "project-ocr",
    "project-serious",
    "quality",
    "downloads",
    "search",
)
FIGURE_KINDS = tuple(k for k in KINDS if k not in ("quality", "downloads", "search"))


@dataclass(frozen=True)
class Figure:
    """A key figure on a page: the first element matching `selector` whose text holds
    `text`; with `row`, the first table row whose first cell is exactly `text`."""

    name: str
    selector: str
    text: str = ""
    row: bool = False


@dataclass(frozen=True)
class Sample:
    kind: str
    path: str  # under the site's root, e.g. /projects/<id>/
    why: str
    figures: tuple[Figure, ...] = ()


@dataclass
class Measured:
    url: str
    width: int
    scroll_width: int = 0
    figures: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    clipped: list[dict[str, Any]] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    screenshot: Path | None = None


def _rows(*labels: str) -> tuple[Figure, ...]:
    return tuple(Figure(label, "article tr", label, row=True) for label in labels)


def _keyfacts(*counts: str, sources: bool) -> tuple[Figure, ...]:
    """A department's or region's key facts: its annual total, its counts ("N 个项目"),
    and its sources of money with their shares when it has any."""
    figures = [Figure("年度资金", ".bs-keyfacts strong", "年度资金")]
    figures += [Figure(count, ".bs-keyfacts p", count) for count in counts]
    if sources:
        figures.append(Figure("资金来源", ".bs-keyfacts p", "资金来源"))
    return tuple(figures)


def _project_sample(kind: str, why: str, p: Record, corpus: Corpus) -> Sample:
    dept = corpus.department_of[p.project_id]
    figures = [Figure("年度资金", ".bs-keyfacts strong", "年度资金")]
    if project_page.shares(p):
        figures.append(Figure("资金来源", ".bs-keyfacts p", "资金来源"))
    figures += [
        Figure("地区链接", ".bs-keyfacts a[href*='regions/']", dept.region.name),
        Figure("部门链接", ".bs-keyfacts a[href*='departments/']"),
    ]
    if project_page.flags(p):
        figures.append(Figure("数据质量提示", "article .admonition", "数据质量"))
    return Sample(kind, f"/projects/{p.project_id}/", f"{why}: {corpus.title(p)}", tuple(figures))


def choose_samples(corpus: Corpus) -> dict[str, Sample]:
    """The sample pages, chosen from the data; ties go to the smaller id, and a project
    already chosen for one kind is not chosen again while another qualifies."""
    taken: set[str] = set()

    def pick(kind: str, why: str, found: list[Record], key: Callable[[Record], Any]) -> Sample:
        assert found, f"the corpus has no {why}"
        fresh = [p for p in found if p.project_id not in taken] or found
        best = min(fresh, key=lambda p: (key(p), p.project_id))
        taken.add(best.project_id)
        return _project_sample(kind, why, best, corpus)

    projects = corpus.projects

    def serious(p: Record) -> bool:
        return any(f.severity == "严重" for f in project_page.flags(p))

    samples = [
        pick(
            "project-most-indicators",
            "the project with the most indicators",
            projects,
            lambda p: -len(p.indicators),
        ),
        pick(
            "project-ocr",
            "an OCR-reconciled project (budget_match and ocr_name_mismatch)",
            [p for p in projects if p.budget_match is not None and "ocr_name_mismatch" in p.quality_flags],
            lambda p: 0,
        ),
        pick(
            "project-same-name",
            "the longest same-name title (名称 · 单位)",
            [p for p in projects if " · " in corpus.title(p)],
            lambda p: -len(corpus.title(p)),
        ),
        pick(
            "project-serious",
            "the project with the most flags among those with a 严重 flag",
            [p for p in projects if serious(p)],
            lambda p: -len(project_page.flags(p)),
        ),
    ]
    dept = min(corpus.departments, key=lambda d: (-len(d.projects), d.key))
    region = min(corpus.regions, key=lambda r: (-len(r.projects), r.slug))
    samples += [
        Sample(
            "department",
            f"/departments/{dept.key}/",
            f"the department with the most projects: {dept.name} ({len(dept.projects)})",
            (
                *_keyfacts("个项目", sources=bool(dept.source_shares())),
                Figure("地区链接", ".bs-keyfacts a[href*='regions/']", dept.region.name),
            ),
        ),
        Sample(
            "region",
            f"/regions/{region.slug}/",
            f"the region with the most projects: {region.name} ({len(region.projects)})",
            _keyfacts("个部门", "个项目", sources=bool(region.source_shares())),
        ),
        Sample("home", "/", "the home page", _rows("项目", "年度资金合计")),
        Sample(
            "regions",
            "/regions/",
            "the regions list",
            (Figure("第一个地区", "article table tbody tr"),),
        ),
        Sample("quality", "/quality/", "the 数据质量 page"),
        Sample("downloads", "/downloads/", "the 数据下载 page"),
        Sample("search", "/search/", "the 搜索 page (no query)"),
    ]
    by_kind = {s.kind: s for s in samples}
    assert set(by_kind) == set(KINDS)
    return by_kind


# ------------------------------------------------------------------ in the page

_READY_JS = """() => document.readyState === 'complete' && document.fonts.status === 'loaded'
  && [...document.querySelectorAll('article table')].every(t => t.closest('.md-typeset__scrollwrap'))
  && !document.querySelector('#bs-search-app:not([data-state=done])')
  && document.getAnimations().length === 0"""

_FIGURES_JS = """(figures) => figures.map(([name, selector, text, row]) => {
  const found = [...document.querySelectorAll(selector)].find(e => row
    ? e.cells && e.cells.length && e.cells[0].innerText.trim() === text
    : e.innerText.includes(text));
  if (!found) return [name, null, null];
  const r = found.getBoundingClientRect();
  return [name, r.top, r.bottom];
})"""

# see test_no_table_cell_is_clipped for the rule
_CLIPPED_JS = """(vw) => {
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + [...e.classList].map(c => '.' + c).join('');
  const hiddenByDesign = cell => {
    for (let e = cell; e && e !== document.documentElement; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden') return true;
      if (s.clip === 'rect(0px, 0px, 0px, 0px)' || s.clipPath === 'inset(50%)') return true;
    }
    return false;
  };
  const out = [];
  const tables = [...document.querySelectorAll('article table')];
  tables.forEach((table, t) => [...table.querySelectorAll('th, td')].forEach(cell => {
    const text = cell.innerText.trim();
    if (!text || hiddenByDesign(cell)) return;
    const where = `table ${t + 1}, row ${cell.parentElement.rowIndex + 1}, column ${cell.cellIndex + 1}`;
    const report = why => out.push({where, text: text.slice(0, 40), why});
    if (cell.scrollWidth > cell.clientWidth + 1) {
      report(`its content is ${cell.scrollWidth}px wide, the cell ${cell.clientWidth}px`);
      return;
    }
    let box = cell.getBoundingClientRect();
    let what = 'the cell';
    for (let e = cell.parentElement; e && e !== document.documentElement; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.overflowX === 'visible') continue;
      const b = e.getBoundingClientRect();
      if (box.left >= b.left - 1 && box.right <= b.right + 1) continue;
      const scrolls = ['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1;
      if (!scrolls) {
        report(`${what} (${Math.round(box.left)}–${Math.round(box.right)}px) is cut by `
          + `${name(e)} (overflow-x: ${s.overflowX}, ${Math.round(b.left)}–${Math.round(b.right)}px)`);
        return;
      }
      if (box.width > e.clientWidth + 1) {
        report(`${what} is ${Math.round(box.width)}px wide, wider than its scroll box `
          + `${name(e)} (${e.clientWidth}px): it can never be seen whole`);
        return;
      }
      box = b;  // reachable by scrolling e: from here on, e must be seen
      what = 'its scroll box ' + name(e);
    }
    if (box.left < -1 || box.right > vw + 1) {
      report(`${what} (${Math.round(box.left)}–${Math.round(box.right)}px) is outside the `
        + `${vw}px viewport`);
    }
  }));
  return out;
}"""

_AXE_JS = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, impact: n.impact,
      summary: n.failureSummary}))}));
}"""


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def axe_source() -> str:
    try:
        bundled = files("axe_playwright_python").joinpath("axe.min.js")
    except ModuleNotFoundError:
        pytest.fail("axe-playwright-python (the test extra) is not installed: run `make install`")
    return bundled.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def samples(corpus_site: CorpusSite) -> dict[str, Sample]:
    paths = corpus_site.paths
    records = load_records(paths, Report()).records
    chosen = choose_samples(build_corpus(records, load_sources(paths, Report()) or []))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "pages.tsv").write_text(
        "".join(f"{k}\t{chosen[k].path}\t{chosen[k].why}\n" for k in KINDS), encoding="utf-8"
    )
    return chosen


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def measure(browser, corpus_site, samples, axe_source) -> Callable[[str, int], Measured]:
    """Each sample page at each width is loaded once and measured on first use: the key
    figures and the cells at the top of the unscrolled page, then axe-core, then a
    full-page screenshot."""
    done: dict[tuple[str, int], Measured] = {}

    def get(kind: str, width: int) -> Measured:
        if (kind, width) not in done:
            done[kind, width] = _measure(browser, corpus_site.base_url, samples[kind], width, axe_source)
        return done[kind, width]

    return get


def _measure(browser: Browser, base_url: str, sample: Sample, width: int, axe_source: str) -> Measured:
    page, _ = _page(browser, width)
    try:
        m = Measured(base_url + sample.path, width)
        page.goto(m.url)
        page.wait_for_function(_READY_JS)
        assert page.evaluate("window.scrollY") == 0
        m.figures = page.evaluate(_FIGURES_JS, [[f.name, f.selector, f.text, f.row] for f in sample.figures])
        m.scroll_width = page.evaluate("document.documentElement.scrollWidth")
        m.clipped = page.evaluate(_CLIPPED_JS, width)
        page.add_script_tag(content=axe_source)
        m.violations = page.evaluate(_AXE_JS)
        # last: a full-page capture can set off the theme's scroll-driven transitions (the
        # tabs hide), so it comes after every check, with transitions run to their end
        m.screenshot = SCREENSHOTS / f"{sample.kind}-{width}.png"
        # the whole page, up to SHOT_MAX px: the 数据质量 page is over 100,000 px tall at
        # 375 px, and its first screens are what a reviewer reads
        height = min(page.evaluate("document.documentElement.scrollHeight"), SHOT_MAX)
        clip = {"x": 0, "y": 0, "width": width, "height": height}
        page.screenshot(path=str(m.screenshot), full_page=True, clip=clip, animations="disabled")
        return m
    finally:
        page.close()


def _cases(kinds: tuple[str, ...]) -> list[Any]:
    return [pytest.param(k, w, id=f"{k}-{w}") for k in kinds for w in WIDTHS]


# ------------------------------------------------------------------ the tests


@pytest.mark.parametrize(("kind", "width"), _cases(FIGURE_KINDS))
def test_key_figures_are_on_the_first_screen(measure, samples, kind, width):
    """Each key figure of the page is on it and ends above the bottom of an 800 px high
    first screen, before any scrolling: on a project page the annual amount, the sources
    of money with their shares, the region and department links and, when the project
    has quality flags, the 数据质量 notice; on a department or region page its annual
    total, its counts (个部门, 个项目), its sources of money and (department) its region
    link; the home page's 项目 and 年度资金合计; the first row of the regions list."""
    m = measure(kind, width)
    missing = [name for name, top, _ in m.figures if top is None]
    low = [f"{name} ends at y={bottom:.0f}" for name, top, bottom in m.figures if bottom and bottom > HEIGHT]
    assert not missing and not low, (
        f"{m.url} at {width}px: missing {missing}; below the first {HEIGHT}px: {low}"
        f" (screenshot {m.screenshot})"
    )
    assert len(m.figures) == len(samples[kind].figures) >= 1


@pytest.mark.parametrize(("kind", "width"), _cases(KINDS))
def test_no_table_cell_is_clipped(measure, kind, width):
    """No table cell in the article (names, amounts, target values, and the labels that
    go with them) is clipped, and the document never scrolls sideways.

    The rule, for every non-empty <td>/<th> of an article table that is rendered (cells
    hidden by design are skipped: display:none, visibility:hidden, or the screen-reader
    only pattern clip:rect(0 0 0 0) / clip-path:inset(50%) used for the indicator
    headers on a phone, whose labels each cell repeats):
    1. its content fits the cell: scrollWidth <= clientWidth + 1;
    2. walking up its ancestors, wherever the cell (or, past a scroll box, that box)
       sticks out sideways of an ancestor whose overflow-x is not visible, that ancestor
       must be a scroll box that really scrolls (overflow-x auto/scroll and scrollWidth >
       clientWidth), so the reader can scroll the cell into view, and the cell must be no
       wider than the box, so it can be seen whole; anything else (overflow hidden/clip,
       a box that does not scroll) cuts the cell off;
    3. what the reader has to see without scrolling the page sideways — the cell itself,
       or the outermost scroll box that holds it — lies within the viewport [0, width].
    And document.documentElement.scrollWidth <= the viewport width.
    """
    m = measure(kind, width)
    lines = [f"{c['where']} «{c['text']}»: {c['why']}" for c in m.clipped]
    assert m.scroll_width <= width, f"{m.url} scrolls sideways at {width}px: scrollWidth {m.scroll_width}"
    if lines:
        pytest.fail(f"{m.url} at {width}px, {len(lines)} clipped cells:\n" + "\n".join(lines[:30]))


@pytest.mark.parametrize(("kind", "width"), _cases(KINDS))
def test_axe_reports_no_serious_or_critical_violation(measure, kind, width):
    """axe-core (default rule set: WCAG 2.x A/AA and best practices) on the loaded page
    finds no violation whose impact is serious or critical."""
    m = measure(kind, width)
    bad = [v for v in m.violations if v["impact"] in SERIOUS_IMPACTS]
    lines = []
    for v in bad:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} element(s)")
        for n in v["nodes"][:5]:
            html = " ".join(n["html"].split())[:160]
            lines.append(f"    {' '.join(map(str, n['target']))}  {html}")
            lines.append(f"      {' '.join((n['summary'] or '').split())[:300]}")
    if bad:
        pytest.fail(f"{m.url} at {width}px (screenshot {m.screenshot}):\n" + "\n".join(lines))


def test_screenshots_are_written_at_both_widths(measure):
    """A full-page PNG of every sample at both widths, as wide as the viewport."""
    fonts = Path("/usr/share/fonts/opentype/noto")
    assert list(fonts.glob("NotoSansCJK*")), "fonts-noto-cjk is not installed: run `make browser`"
    for kind in KINDS:
        for width in WIDTHS:
            shot = measure(kind, width).screenshot
            assert shot is not None and shot.is_file(), (kind, width)
            head = shot.read_bytes()[:24]
            assert head[:8] == b"\x89PNG\r\n\x1a\n", shot
            png_width, png_height = struct.unpack(">II", head[16:24])
            assert png_width == width and png_height >= HEIGHT, (shot, png_width, png_height)


_CLIPPING_CASES = """<!doctype html><html lang="en"><body style="margin:0"><article>
<style>td, th { padding: 2px; } .w { display: inline-block; }</style>
<table style="table-layout:fixed;width:60px"><tr>
  <td style="overflow:hidden;white-space:nowrap">
    <span class="w" style="width:120px">cut-inside</span></td></tr></table>
<div style="overflow:hidden;width:100px"><table><tr>
  <td><span class="w" style="width:300px">cut-by-box</span></td></tr></table></div>
<div style="overflow-x:auto;width:300px"><table><tr>
  <td><span class="w" style="width:200px">scrolls-1</span></td>
  <td><span class="w" style="width:200px">scrolls-2</span></td></tr></table></div>
<div style="overflow-x:auto;width:100px"><table><tr>
  <td><span class="w" style="width:300px">too-wide-for-box</span></td></tr></table></div>
<table><tr><td><span class="w" style="width:600px">off-screen</span></td></tr></table>
<div style="overflow-x:auto;width:500px"><table><tr>
  <td><span class="w" style="width:200px">in-view</span></td>
  <td><span class="w" style="width:400px">box-off-screen</span></td></tr></table></div>
<table><thead style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)">
  <tr><th><span class="w" style="width:300px">screen-reader-only</span></th></tr></thead>
  <tbody><tr><td>fits</td></tr></tbody></table>
</article></body></html>"""


def test_the_clipping_rule_on_a_made_up_page(browser):
    """The rule of test_no_table_cell_is_clipped finds each way a cell can be cut off,
    and passes a cell that its table's scroll box brings into view, and a header that
    is hidden by design."""
    page, _ = _page(browser, 375)
    try:
        page.set_content(_CLIPPING_CASES)
        flagged = {c["text"]: c["why"] for c in page.evaluate(_CLIPPED_JS, 375)}
    finally:
        page.close()
    assert set(flagged) == {"cut-inside", "cut-by-box", "too-wide-for-box", "off-screen", "box-off-screen"}
    assert "content is" in flagged["cut-inside"]
    assert "overflow-x: hidden" in flagged["cut-by-box"]
    assert "wider than its scroll box" in flagged["too-wide-for-box"]
    assert "outside the 375px viewport" in flagged["off-screen"]
    assert flagged["box-off-screen"].startswith("its scroll box")
