"""The browser index answers the golden queries in a real headless Chromium, through
the 搜索 page and its URL (so a search is a shareable link)."""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest
from playwright.sync_api import sync_playwright

from generator.problems import Report
from generator.records import load_records
from generator.search import ensure_cli_index
from tests.test_browser import CHROMIUM_ARGS
from tests.test_search import MIN_OVERALL, MIN_PER_KIND, expected_ids, recall_report


@pytest.fixture(scope="module")
def site(corpus_site):
    """The full corpus site (conftest.corpus_site, shared with test_pages_browser.py) and
    the command line's index of the same documents, to compare."""
    paths = corpus_site.paths
    assert ensure_cli_index(paths.search_docs, paths.search_index)
    return paths, corpus_site.base_url


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
    """The project ids of the first 10 results of a search page opened at its URL."""
    page.goto(f"{base_url}/search/?q={quote(query)}{params}")
    page.wait_for_selector("#bs-search-app[data-state=done]")
    return _project_hits(page)


def _typed_query(page, query: str) -> list[str]:
    """The same, typed into the search page's box as a reader does (the page is open): each
    keystroke's input event starts a search at once and marks the page busy until it is done."""
    page.fill("#bs-q", query)
    page.wait_for_selector("#bs-search-app[data-state=done]")
    return _project_hits(page)


def _project_hits(page) -> list[str]:
    links = page.eval_on_selector_all(
        "#bs-results li.bs-hit",
        "lis => lis.map(li => [li.querySelector('.bs-kind').textContent.trim(),"
        " li.querySelector('a').getAttribute('href')])",
    )
    return [href.rstrip("/").rsplit("/", 1)[-1] for kind, href in links if kind == "项目"][:10]


def test_browser_recall_at_10(site, page, capsys):
    paths, base_url = site
    ids = expected_ids(load_records(paths, Report()).records)
    _browser_query(page, base_url, "")  # the search page, opened once
    recall, lines, kinds = recall_report(lambda q: _typed_query(page, q), ids)
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


# ---------------------------------------------------------------- one analysis, tested to agree

_TRICKY = [
    "ＵＰＳ〔2024〕",
    "乡村e镇",
    "義務教育 農村戶廁 檔案數字化",
    "襄垣发改局项目",
    "住建局",
    "住建委员会住建办",
    "低保",
    "a1.5b 3.14.15 x.5",
    "【2024】7号",
    "发改局发改委",
    "人大常委会人大",
    "科工信局文旅局",
    "团县委",
    "13073024P00891310001U",
    "2024-fanshi-023-f84c2a0787",
    "constructor __proto__",
    "İstanbul ΑΣ",
    "",
    "  ",
    "\u3000全角\u3000空格\x85x\x1cy",
    "㑮㐹𫝈",
    "义务教育义务教育",
    "Ｅ镇培育50万",
    "医保中心 疾控中心",
]


def _analysis_strings(paths) -> list[str]:
    """Tricky strings, every golden query, every project name and random mixtures."""
    import random

    from generator.search import analysis
    from tests.test_search import GOLDEN

    records = load_records(paths, Report()).records
    rng = random.Random(11)
    alphabet = [
        *"义務务教育薄弱環环节发改局人社住建委员会办中心低保 　abcXYZ09.-〔〕【】［］()ＡＢ１２，e镇二小"
    ]
    alphabet += list(analysis.abbreviations())
    mixtures = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16))) for _ in range(300)]
    return [*_TRICKY, *(q["query"] for q in GOLDEN), *(r.project_name for r in records), *mixtures]


def _loaded(page, base_url: str, path: str = "/search/") -> None:
    page.goto(base_url + path)
    page.evaluate("() => window.__bsAnalysis.ready()")


def test_browser_analysis_agrees_with_python(site, page):
    """search.js's normalise, grams, chars, variants and suggestion give what analysis.py
    gives, string for string (the tables come from fold.json and abbreviations.json)."""
    from generator.search import analysis

    paths, base_url = site
    strings = _analysis_strings(paths)
    titles = ["城乡义务教育生均公用经费", "2024年高新区高龄津贴补助资金"]
    _loaded(page, base_url)
    got = page.evaluate(
        """([ss, titles]) => { const A = window.__bsAnalysis;
           return ss.map(s => [A.normalise(s), A.grams(s), A.chars(s), A.variants(s),
                               A.suggestion(s, titles.concat([s + "x"]))]); }""",
        [strings, titles],
    )
    differ = []
    for s, js in zip(strings, got, strict=True):
        py = [
            analysis.normalise(s),
            analysis.grams(s),
            analysis.chars(s),
            analysis.variants(s),
            analysis.suggestion(s, [*titles, s + "x"]),
        ]
        if py != js:
            differ.append((s, py, js))
    assert not differ, differ[:5]
    assert len(strings) > 500


