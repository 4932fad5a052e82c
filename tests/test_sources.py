"""data/sources.yaml and data/raw/ as maintainers really write them: every bad entry is one
problem at its line, the good entries are still read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.paths import Paths
from generator.problems import Report
from generator.sources import load_sources, read_documents
from tests.conftest import FIXTURES, RAW

GOOD = "002_267eabc4729ba3a5.txt"
OTHER = "000_6bdd23b08ba68985.txt"
ENTRY = """  - file: {file}
    province: 山西省
    region: {region}
    slug: {slug}
    year: {year}
    publisher: 测试
    title: 测试文件
"""


def _project(tmp_path: Path, entries: str, files: tuple[str, ...] = (GOOD, OTHER)) -> Paths:
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    for name in files:
        shutil.copyfile(RAW / name, raw / name)
    (tmp_path / "data" / "sources.yaml").write_text("sources:\n" + entries, encoding="utf-8")
    return Paths(tmp_path)


def _entry(
    file: str = GOOD, region: str = "阳泉高新区", slug: str = "yangquan-gxq", year: str = "2024"
) -> str:
    return ENTRY.format(file=file, region=region, slug=slug, year=year)


def _line_of(paths: Paths, text: str, after: int = 0) -> int:
    lines = paths.sources.read_text(encoding="utf-8").split("\n")
    return next(n for n, line in enumerate(lines, 1) if n > after and text in line)


def _found(report: Report) -> set[tuple[str, int, str]]:
    return {(p.file, p.line, p.code) for p in report.problems}


def test_good_entries_are_read(tmp_path):
    paths = _project(tmp_path, _entry() + _entry(OTHER, "繁峙县", "fanshi"))
    report = Report()
    sources = load_sources(paths, report)
    assert [s.slug for s in sources or []] == ["yangquan-gxq", "fanshi"]
    assert report.problems == []
    assert len(read_documents(paths, sources or [], report)) == 2 and report.problems == []


def test_a_year_with_a_unit_is_reported_at_its_line(tmp_path):
    paths = _project(tmp_path, _entry(year="2024年") + _entry(OTHER, "繁峙县", "fanshi"))
    report = Report()
    sources = load_sources(paths, report)
    assert [s.slug for s in sources or []] == ["fanshi"]
    [problem] = report.problems
    assert (problem.code, problem.line, problem.field) == (
        "source-entry",
        _line_of(paths, "year: 2024年"),
        "year",
    )
    assert "整数" in problem.message


def test_a_bare_string_entry_is_reported_and_not_called_unlisted(tmp_path):
    paths = _project(tmp_path, f"  - {OTHER}\n" + _entry())
    report = Report()
    sources = load_sources(paths, report) or []
    read_documents(paths, sources, report)
    assert _found(report) == {("data/sources.yaml", 2, "source-entry")}


def test_a_file_listed_twice_is_read_once(tmp_path):
    paths = _project(tmp_path, _entry() + _entry())
    report = Report()
    assert len(load_sources(paths, report) or []) == 1
    second = _line_of(paths, f"file: {GOOD}", after=2)
    assert _found(report) == {("data/sources.yaml", second, "source-duplicate")}


def test_an_entry_without_its_file_is_reported_at_the_entry(tmp_path):
    paths = _project(tmp_path, _entry() + _entry("gone.txt", "繁峙县", "fanshi"), files=(GOOD,))
    report = Report()
    docs = read_documents(paths, load_sources(paths, report) or [], report)
    assert [d.source.file for d in docs] == [GOOD]
    assert _found(report) == {("data/sources.yaml", _line_of(paths, "file: gone.txt"), "source-file-missing")}


def test_a_file_without_an_entry_is_reported(tmp_path):
    paths = _project(tmp_path, _entry())
    report = Report()
    read_documents(paths, load_sources(paths, report) or [], report)
    assert _found(report) == {(f"data/raw/{OTHER}", 0, "unlisted-source")}


def test_an_unsafe_slug_is_refused(tmp_path):
    paths = _project(tmp_path, _entry(slug="../../../evil") + _entry(OTHER, "繁峙县", "Fan Shi"))
    report = Report()
    assert load_sources(paths, report) == []
    assert {(p.line, p.field) for p in report.problems} == {
        (_line_of(paths, "slug: ../../../evil"), "slug"),
        (_line_of(paths, "slug: Fan Shi"), "slug"),
    }


def test_two_regions_on_one_slug_and_one_region_on_two_slugs(tmp_path):
    entries = _entry() + _entry(OTHER, "繁峙县", "yangquan-gxq") + _entry("c.txt", "阳泉高新区", "yq")
    paths = _project(tmp_path, entries)
    report = Report()
    assert [s.file for s in load_sources(paths, report) or []] == [GOOD]
    assert {(p.code, p.line) for p in report.problems} == {
        ("slug-conflict", _line_of(paths, f"file: {OTHER}")),
        ("slug-inconsistent", _line_of(paths, "file: c.txt")),
    }


def test_one_region_may_have_many_documents(tmp_path):
    paths = _project(tmp_path, _entry() + _entry(OTHER))
    report = Report()
    assert len(load_sources(paths, report) or []) == 2 and report.problems == []


def test_an_unreadable_sources_file_reads_nothing(tmp_path):
    paths = _project(tmp_path, "  - file: [unclosed\n")
    report = Report()
    assert load_sources(paths, report) is None
    [problem] = report.problems
    assert problem.code == "sources-yaml" and problem.line == 2


def test_binary_documents_are_named_by_format_not_by_encoding(tmp_path):
    paths = _project(
        tmp_path,
        _entry() + _entry("scan.pdf") + _entry("table.docx") + _entry("old.doc") + _entry("old.xls"),
        files=(GOOD,),
    )
    (paths.raw / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    (paths.raw / "table.docx").write_bytes(b"PK\x03\x04" + bytes(range(256)))
    (paths.raw / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    (paths.raw / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    report = Report()
    docs = read_documents(paths, load_sources(paths, report) or [], report)
    # a PDF or Word file goes to its reader (which reports the broken file); a Word 97 file,
    # for which there is no reader, is named as such; none is called a bad encoding
    assert {d.source.file for d in docs} == {GOOD, "scan.pdf", "table.docx", "old.xls"}
    problems = {(p.file, p.code) for p in report.problems}
    assert problems == {
        ("data/raw/scan.pdf", "document-broken"),
        ("data/raw/table.docx", "document-broken"),
        ("data/raw/old.xls", "document-broken"),
        ("data/raw/old.doc", "format-unsupported"),
    }
    assert all("UTF-8" not in p.message for p in report.problems)


def test_an_empty_document_is_reported(tmp_path):
    paths = _project(tmp_path, _entry() + _entry("empty.txt"), files=(GOOD,))
    shutil.copyfile(FIXTURES / "bad" / "empty.txt", paths.raw / "empty.txt")
    report = Report()
    read_documents(paths, load_sources(paths, report) or [], report)
    assert _found(report) == {("data/raw/empty.txt", 0, "empty-document")}


def test_a_document_cut_inside_a_character_is_read_up_to_the_cut(tmp_path):
    data = (RAW / GOOD).read_bytes()
    cut = len(data) // 2
    while data[cut] & 0xC0 != 0x80:  # inside a multi-byte character
        cut += 1
    paths = _project(tmp_path, _entry(), files=())
    (paths.raw / GOOD).write_bytes(data[:cut])
    report = Report()
    [doc] = read_documents(paths, load_sources(paths, report) or [], report)
    [problem] = report.problems
    assert problem.code == "undecodable" and problem.line == data[:cut].count(b"\n") + 1
    assert "\n".join(doc.lines).startswith(data[: cut - 3].decode("utf-8", "ignore")[:-1])


def test_a_reserved_slug_and_a_misspelt_key_are_refused_with_a_reason(tmp_path):
    paths = _project(
        tmp_path, _entry(slug="index") + _entry(OTHER, "繁峙县", "fanshi").replace("slug:", "sulg:")
    )
    report = Report()
    assert load_sources(paths, report) == []
    messages = {(p.line, p.field): p.message for p in report.problems}
    assert "保留名称" in messages[(_line_of(paths, "slug: index"), "slug")]
    assert "是否应为 slug？" in messages[(_line_of(paths, "sulg: fanshi"), "sulg")]


def test_generate_serves_a_read_document_from_extracts_text_without_reading_it_again(tmp_path, monkeypatch):
    import generator.readers as readers
    from generator.sources import served_text
    from tests.conftest import REPO

    paths = _project(tmp_path, _entry("shanxi.docx"), files=())
    shutil.copyfile(REPO / "tests" / "fixtures" / "formats" / "shanxi.docx", paths.raw / "shanxi.docx")
    [source] = load_sources(paths, Report()) or []
    [doc] = read_documents(paths, [source], Report())
    monkeypatch.setattr(readers.docx, "read", lambda *_: pytest.fail("read the document twice"))
    assert served_text(paths, source) == (doc.sha256, doc.lines)
    assert any("项目名称" in line for line in doc.lines)
