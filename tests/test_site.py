"""The public site: golden pages for a fixture set, escaping of untrusted text, a real
strict mkdocs build (fixture set and full corpus), atomic and deterministic builds."""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
import shutil
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build import BuildFailed, build_site
from generator.generate import copy_handwritten, run_generate
from generator.generate.fmt import md_cell, md_text, plain_text, wan, yuan
from generator.paths import GENERATED_FILES, Paths
from generator.records import dump_record, load_yaml, parse_yaml
from generator.settings import Settings
from tests.conftest import REPO

GOLDEN = Path(__file__).parent / "golden" / "site"
# the fixture set: one table from each layout, chosen for what they exercise
FIXTURE_TABLES = {
    ("001_b05b28ee3a1316ba.txt", 110),  # wrapped indicator name, identical sides
    ("000_6bdd23b08ba68985.txt", 37),  # table continued on a second page, flags
    ("003_da816537205eaa38.txt", 1071),  # OCR name, budget match, sides differ
    ("003_da816537205eaa38.txt", 558),  # 申报表 in 万元
    ("004_1edcff210bf438b5.txt", 101),  # description and basis per indicator, spending plan
}
HOSTILE = "<script>alert(1)</script> | *粗体* [点我](javascript:alert(1)) # 标题"


def _plain(node):
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


@functools.cache
def fixture_record_files() -> tuple[Path, ...]:
    """The committed record files of FIXTURE_TABLES, found once per test session (with the
    C YAML parser the loader uses: the round-trip one takes half a minute for all 513)."""
    found = []
    for path in sorted((REPO / "data" / "records").glob("*.yaml")):
        source = parse_yaml(path.read_text(encoding="utf-8"))["source"]
        if (source["file"], source["line_start"]) in FIXTURE_TABLES:
            found.append(path)
    return tuple(found)


def make_site_project(root: Path) -> Paths:
    """A small project root: the fixture records plus one whose texts are hostile."""
    (root / "data" / "records").mkdir(parents=True)
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    shutil.copyfile(REPO / "data" / "sources.yaml", root / "data" / "sources.yaml")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    copy_handwritten(REPO / "content", root / "content")  # the hand-written pages and assets
    picked = []
    for path in fixture_record_files():
        picked.append(_plain(load_yaml(path)))
        (root / "data" / "records" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert len(picked) == len(FIXTURE_TABLES)
    hostile = dict(
        picked[0],
        project_id="2024-xiangyuan-003-hostile0000",
        project_name=HOSTILE,
        unit_name="<b>单位</b>",
        overview="**不是粗体** <img src=x onerror=alert(1)>",
    )
    hostile["indicators"] = [dict(hostile["indicators"][0], name="[链接](http://example.com)", value="=1+1")]
    (root / "data" / "records" / "2024-xiangyuan-003-hostile0000.yaml").write_text(
        dump_record(hostile), encoding="utf-8"
    )
    return Paths(root)


@pytest.fixture(scope="module")
def site_project(tmp_path_factory):
    paths = make_site_project(tmp_path_factory.mktemp("site"))
    run_generate(Settings(root=paths.root))
    return paths


def _generated(content: Path) -> dict[str, str]:
    """The pages and charts `generate` writes (downloads and the search index have their own tests)."""
    out = {}
    for path in sorted(content.rglob("*")):
        rel = path.relative_to(content).as_posix()
        top = rel.split("/", 1)[0]
        if path.suffix in (".md", ".svg") and (
            top in ("projects", "departments", "regions", "assets") or rel in GENERATED_FILES
        ):
            out[rel] = path.read_text(encoding="utf-8")
    return out


def test_generated_pages_match_the_golden_files(site_project):
    pages = _generated(site_project.root / "content")
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, text in pages.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, encoding="utf-8")
    golden = {
        p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(GOLDEN.rglob("*"))
        if p.is_file()
    }
    assert sorted(pages) == sorted(golden), "run UPDATE_GOLDEN=1 pytest tests/test_site.py to refresh"
    changed = [rel for rel in pages if pages[rel] != golden[rel]]
    assert not changed, f"pages differ from tests/golden/site/: {changed[:5]} (UPDATE_GOLDEN=1 refreshes)"


def test_the_project_page_says_what_a_reader_needs(site_project):
    page = next((site_project.root / "content" / "projects").glob("2024-xiangyuan-003-2*.md")).read_text(
        encoding="utf-8"
    )
    for text in (
        "<h1>党委业务经费</h1>",
        "160.00万元",
        "1,600,000元",
        "中共襄垣县委办公室",
        "促进县委各项工作高效有序运转",
        'href="../departments/xiangyuan-003.md"',
        'href="../regions/xiangyuan.md"',
        "第 110–224 行",
    ):
        assert text in page