def test_browser_coverage_agrees_with_python(site, page):
    import random

    from generator.search import analysis

    _, base_url = site
    _loaded(page, base_url)
    rng = random.Random(3)
    for _ in range(50):
        n_docs = rng.randint(5, 60)
        grams = [
            sorted(rng.sample(range(n_docs), rng.randint(0, n_docs // 2))) for _ in range(rng.randint(1, 6))
        ]
        chars = [
            sorted(rng.sample(range(n_docs), rng.randint(0, n_docs // 2))) for _ in range(rng.randint(0, 6))
        ]
        py = analysis.coverage(
            {f"g{i}": set(d) for i, d in enumerate(grams)},
            {f"c{i}": set(d) for i, d in enumerate(chars)},
            n_docs,
        )
        js = page.evaluate(
            """([grams, chars, n]) => Array.from(window.__bsAnalysis.coverage(
                 grams.map(d => ({docs: d, df: d.length})), chars, n).entries())""",
            [grams, chars, n_docs],
        )
        assert {d: pytest.approx(s, abs=2e-6) for d, s in py.items()} == dict(js)


def test_browser_top_10_matches_whoosh(site, page, capsys):
    """The browser's ten best projects against engine.search(..., kind="project") for every
    golden query. Exact hits are ranked by the exported gram scores (no jieba words, no
    length normalisation), so the order may differ: the *sets* must overlap by ≥ 95% on
    average, and be identical for ≥ 90% of the queries (measured: 99% and 96%)."""
    from generator.search import engine
    from tests.test_search import GOLDEN

    paths, base_url = site
    _loaded(page, base_url)
    queries = [q["query"] for q in GOLDEN]
    urls = page.evaluate(
        """async (qs) => { const S = window.__bsSearch, out = [];
           const f = {kind: "p", region: "", dept: "", src: "", min: "", max: ""};
           for (const q of qs) {
             const r = await S.find(q, f);
             out.push((await S.hits(r.list.slice(0, 10))).map(h => h.url));
           }
           return out; }""",
        queries,
    )
    same, overlap, lines = 0, [], []
    for q, found in zip(queries, urls, strict=True):
        browser = {u.rstrip("/").rsplit("/", 1)[-1] for u in found}
        whoosh = {h.id for h in engine.search(paths.search_index, q, limit=10, kind="project")}
        same += browser == whoosh
        share = len(browser & whoosh) / len(whoosh) if whoosh else float(not browser)
        overlap.append(share)
        if share < 1:
            lines.append(f"  {q}: {len(browser & whoosh)}/{len(whoosh)} shared")
    mean = sum(overlap) / len(overlap)
    with capsys.disabled():
        print(
            "\n".join(
                [
                    "",
                    "browser vs whoosh top 10:",
                    *lines,
                    f"identical sets {same}/{len(queries)}, mean overlap {mean:.1%}",
                ]
            )
        )
    assert mean >= 0.95
    assert same >= 0.9 * len(queries)


# ---------------------------------------------------------------- the header box

_BOX = ".bs-header-search input"
_OPEN = ".bs-header-search[data-state=done] .bs-dropdown:not([hidden])"


def _type_in_header(page, text: str) -> None:
    page.fill(_BOX, "")
    page.click(_BOX)
    page.keyboard.type(text, delay=30)
    page.wait_for_function(
        """(t) => { const f = document.querySelector('.bs-header-search');
           return f.querySelector('input').value === t && f.dataset.state === 'done'; }""",
        arg=text,
    )
    page.wait_for_selector(_OPEN)


def test_dropdown_appears_while_typing_and_is_keyboard_navigable(site, page):
    _, base_url = site
    page.goto(base_url + "/")
    page.click(_BOX)
    page.keyboard.type("高")
    page.wait_for_timeout(400)
    assert page.locator(".bs-dropdown").is_hidden()  # one character: not yet
    _type_in_header(page, "高龄津贴")
    options = page.locator("#bs-dropdown [role=option]")
    assert options.count() >= 2
    assert "2024年高新区高龄津贴补助资金" in page.inner_text("#bs-dropdown")
    first = page.locator("#bs-dropdown .bs-hit").first
    assert "年度资金" in first.inner_text() and "万元" in first.inner_text()
    assert page.get_attribute(_BOX, "aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert options.nth(0).get_attribute("aria-selected") == "true"
    assert page.get_attribute(_BOX, "aria-activedescendant") == options.nth(0).get_attribute("id")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert options.nth(0).get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowUp")  # wraps to 查看全部
    assert options.last.get_attribute("aria-selected") == "true" and "查看全部" in options.last.inner_text()
    page.keyboard.press("Escape")
    assert page.locator(".bs-dropdown").is_hidden() and page.input_value(_BOX) == "高龄津贴"
    _type_in_header(page, "高龄津贴")
    page.keyboard.press("ArrowDown")
    href = page.locator("#bs-dropdown .bs-hit a").first.get_attribute("href")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == href


def test_dropdown_shows_all_on_enter(site, page):
    _, base_url = site
    page.goto(base_url + "/")
    _type_in_header(page, "津贴")
    page.keyboard.press("ArrowUp")  # 查看全部
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#bs-search-app[data-state=done]")
    assert unquote(page.url).endswith("/search/?q=津贴")
    assert page.input_value("#bs-q") == "津贴"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("義務教育薄弱環節", "义务教育薄弱环节"),
        ("最底生活保障", "最低生活保障"),
        ("发改局", "发展改革"),
        ("低保", "最低生活保障"),
    ],
)
def test_header_box_answers_traditional_typo_abbreviation_in_place(site, page, query, expected):
    _, base_url = site
    page.goto(base_url + "/regions/")
    before = page.url
    _type_in_header(page, query)
    assert expected in page.inner_text("#bs-dropdown")
    assert page.url == before


def test_dropdown_offers_a_close_spelling(site, page):
    _, base_url = site
    page.goto(base_url + "/")
    _type_in_header(page, "义物教育")
    meant = page.locator("#bs-dropdown .bs-meant")
    assert meant.inner_text() == "您是不是要找：义务教育"
    assert "部分符合" in page.inner_text("#bs-dropdown .bs-hit")
    meant.click()
    page.wait_for_function("document.querySelector('.bs-header-search input').value === '义务教育'")
    page.wait_for_selector(_OPEN + " .bs-hit")
    page.wait_for_function("!document.querySelector('#bs-dropdown .bs-meant')")
    assert "部分符合" not in page.inner_text("#bs-dropdown")


def test_header_box_has_a_visible_focus_ring(site, page):
    _, base_url = site
    page.goto(base_url + "/")
    page.focus(_BOX)
    style, width = page.eval_on_selector(
        _BOX, "e => [getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]"
    )
    assert style != "none" and width >= 2


# ---------------------------------------------------------------- the results page


def _results(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#bs-results li.bs-hit",
        """lis => lis.map(li => ({kind: li.querySelector('.bs-kind').textContent.trim(),
             href: li.querySelector('a').href, title: li.querySelector('a').textContent,
             amount: Number(li.dataset.amount)}))""",
    )


def _search_page(page, base_url: str, params: str) -> None:
    page.goto(f"{base_url}/search/?{params}")
    page.wait_for_selector("#bs-search-app[data-state=done]")


def _more(page) -> None:
    n = page.locator("#bs-results li.bs-hit").count()
    page.click("#bs-more")
    page.wait_for_function(f"document.querySelectorAll('#bs-results li.bs-hit').length > {n}")
    page.wait_for_selector("#bs-search-app[data-state=done]")


def test_status_is_announced_politely(site, page):
    _, base_url = site
    _search_page(page, base_url, "q=" + quote("津贴"))
    assert page.get_attribute("#bs-status", "aria-live") == "polite"
    assert page.get_attribute("#bs-status", "role") == "status"


def test_more_results_page_by_page(site, page):
    _, base_url = site
    _search_page(page, base_url, "q=" + quote("经费"))
    status = page.inner_text("#bs-status")
    total = int(status.split("共 ")[1].split(" ")[0])
    assert total > 40
    first = _results(page)
    assert len(first) == 20 and page.locator("#bs-more").is_visible()
    _more(page)
    second = _results(page)
    assert len(second) == 40 and second[:20] == first
    assert len({r["href"] for r in second}) == 40
    assert "显示 40 个" in page.inner_text("#bs-status")


def test_sort_by_amount(site, page):
    _, base_url = site
    _search_page(page, base_url, "q=" + quote("经费"))
    total = page.inner_text("#bs-status").split("共 ")[1].split(" ")[0]
    page.select_option("#bs-sort", "amount")
    page.wait_for_function("location.search.includes('sort=amount')")
    page.wait_for_selector("#bs-search-app[data-state=done]")
    amounts = [r["amount"] for r in _results(page)]
    assert len(amounts) == 20 and amounts == sorted(amounts, reverse=True)
    assert page.inner_text("#bs-status").split("共 ")[1].split(" ")[0] == total  # the same results, reordered
    _more(page)
    amounts = [r["amount"] for r in _results(page)]
    assert amounts == sorted(amounts, reverse=True)
    _search_page(page, base_url, "q=" + quote("经费") + "&sort=amount-asc&kind=p")
    amounts = [r["amount"] for r in _results(page)]
    assert amounts == sorted(amounts)


def test_csv_holds_exactly_the_listed_results(site, page, tmp_path):
    import csv
    import io

    _, base_url = site
    _search_page(page, base_url, "q=" + quote("经费") + "&region=1")
    _more(page)
    listed = _results(page)
    with page.expect_download() as info:
        page.click("#bs-csv")
    path = tmp_path / "results.csv"
    info.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][:2] == ["类型", "名称"]
    body = rows[1:]
    assert [(r[0], r[1], r[6]) for r in body] == [
        (x["kind"].split(" ")[0], x["title"], x["href"]) for x in listed
    ]
    assert all(r[3] == "襄垣县" for r in body)
    cells = page.evaluate(
        "() => ['=1+2', '+3', '-4', '@SUM(A1)', 'a,b', 'say \"hi\"', '义务'].map(window.__bsSearch.csvCell)"
    )
    assert cells == ["'=1+2", "'+3", "'-4", "'@SUM(A1)", '"a,b"', '"say ""hi"""', "义务"]


def test_filters_without_a_keyword_list_every_match(site, page):
    from generator.corpus import annual_total, build_corpus
    from generator.sources import load_sources

    paths, base_url = site
    corpus = build_corpus(load_records(paths, Report()).records, load_sources(paths, Report()) or [])
    expected = {
        p.project_id
        for p in corpus.projects
        if p.region == "襄垣县" and 1_000_000 <= round(annual_total(p)) <= 5_000_000
    }
    _search_page(page, base_url, "region=1&min=100&max=500&kind=p")
    assert f"符合条件的共 {len(expected)} 个结果" in page.inner_text("#bs-status")
    while page.locator("#bs-more").is_visible():
        _more(page)
    found = [r["href"].rstrip("/").rsplit("/", 1)[-1] for r in _results(page)]
    assert len(found) == len(set(found)) and set(found) == expected
    # and without the kind: departments in range come too, each said to be one
    _search_page(page, base_url, "region=1&min=100&max=500")
    assert "符合条件的共" in page.inner_text("#bs-status")


def test_results_say_what_they_are(site, page):
    _, base_url = site
    for query, kind in (
        ("数据下载", "页面"),
        ("术语", "页面"),
        ("襄垣县人民法院", "部门"),
        ("高龄津贴", "项目"),
    ):
        _search_page(page, base_url, "q=" + quote(query))
        results = _results(page)
        assert any(r["kind"].startswith(kind) for r in results), (query, results[:3])
        for r in results:
            label = r["kind"].split(" ")[0]
            assert label == (
                "项目" if "/projects/" in r["href"] else "部门" if "/departments/" in r["href"] else "页面"
            )
    _search_page(page, base_url, "q=" + quote("数据") + "&kind=g")
    assert {r["kind"].split(" ")[0] for r in _results(page)} == {"页面"}


def test_a_misspelt_query_offers_the_close_spelling(site, page):
    _, base_url = site
    _search_page(page, base_url, "q=" + quote("义物教育"))
    assert "没有找到完全符合" in page.inner_text("#bs-status")
    assert page.inner_text("#bs-meant") == "您是不是要找：义务教育"
    page.click("#bs-meant a")
    page.wait_for_function("location.search.includes(encodeURIComponent('义务教育'))")
    page.wait_for_selector("#bs-search-app[data-state=done]")
    assert page.inner_text("#bs-status").startswith("共 ") and page.locator("#bs-meant").is_hidden()
