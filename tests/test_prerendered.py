"""Project and department pages are written with an HTML body (`body: html`), which the budget-pages
plugin (generator/build_plugin.py) renders without Python-Markdown. What it makes of
every page is what Python-Markdown makes of it (so Zensical, which has no such plugin,
builds the same page), its links are checked as mkdocs checks a Markdown page's, and
text from a document stays text."""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from generator import build_pages
from generator.build import BuildFailed, build_site
from generator.build_plugin import BodyError, render_body
from generator.generate import run_generate
from generator.generate.fmt import plain_text
from generator.generate.urls import href
from generator.settings import Settings
from tests.test_build_pages import _build_both, broken_links_built
from tests.test_site import make_site_project

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    paths = make_site_project(tmp_path_factory.mktemp("prerendered"))
    run_generate(Settings(root=paths.root))
    return paths.root


@pytest.fixture(autouse=True)
def _build_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(Settings().epoch))


def _same_as_python_markdown(root: Path) -> int:
    """Each project page's body through the plugin and through Python-Markdown, with the
    extensions of the project's mkdocs.yml; the number of pages."""
    config = load_config(str(root / "mkdocs.yml"))
    md = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])
    pages = sorted((root / "content" / "projects").glob("*.md"))
    pages += sorted((root / "content" / "departments").glob("*.md"))
    for page in pages:
        body, meta = get_data(page.read_text(encoding="utf-8"))
        assert meta["body"] == "html", page.name
        ours = render_body(body)
        theirs, toc = md.reset().convert(body), md.toc_tokens  # type: ignore[attr-defined]
        assert ours.html == theirs, page.name
        assert ours.toc == toc, page.name
        assert ours.ids == set(re.findall(r'\sid="([^"]+)"', theirs)), page.name
    return len(pages)


def test_every_project_and_department_page_is_what_python_markdown_makes_of_it(corpus_site):
    assert _same_as_python_markdown(corpus_site.paths.root) == 513 + 80 + 1


def test_the_hostile_page_too(project):
    assert _same_as_python_markdown(project) >= 6 + 4
    body = (project / "content" / "projects" / "2024-xiangyuan-003-hostile0000.md").read_text(
        encoding="utf-8"
    )
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img" not in body and "<b>" not in body and 'href="http://example.com"' not in body


def test_the_table_of_contents_nests_the_headings():
    body = render_body("<p>x</p>\n\n## 甲 { #a }\n\n### 乙 { #b }\n\n<p>y</p>\n\n## 丙 { #c }\n")
    assert [(t["id"], [c["id"] for c in t["children"]]) for t in body.toc] == [("a", ["b"]), ("c", [])]
    assert body.ids == {"a", "b", "c"}


@pytest.mark.parametrize(
    "block",
    ["plain text", "**bold**", "<span>inline</span>", "## no id", "## *emphasis* { #x }", "# 标题"],
)
def test_a_block_markdown_would_change_is_refused(block):
    with pytest.raises(BodyError, match="block 2"):
        render_body(f"<p>ok</p>\n\n{block}\n")


def test_a_refused_block_fails_the_build_naming_the_page(project, tmp_path, monkeypatch):
    monkeypatch.setattr(build_pages, "SERIAL_BELOW", 0)
    page = sorted((project / "content" / "projects").glob("*.md"))[0]
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "\n\n[a Markdown link](../index.md)\n", encoding="utf-8")
    try:
        for workers in (1, 2):
            said = rf"projects/{page.name}: block \d+ \('\[a Markdown link\]\(\.\./index\.md\)'\) is neither"
            with pytest.raises(BuildFailed, match=said):
                build_site(Settings(root=project, workers=workers), site_dir=tmp_path / f"site{workers}")
            assert not (tmp_path / f"site{workers}").exists()
    finally:
        page.write_text(original, encoding="utf-8")