def test_flagged_parts_are_marked_in_place(site_project):
    """Every part a note names (an amount, an indicator row, a text) carries a ⚠ mark of
    its flag's severity above the list of notes, linked to the note; an indicator's mark
    sits in that indicator's row."""
    from generator.model import Record
    from generator.quality_codes import SEVERITY

    checked = 0
    for path in sorted((site_project.root / "data" / "records").glob("*.yaml")):
        rec = Record.model_validate(load_yaml(path))
        page = (site_project.root / "content" / "projects" / f"{rec.project_id}.md").read_text(
            encoding="utf-8"
        )
        body, _, notes = page.partition("## 数据质量提示")
        for note in rec.quality_notes:
            if not note.fields:
                continue
            assert f'<span id="flag-{note.code}"></span>' in notes
            for field in note.fields:
                parts = field.split(".")
                if parts[0] == "indicators" and len(parts) > 1:
                    ind = rec.indicators[int(parts[1])]
                    name = html.escape(plain_text(ind.name))
                    rows = [line for line in body.splitlines() if name in line and 'href="#flag-' in line]
                    assert rows, (rec.project_id, field, ind.name)
                else:
                    assert 'href="#flag-' in body, (rec.project_id, field)
                checked += 1
        for line in body.splitlines():
            for code, level in re.findall(r'href="#flag-(\w+)" title="[^"]*">⚠ (\S+)</a>', line):
                assert SEVERITY[code] == level
                assert code in rec.quality_flags
    assert checked >= 10


def _expected(text: str) -> str:
    """What a reader should see: the text itself, control characters dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "", text)).strip()


def _render(md: str) -> str:
    return markdown.markdown(md, extensions=["tables", "admonition", "attr_list", "def_list", "toc"])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_untrusted_text_never_becomes_markup(text):
    out = _render(md_text(text))
    assert re.sub(r"</?p>", "", out).count("<") == 0  # no tag but the paragraph
    assert html.unescape(re.sub(r"</?p>", "", out)).strip() == _expected(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_untrusted_text_stays_in_its_table_cell(a, b):
    out = _render(f"| x | y |\n| --- | --- |\n| {md_cell(a)} | {md_cell(b)} |\n")
    cells = re.findall(r"<td>(.*?)</td>", out, flags=re.S)
    assert [html.unescape(c).strip() for c in cells] == [_expected(s) for s in (a, b)]
    assert not re.search(r"<(?!/?(table|thead|tbody|tr|th|td)\b)", out)


def test_numbers_are_formatted_for_chinese_readers():
    assert wan(510000) == "51.00万元"
    assert wan(12_345_678_900) == "123.46亿元"
    assert yuan(1600000) == "1,600,000元"
    assert yuan(None) == wan(None) == "—"


def _hashes(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_strict_build_of_the_fixture_set_is_deterministic_and_escapes(site_project):
    first = build_site(Settings(root=site_project.root))
    assert first.pages >= 15 and not first.warnings
    site = site_project.root / "site"
    hashes = _hashes(site)
    # a second real build, into another directory (into site/ it would be skipped as unchanged)
    again = build_site(Settings(root=site_project.root), site_dir=site_project.root / "site-again")
    assert not again.unchanged
    assert _hashes(site_project.root / "site-again") == hashes, "two builds of the same content differ"
    page = (site / "projects" / "2024-xiangyuan-003-hostile0000" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>单位</b>" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert 'href="javascript:' not in page and 'href="http://example.com"' not in page


def test_a_failed_build_leaves_the_previous_site(site_project):
    build_site(Settings(root=site_project.root))
    site = site_project.root / "site"
    before = _hashes(site)
    broken = site_project.root / "content" / "broken.md"
    broken.write_text("# 坏链接\n\n[不存在](nowhere.md)\n", encoding="utf-8")
    try:
        with pytest.raises(BuildFailed):
            build_site(Settings(root=site_project.root))
    finally:
        broken.unlink()
    assert _hashes(site) == before
    assert not list(site_project.root.glob(".site-*")), "temporary build directory left behind"


@pytest.mark.slow
def test_strict_build_of_the_full_corpus(corpus_site):
    """The full corpus as conftest.corpus_site generated and built it (strict, the default)."""
    generated, outcome = corpus_site.generated, corpus_site.built
    assert outcome.pages >= generated.projects + generated.departments + generated.regions
    assert not outcome.warnings
    # its 609 pages are rendered on every core (generator.build_pages)
    cores = os.cpu_count() or 1
    assert (1 < outcome.processes <= cores) if cores > 1 else outcome.processes == 1, outcome.processes


def test_the_quality_page_lists_the_largest_and_counts_all(site_project, tmp_path, monkeypatch):
    """Per flag, at most QUALITY_ROWS projects (the most money first), departments and
    regions; the counts are of all of them, and the page says where the rest are."""
    from generator.corpus import build_corpus
    from generator.generate import pages
    from generator.problems import Report
    from generator.sources import load_sources
    from generator.validate import run_validate

    _, loaded = run_validate(site_project, Report())
    corpus = build_corpus(loaded.records, load_sources(site_project, Report()), {})
    full = {f["code"]: f for f in pages._quality_view(corpus)}
    monkeypatch.setattr(pages, "QUALITY_ROWS", 1)
    pages.write_national_pages(corpus, site_project.templates, tmp_path)
    text = (tmp_path / "quality.md").read_text(encoding="utf-8")
    cut = 0
    for code, f in full.items():
        section = text.split(f"{{ #{code} }}", 1)[1].split("\n## ", 1)[0]
        rows = re.findall(r"^\| \[.*\]\(projects/([\w-]+)\.md\)", section, flags=re.M)
        assert rows == [f["projects"][0][0].project_id], code  # the one with the most money
        assert f"代码 `{code}`，{len(f['projects'])} 个项目" in section
        if len(f["projects"]) > 1:
            assert "资金最多的 1 个项目；全部提示见[下载](downloads/quality.csv)" in section
            cut += 1
    assert cut >= 3