def test_its_links_are_checked_as_mkdocs_checks_them(project, tmp_path, monkeypatch):
    """A missing page, a missing anchor on another page and on the page itself: mkdocs' own
    warnings, the same from its serial build and from the pages on two processes; strict
    fails."""
    monkeypatch.setattr(build_pages, "SERIAL_BELOW", 0)
    page = sorted((project / "content" / "projects").glob("*.md"))[-1]
    links = '<a href="../nowhere.md">坏</a> <a href="../glossary.md#no-such">锚</a> <a href="#nope">自</a>'
    messages = broken_links_built(project, tmp_path, page, f"\n\n<p>{links}</p>\n")
    assert len(messages) == 3 and all(f"projects/{page.name}" in m for m in messages), messages
    assert any("'../nowhere.md'" in m and "'nowhere.md' is not found" in m for m in messages)
    assert any("'glossary.md' does not contain an anchor '#no-such'" in m for m in messages)
    assert any("'#nope'" in m and "no such anchor on this page" in m for m in messages)


def test_every_link_of_the_fixture_site_resolves(project, tmp_path):
    """The project pages' links (to regions, departments, the glossary, the source view,
    the downloads, other projects) reach files of the built site."""
    built = _build_both(project, tmp_path)
    assert built["serial"][1] == []
    site = tmp_path / "serial"
    checked = 0
    for page in sorted((site / "projects").glob("*/index.html")):
        text = page.read_text(encoding="utf-8")
        article = text[text.index("<article") : text.index("</article>")]
        for link in re.findall(r'href="([^"#?]+)', article):
            if link.startswith("http"):
                continue
            target = (page.parent / html.unescape(link)).resolve()
            assert target.is_file() or (target / "index.html").is_file(), (page, link)
            checked += 1
    assert checked > 100


def test_links_are_written_as_markdown_links():
    """Relative to the page's file, as a Markdown link to the same file: the builder makes
    each one the site's URL (mkdocs through the plugin, Zensical by itself)."""
    assert href("projects/a.md", "regions/x.md") == "../regions/x.md"
    assert href("projects/a.md", "projects/b.md") == "b.md"
    assert href("projects/a.md", "index.md") == "../index.md"
    assert href("projects/a.md", "glossary.md#level1") == "../glossary.md#level1"
    assert href("projects/a.md", "source.md?doc=d.txt&lines=1-2") == "../source.md?doc=d.txt&lines=1-2"
    assert href("projects/a.md", "api/projects/a.json") == "../api/projects/a.json"
    assert href("projects/a.md", "#quality") == "#quality"
    assert href("departments/index.md", "departments/x.md") == "x.md"
    assert href("index.md", "regions/x.md") == "regions/x.md"


def test_without_directory_urls_the_site_still_links(tmp_path, monkeypatch):
    monkeypatch.setattr(build_pages, "SERIAL_BELOW", 0)
    paths = make_site_project(tmp_path / "flat")
    yml = paths.root / "mkdocs.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace("use_directory_urls: true", "use_directory_urls: false")
    )
    run_generate(Settings(root=paths.root))
    built = _build_both(paths.root, tmp_path)
    assert built["serial"][1] == [] and built["cores"] == (2, [])
    page = next((tmp_path / "cores" / "projects").glob("2024-xiangyuan-003-2*.html")).read_text(
        encoding="utf-8"
    )
    assert 'href="../regions/xiangyuan.html"' in page and 'href="../glossary.html#level1"' in page


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_untrusted_text_in_an_html_body_stays_text(text):
    env = Environment(autoescape=True)
    env.filters["h"] = plain_text
    out = render_body(env.from_string("<p>{{ text | h }}</p>").render(text=text)).html
    inner = out.removeprefix("<p>").removesuffix("</p>")
    assert "<" not in inner and "\n" not in inner
    expected = re.sub(r"\s+", " ", re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "", text)).strip()
    assert html.unescape(inner) == expected


_SEGMENT = st.sampled_from(["a", "b", "projects", "x1", "区"])
_PAGE = st.lists(_SEGMENT, min_size=1, max_size=3).map(lambda parts: "/".join(parts) + ".md")


@settings(max_examples=300, deadline=None)
@given(_PAGE, _PAGE)
def test_a_link_from_the_pages_folder_reaches_its_target(page, target):
    link = href(page, target)
    assert posixpath.normpath(posixpath.join(posixpath.dirname(page), link)) == target
