"""Acceptance tests: nothing a maintainer writes can corrupt the site.

Every test builds its own two-document project in tmp_path (繁峙县 from 000, slug fanshi,
5 projects; 阳泉高新区 from 002, slug yangquan-gxq, 9 projects), breaks one input the way
a maintainer could, runs the CLI stages through click's CliRunner and checks that

- the problem is printed as `path:line: severity: message [code]` at the right file and line
  (lines are computed from the text the test wrote, never hard-coded),
- the rest of the corpus is still published in site/,
- nothing unsafe reached site/ and nothing was written outside the project root.

Severities assumed: every case below is an error (exit code non-zero) except
8 (a second document for a region: no error, exit 0), 10 (markup in a raw file: exit code
not constrained), 14c/14d (valid corrections: exit 0), 15 (a truncated table: a quality
flag, exit code not constrained) and 16 (`undecodable` at the end of a cut file: a warning,
exit code not constrained).
"""

from __future__ import annotations

import re
import shutil
import traceback
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.generate import copy_handwritten

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bad_inputs"
FANSHI = "000_6bdd23b08ba68985.txt"  # 繁峙县, slug fanshi, 5 projects
GXQ = "002_267eabc4729ba3a5.txt"  # 阳泉高新区, slug yangquan-gxq, 9 projects
STAGES = ("extract", "validate", "generate", "build")


def repo_records(slug: str) -> dict[str, dict[str, Any]]:
    """The committed records of one region (ids do not depend on line numbers or file order)."""
    files = sorted((REPO / "data" / "records").glob(f"2024-{slug}-*.yaml"))
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in files}


FANSHI_IDS = set(repo_records("fanshi"))
GXQ_RECORDS = repo_records("yangquan-gxq")
GXQ_IDS = set(GXQ_RECORDS)
# 002's last table (2024年中小企业发展专项资金), the one cases 15 and 16 cut through
GXQ_LAST_ID = max(GXQ_RECORDS, key=lambda pid: GXQ_RECORDS[pid]["source"]["line_start"])
VICTIM = min(FANSHI_IDS)  # the record cases 13 and 14 edit or correct: 2024-fanshi-023-…


# ---------------------------------------------------------------- project and sources.yaml


def repo_entry(file: str) -> list[str]:
    """The lines of the repo's data/sources.yaml entry for `file`."""
    lines = (REPO / "data" / "sources.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index(f"  - file: {file}")
    end = start + 1
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    return lines[start:end]


def entry(repo_file: str, /, **changes: str) -> str:
    """The repo's entry for `repo_file` as YAML text, with some values replaced (file= too)."""
    out = []
    for line in repo_entry(repo_file):
        key = line.strip().removeprefix("- ").split(":", 1)[0]
        out.append(f"{line.split(':', 1)[0]}: {changes[key]}" if key in changes else line)
    return "\n".join(out) + "\n"


def new_entry(file: str) -> str:
    """An entry for a third region, 测试县 (slug ceshi), that has no other document."""
    return entry(
        FANSHI,
        file=file,
        prefecture="测试市",
        region="测试县",
        slug="ceshi",
        publisher="测试县财政局",
        title="测试县项目支出绩效目标表（2024年度）",
    )


def write_sources(root: Path, *entries: str) -> str:
    text = "sources:\n" + "".join(entries)
    (root / "data" / "sources.yaml").write_text(text, encoding="utf-8")
    return text


def line_no(text: str, line: str, nth: int = 1) -> int:
    """The 1-based number of the nth line of `text` that equals `line` (both stripped)."""
    hits = [n for n, got in enumerate(text.splitlines(), 1) if got.strip() == line.strip()]
    assert len(hits) >= nth, f"{line!r} occurs {len(hits)} times in:\n{text}"
    return hits[nth - 1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A clean project root, tmp_path/project (so anything escaping it lands in tmp_path)."""
    root = tmp_path / "project"
    root.mkdir(parents=True)
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "templates", root / "templates")
    copy_handwritten(REPO / "content", root / "content")  # the hand-written pages and assets
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    for file in (FANSHI, GXQ):
        shutil.copyfile(REPO / "data" / "raw" / file, raw / file)
    write_sources(root, entry(FANSHI), entry(GXQ))
    return root


# ---------------------------------------------------------------- running the CLI


@dataclass
class Result:
    exit_code: int
    output: str


def run(root: Path, *commands: str) -> Result:
    """Run each command with CliRunner, always going on to the next; max exit code, all output.

    click >= 8.2 has no `mix_stderr`: `result.output` is stdout and stderr interleaved (older
    click mixes them by default), so it holds both the problems and the summary lines. An
    exception the CLI let escape is appended as its traceback: CliRunner would swallow it,
    and a crash must show up as "Traceback" in the output.
    """
    codes, out = [0], []
    for command in commands:
        res = CliRunner().invoke(main, ["--root", str(root), command])
        codes.append(res.exit_code)
        out.append(f"$ budget-site {command}  (exit {res.exit_code})\n{res.output}")
        if res.exception is not None and not isinstance(res.exception, SystemExit):
            out.append("".join(traceback.format_exception(res.exception)))
    return Result(max(codes), "".join(out))


def run_site(root: Path, extract: bool = True) -> Result:
    return run(root, *(STAGES if extract else STAGES[1:]))


class Problem(NamedTuple):
    path: str
    line: int | None
    severity: str
    code: str
    message: str


PROBLEM = re.compile(
    r"^(?P<path>[^\s:]+)(?::(?P<line>\d+))?: (?P<severity>error|warning|info): "
    r"(?P<message>.*) \[(?P<code>[a-z][a-z0-9-]*)\]$",
    re.MULTILINE,
)


def problems(output: str) -> list[Problem]:
    return [
        Problem(m["path"], int(m["line"]) if m["line"] else None, m["severity"], m["code"], m["message"])
        for m in PROBLEM.finditer(output)
    ]


def show(result: Result) -> str:
    return f"\n--- output (exit {result.exit_code}) ---\n{result.output[-6000:]}"


def expect_problem(
    result: Result,
    path: str,
    code: str | None,
    line: int | set[int] | None = None,
    severity: str | None = None,
) -> Problem:
    """The first problem at `path` with `code` (any code when None) on `line` (any line when None)."""
    lines = {line} if isinstance(line, int) else line
    for p in problems(result.output):
        if (
            p.path == path
            and code in (None, p.code)
            and (lines is None or p.line in lines)
            and severity in (None, p.severity)
        ):
            return p
    where = f"{path}:{min(lines)}-{max(lines)}" if lines and len(lines) > 1 else f"{path}:{line or '*'}"
    what = f"{severity or 'any-severity'} [{code or 'any code'}]"
    raise AssertionError(f"no {what} problem at {where}{show(result)}")


def errors(result: Result) -> list[Problem]:
    return [p for p in problems(result.output) if p.severity == "error"]


# ---------------------------------------------------------------- what was published


def site_ids(root: Path) -> set[str]:
    projects = root / "site" / "projects"
    return (
        {p.name for p in projects.iterdir() if (p / "index.html").is_file()} if projects.is_dir() else set()
    )


def site_regions(root: Path) -> set[str]:
    regions = root / "site" / "regions"
    return {p.name for p in regions.iterdir() if (p / "index.html").is_file()} if regions.is_dir() else set()


def assert_published(root: Path, result: Result, ids: Iterable[str], slugs: Iterable[str]) -> None:
    missing = sorted(set(ids) - site_ids(root))
    assert not missing, f"project pages missing from site/projects/: {missing}{show(result)}"
    regions = sorted(set(slugs) - site_regions(root))
    assert not regions, f"region pages missing from site/regions/: {regions}{show(result)}"


def site_files(root: Path) -> list[Path]:
    site = root / "site"
    return [p for p in site.rglob("*") if p.is_file()] if site.is_dir() else []


def assert_site_safe(root: Path) -> None:
    """Everything served stays inside site/; no uploaded markup is served as a page or script."""
    site = (root / "site").resolve()
    for path in site_files(root):
        rel = path.relative_to(root / "site").as_posix()
        assert path.resolve().is_relative_to(site), f"site/{rel} points outside site/"
        if rel.startswith("sources/"):
            assert path.suffix.lower() not in {".html", ".htm", ".xhtml", ".svg", ".js"}, f"site/{rel}"
        if path.suffix.lower() in {".html", ".js", ".svg"}:
            assert b"<script>alert(" not in path.read_bytes(), f"site/{rel} serves a script from a document"


def page(root: Path, rel: str) -> str:
    return (root / "site" / rel).read_text(encoding="utf-8")


def stat_cell(html: str, label: str) -> str | None:
    """The value beside `label` in a page's 合计 table (home and region pages)."""
    m = re.search(rf"<td>{re.escape(label)}</td>\s*<td[^>]*>([^<]*)</td>", html)
    return m.group(1).strip() if m else None


def headline_amount(html: str) -> str | None:
    """The annual amount a region or department page opens with (its key figures)."""
    m = re.search(r"<strong>年度资金 ([^<]*)</strong>", html)
    return m.group(1).strip() if m else None


def wan_of(cell: str | None) -> Decimal:
    """'4,041.25万元' -> 4041.25 (in 万元); '1.23亿元' -> 12300."""
    m = re.fullmatch(r"(-?[\d,]+(?:\.\d+)?)(万元|亿元)", cell or "")
    assert m, f"not an amount: {cell!r}"
    return Decimal(m[1].replace(",", "")) * (10000 if m[2] == "亿元" else 1)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def read_record(root: Path, pid: str) -> dict[str, Any]:
    return yaml.safe_load((root / "data" / "records" / f"{pid}.yaml").read_text(encoding="utf-8"))


def record_ids(root: Path) -> set[str]:
    return {p.stem for p in (root / "data" / "records").glob("*.yaml")}


def records_from(root: Path, file: str) -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted((root / "data" / "records").glob("*.yaml")):
        rec = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(rec, dict) and (rec.get("source") or {}).get("file") == file:
            out[path.stem] = rec
    return out


# ---------------------------------------------------------------- the clean project


def test_00_clean_project_builds(project: Path) -> None:
    assert len(FANSHI_IDS) == 5 and len(GXQ_IDS) == 9  # the repo's records, the expected ids
    result = run_site(project)
    assert result.exit_code == 0, show(result)
    assert not errors(result), show(result)
    assert site_ids(project) == FANSHI_IDS | GXQ_IDS
    assert (project / "site" / "regions" / "fanshi" / "index.html").is_file()
    assert (project / "site" / "regions" / "yangquan-gxq" / "index.html").is_file()
    assert_site_safe(project)


# ---------------------------------------------------------------- data/sources.yaml


def test_01_year_with_unit_in_sources(project: Path) -> None:
    text = write_sources(project, entry(FANSHI, year="2024年"), entry(GXQ))
    result = run_site(project)
    assert result.exit_code != 0, show(result)
    lines = {line_no(text, "year: 2024年"), line_no(text, f"- file: {FANSHI}")}
    expect_problem(result, "data/sources.yaml", "source-entry", lines, "error")
    assert "Traceback" not in result.output, show(result)
    assert_published(project, result, GXQ_IDS, ["yangquan-gxq"])
    assert_site_safe(project)


def test_02_bare_string_entry_in_sources(project: Path) -> None:
    text = write_sources(project, f"  - {FANSHI}\n", entry(GXQ))
    result = run_site(project)
    assert result.exit_code != 0, show(result)
    expect_problem(result, "data/sources.yaml", "source-entry", line_no(text, f"- {FANSHI}"), "error")
    assert "Traceback" not in result.output, show(result)
    assert_published(project, result, GXQ_IDS, ["yangquan-gxq"])
    assert_site_safe(project)


def test_03_same_file_listed_twice(project: Path) -> None:
    text = write_sources(project, entry(FANSHI), entry(GXQ), entry(FANSHI))
    result = run_site(project)
    assert result.exit_code != 0, show(result)
    second = line_no(text, f"- file: {FANSHI}", nth=2)
    expect_problem(result, "data/sources.yaml", "source-duplicate", second, "error")
    # its projects appear once: 14 project pages, not 19
    assert site_ids(project) == FANSHI_IDS | GXQ_IDS, show(result)
    assert_published(project, result, FANSHI_IDS | GXQ_IDS, ["fanshi", "yangquan-gxq"])
    assert_site_safe(project)


def test_04_listed_file_missing_from_raw(project: Path) -> None:
    text = write_sources(project, entry(FANSHI), entry(GXQ), new_entry("005_missing.txt"))
    result = run_site(project)
    assert result.exit_code != 0, show(result)
    line = line_no(text, "- file: 005_missing.txt")
    expect_problem(result, "data/sources.yaml", "source-file-missing", line, "error")
    assert "Traceback" not in result.output, show(result)
    assert_published(project, result, FANSHI_IDS | GXQ_IDS, ["fanshi", "yangquan-gxq"])
    # assumed, as in case 12: a region with no readable document gets no (empty) page
    assert "ceshi" not in site_regions(project), show(result)
    assert_site_safe(project)


def test_05_raw_file_without_entry(project: Path) -> None:
    shutil.copyfile(project / "data" / "raw" / GXQ, project / "data" / "raw" / "005_unlisted.txt")
    result = run_site(project)
    assert result.exit_code != 0, show(result)  # assumed an error, as today
    expect_problem(result, "data/raw/005_unlisted.txt", "unlisted-source", None, "error")
    assert site_ids(project) == FANSHI_IDS | GXQ_IDS, show(result)
    assert_published(project, result, FANSHI_IDS | GXQ_IDS, ["fanshi", "yangquan-gxq"])
    assert_site_safe(project)


def test_06_slug_with_path_traversal(project: Path, tmp_path: Path) -> None:
    text = write_sources(project, entry(FANSHI, slug="../../../evil"), entry(GXQ))
    result = run_site(project)
    assert result.exit_code != 0, show(result)
    expect_problem(result, "data/sources.yaml", "source-entry", line_no(text, "slug: ../../../evil"), "error")
    assert "Traceback" not in result.output, show(result)
    # nothing outside the project root: tmp_path holds only the project, its parent nothing evil
    assert [p.name for p in tmp_path.iterdir()] == ["project"], show(result)
    assert not [p for p in tmp_path.parent.iterdir() if p.name.startswith("evil")], show(result)
    served = [p.relative_to(project / "site").as_posix() for p in (project / "site").rglob("*")]
    assert not [p for p in served if "evil" in p], show(result)
    assert_published(project, result, GXQ_IDS, ["yangquan-gxq"])
    assert_site_safe(project)


def test_07_two_regions_with_one_slug(project: Path) -> None:
    text = write_sources(project, entry(FANSHI), entry(GXQ, slug="fanshi"))
    result = run_site(project)
    assert result.exit_code != 0, show(result)
    lines = {line_no(text, f"- file: {GXQ}"), line_no(text, "slug: fanshi", nth=2)}
    expect_problem(result, "data/sources.yaml", "slug-conflict", lines, "error")
    # assumed: the first entry keeps the slug, the conflicting second one is not published;
    # either way no 阳泉高新区 project or page may take over 繁峙县's URLs
    assert_published(project, result, FANSHI_IDS, ["fanshi"])
    assert {i for i in site_ids(project) if i.startswith("2024-fanshi-")} == FANSHI_IDS, show(result)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page(project, "regions/fanshi/index.html"), re.S)
    assert heading and "繁峙县" in heading[1] and "阳泉" not in heading[1], show(result)
    assert_site_safe(project)


def test_08_second_document_for_a_region(project: Path) -> None:
    write_sources(
        project,
        entry(FANSHI),
        entry(GXQ, region="繁峙县", slug="fanshi", province="山西省", prefecture="忻州市"),
    )
    result = run_site(project)
    assert result.exit_code == 0, show(result)
    assert not errors(result), show(result)
    assert site_regions(project) == {"fanshi"}, show(result)
    ids = site_ids(project)
    assert len(ids) == 14 and all(i.startswith("2024-fanshi-") for i in ids), sorted(ids)
    home = page(project, "index.html")
    assert stat_cell(home, "地区") == "1", show(result)
    assert home.count('href="regions/fanshi/"') == 1, "the region is listed more than once on the home page"
    region = page(project, "regions/fanshi/index.html")
    for file in (FANSHI, GXQ):
        title = next(x for x in repo_entry(file) if x.strip().startswith("title:")).split(":", 1)[1].strip()
        assert title in region or file in region, f"region page does not list {file} ({title})"
    assert_site_safe(project)


def test_09_slug_changed_after_publishing(project: Path) -> None:
    first = run(project, "extract")
    assert first.exit_code == 0, show(first)
    published = {i for i in record_ids(project) if i.startswith("2024-fanshi-")}
    assert published == FANSHI_IDS
    text = write_sources(project, entry(FANSHI, slug="fanshi-new"), entry(GXQ))
    result = run_site(project)
    assert result.exit_code != 0, show(result)
    p = expect_problem(
        result, "data/sources.yaml", "slug-changed", line_no(text, "slug: fanshi-new"), "error"
    )
    assert any(pid in p.message for pid in published), p.message
    # nothing renamed, nothing lost
    assert {i for i in record_ids(project) if i.startswith("2024-fanshi-")} == published, show(result)
    assert_published(project, result, published | GXQ_IDS, ["yangquan-gxq"])
    assert_site_safe(project)


# ---------------------------------------------------------------- what is in data/raw/


def test_10_raw_file_named_html_with_a_script(project: Path) -> None:
    raw = project / "data" / "raw"
    (raw / "evil.html").write_bytes(b"<script>alert(1)</script>\n" + (raw / GXQ).read_bytes())
    (raw / GXQ).unlink()
    write_sources(project, entry(FANSHI), entry(GXQ, file="evil.html"))
    result = run_site(project)
    sources = project / "site" / "sources"
    served = [p.relative_to(sources).as_posix() for p in sources.rglob("*")] if sources.is_dir() else []
    assert not [p for p in served if p.lower().endswith((".html", ".htm"))], served
    assert not [p for p in served if Path(p).name == "evil.html"], served
    for path in site_files(project):
        rel = path.relative_to(project / "site")
        if rel.parts[0] == "sources" and path.suffix == ".txt":
            continue
        assert b"<script>alert(1)" not in path.read_bytes(), f"site/{rel.as_posix()} carries the script"
    assert_published(project, result, FANSHI_IDS | GXQ_IDS, ["fanshi", "yangquan-gxq"])
    assert_site_safe(project)


def tiny_pdf(text: bytes = b"Hello") -> bytes:
    """A valid one-page PDF 1.4 with a Flate-compressed content stream, like real PDFs
    (binary comment line and compressed bytes: not text in any encoding)."""
    stream = zlib.compress(b"BT /F1 24 Tf 72 720 Td (" + text + b") Tj ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_11_pdf_dropped_into_raw(project: Path) -> None:
    pdf = "005_scan.pdf"
    (project / "data" / "raw" / pdf).write_bytes(tiny_pdf())
    write_sources(project, entry(FANSHI), entry(GXQ), new_entry(pdf))
    result = run_site(project)
    about = [p for p in problems(result.output) if p.path == f"data/raw/{pdf}"]
    assert about, f"no problem names data/raw/{pdf}{show(result)}"
    # a PDF is not a text file in a wrong encoding
    assert not [p for p in about if "neither UTF-8 nor GBK" in p.message], about
    assert not {p.code for p in about} & {"undecodable", "not-utf8"}, about
    # the PDF reader reads it and finds no table in it (a project "extracted" from it would
    # be invented)
    assert {p.code for p in about} & {"no-tables"}, about
    assert result.exit_code != 0, show(result)
    assert "Traceback" not in result.output, show(result)
    assert_published(project, result, FANSHI_IDS | GXQ_IDS, ["fanshi", "yangquan-gxq"])
    assert_site_safe(project)


def test_12_empty_file_listed(project: Path) -> None:
    (project / "data" / "raw" / "005_empty.txt").write_bytes(b"")
    write_sources(project, entry(FANSHI), entry(GXQ), new_entry("005_empty.txt"))
    result = run_site(project)
    assert result.exit_code != 0, show(result)
    expect_problem(result, "data/raw/005_empty.txt", "empty-document", None, "error")
    assert "Traceback" not in result.output, show(result)
    assert_published(project, result, FANSHI_IDS | GXQ_IDS, ["fanshi", "yangquan-gxq"])
    assert site_regions(project) == {"fanshi", "yangquan-gxq"}, show(result)
    home = page(project, "index.html")
    assert stat_cell(home, "地区") == "2" and stat_cell(home, "项目") == "14", show(result)
    regions = [
        wan_of(headline_amount(page(project, f"regions/{s}/index.html"))) for s in site_regions(project)
    ]
    assert abs(wan_of(stat_cell(home, "年度资金合计")) - sum(regions)) <= Decimal("0.02"), regions
    assert_site_safe(project)


# ---------------------------------------------------------------- records edited by hand


def edit_victim(root: Path, case: str) -> tuple[str, int | None]:
    """Edit the VICTIM record as case 13a/b/c says; return its path and the edited line."""
    path = root / "data" / "records" / f"{VICTIM}.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    funds = lines.index("funds:")
    annual = lines.index("  annual:", funds)
    total = next(i for i in range(annual, len(lines)) if lines[i].startswith("    total:"))
    line: int | None = total + 1
    if case == "string-total":
        lines[total] = '    total: "abc"'
    elif case == "negative-total":
        lines[total] = "    total: -1600000"  # shown as -160.00万元 if it reached a page
    else:  # no-funds: the block runs to the next top-level key
        end = next(i for i in range(funds + 1, len(lines)) if lines[i] and not lines[i].startswith(" "))
        del lines[funds:end]
        line = None
    path.write_text("\n".join(lines), encoding="utf-8")
    return f"data/records/{VICTIM}.yaml", line


def run_with_edited_record(root: Path, case: str) -> tuple[Result, str, int | None]:
    first = run(root, "extract")
    assert first.exit_code == 0, show(first)
    rel, line = edit_victim(root, case)
    result = run_site(root, extract=False)
    assert result.exit_code != 0, show(result)
    assert "Traceback" not in result.output, show(result)
    assert_published(root, result, (FANSHI_IDS | GXQ_IDS) - {VICTIM}, ["fanshi", "yangquan-gxq"])
    assert_site_safe(root)
    return result, rel, line


def test_13a_record_total_is_a_string(project: Path) -> None:
    result, rel, line = run_with_edited_record(project, "string-total")
    expect_problem(result, rel, "wrong-type", line, "error")


def test_13b_record_total_is_negative(project: Path) -> None:
    result, rel, line = run_with_edited_record(project, "negative-total")
    expect_problem(result, rel, "invalid-value", line, "error")
    negative = re.compile(r"(?<![\d.,])[-−]\s?[\d,]+(?:\.\d+)?\s*(?:万元|亿元)")
    for path in site_files(project):
        if path.suffix in (".html", ".svg"):
            found = negative.search(path.read_text(encoding="utf-8"))
            assert not found, f"{path.relative_to(project)} shows {found[0]}"


def test_13c_record_without_funds(project: Path) -> None:
    result, rel, _ = run_with_edited_record(project, "no-funds")
    expect_problem(result, rel, "missing-field", None, "error")


# ---------------------------------------------------------------- data/corrections/


def add_correction(root: Path, fixture: str, name: str) -> str:
    """Copy a fixture into data/corrections/<name>; return its text."""
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    assert f"project_id: {VICTIM}" in text  # the fixtures name the record the tests expect
    (root / "data" / "corrections").mkdir(parents=True, exist_ok=True)
    (root / "data" / "corrections" / name).write_text(text, encoding="utf-8")
    return text


def test_14a_correction_path_typo(project: Path) -> None:
    text = add_correction(project, "correction-path-typo.yaml", f"{VICTIM}.yaml")
    result = run(project, "extract")
    assert result.exit_code != 0, show(result)
    line = line_no(text, "funds.annual.locl: 3212000")
    p = expect_problem(result, f"data/corrections/{VICTIM}.yaml", "correction-path", line, "error")
    assert "funds.annual.local" in p.message, p.message
    assert "locl" not in (project / "data" / "records" / f"{VICTIM}.yaml").read_text(encoding="utf-8")
    assert record_ids(project) == FANSHI_IDS | GXQ_IDS, show(result)


def test_14b_correction_file_is_a_list(project: Path) -> None:
    add_correction(project, "correction-top-level-list.yaml", f"{VICTIM}.yaml")
    result = run(project, "extract")
    assert result.exit_code != 0, show(result)
    expect_problem(result, f"data/corrections/{VICTIM}.yaml", "correction-shape", 1, "error")
    assert "Traceback" not in result.output, show(result)
    assert record_ids(project) == FANSHI_IDS | GXQ_IDS, show(result)
    assert read_record(project, VICTIM)["goal_annual"] == repo_records("fanshi")[VICTIM]["goal_annual"]


def test_14c_correction_in_yml_file_is_applied(project: Path) -> None:
    text = add_correction(project, "correction-in-yml.yml", f"{VICTIM}.yml")
    wanted = yaml.safe_load(text)["set"]["goal_annual"]
    assert repo_records("fanshi")[VICTIM]["goal_annual"] != wanted
    result = run(project, "extract")
    assert result.exit_code == 0 and not errors(result), show(result)
    rec = read_record(project, VICTIM)
    assert rec["goal_annual"] == wanted, show(result)
    assert "goal_annual" in rec["corrected_fields"]


def test_14d_correction_clears_funds_sum_mismatch(project: Path) -> None:
    # No project of 000/002 is flagged funds_sum_mismatch, so the mismatch is put into the
    # source: 002's first table (高龄津贴) prints 785,100 as the annual total and the annual
    # 市县 row; the row is changed to 700,000 in this project's copy, the way a misprinted
    # document looks. The first extract must flag it (checked, so the route stays valid);
    # then a correction sets funds.annual.local back to 785100, and after the next extract
    # the corrected record must no longer carry the flag: flags describe the published record.
    raw = project / "data" / "raw" / GXQ
    row = "\t市县(区)财政资金\t785,100\t市县(区)财政资金\t785,100"
    text = raw.read_text(encoding="utf-8")
    assert text.count(row + "\n") == 1
    raw.write_text(text.replace(row + "\n", row.removesuffix("785,100") + "700,000\n"), encoding="utf-8")
    first = run(project, "extract")
    assert first.exit_code == 0, show(first)
    pid, rec = next((i, r) for i, r in records_from(project, GXQ).items() if "高龄津贴" in r["project_name"])
    assert rec["funds"]["annual"]["local"] == 700000 and "funds_sum_mismatch" in rec["quality_flags"], rec
    correction = f"project_id: {pid}\nreason: 原表市县资金印错，按合计更正（测试）\n"
    correction += "set:\n  funds.annual.local: 785100\n"
    (project / "data" / "corrections").mkdir(parents=True, exist_ok=True)
    (project / "data" / "corrections" / f"{pid}.yaml").write_text(correction, encoding="utf-8")
    result = run(project, "extract")
    assert result.exit_code == 0 and not errors(result), show(result)
    rec = read_record(project, pid)
    assert rec["funds"]["annual"]["local"] == 785100 and "funds.annual.local" in rec["corrected_fields"]
    assert "funds_sum_mismatch" not in rec["quality_flags"], rec["quality_notes"]


# ---------------------------------------------------------------- documents cut short


def last_table(lines: list[str]) -> tuple[int, int]:
    """0-based indexes of the document's last table's title and of its indicators' header row."""
    title = max(i for i, line in enumerate(lines) if line.rstrip().endswith("项目支出绩效目标表"))
    return title, next(i for i in range(title, len(lines)) if lines[i].startswith("绩效指标\t"))


def test_15_document_cut_inside_a_table(project: Path) -> None:
    raw = project / "data" / "raw" / GXQ
    lines = raw.read_text(encoding="utf-8").split("\n")
    title, header = last_table(lines)
    raw.write_text("\n".join(lines[: header + 5]) + "\n", encoding="utf-8")  # 4 of its indicator rows
    result = run_site(project)
    assert "Traceback" not in result.output, show(result)
    # assumed: the cut is reported (any code) somewhere from the table's title to the last line
    expect_problem(result, f"data/raw/{GXQ}", None, set(range(title + 1, header + 6)))
    name = GXQ_RECORDS[GXQ_LAST_ID]["project_name"]
    cut = [(i, r) for i, r in records_from(project, GXQ).items() if r["project_name"] == name]
    assert cut, f"no record for the cut table {name}{show(result)}"
    pid, rec = cut[0]
    assert "table_truncated" in rec["quality_flags"], rec["quality_flags"]
    assert pid in site_ids(project), show(result)
    assert_published(project, result, FANSHI_IDS | (GXQ_IDS - {GXQ_LAST_ID}), ["fanshi", "yangquan-gxq"])
    assert_site_safe(project)


def test_16_document_cut_inside_a_utf8_character(project: Path) -> None:
    raw = project / "data" / "raw" / GXQ
    data = raw.read_bytes()
    lines = data.split(b"\n")
    row = last_table([x.decode("utf-8") for x in lines])[1] + 5  # its 5th indicator row
    char = "库".encode()  # 在库企业奖励数
    assert len(char) == 3 and char in lines[row]
    cut = sum(len(x) + 1 for x in lines[:row]) + lines[row].index(char) + 1
    raw.write_bytes(data[:cut])
    result = run_site(project)
    assert "Traceback" not in result.output, show(result)
    expect_problem(result, f"data/raw/{GXQ}", "undecodable", row + 1, "warning")
    assert_published(project, result, FANSHI_IDS | (GXQ_IDS - {GXQ_LAST_ID}), ["fanshi", "yangquan-gxq"])
    assert_site_safe(project)


# ---------------------------------------------------------------- a failing generate


def test_17_failed_generate_keeps_content_and_site(project: Path) -> None:
    clean = run_site(project)
    assert clean.exit_code == 0, show(clean)
    content, site = snapshot(project / "content"), snapshot(project / "site")
    pages = [k for k in content if k.startswith("projects/") and k.endswith(".md")]
    assert len(pages) == 14, pages
    template = (FIXTURES / "broken-project-template.md.j2").read_text(encoding="utf-8")
    (project / "templates" / "project.md.j2").write_text(template, encoding="utf-8")
    result = run(project, "generate")
    assert result.exit_code != 0, show(result)
    assert "Traceback" not in result.output, show(result)
    line = line_no(template, "{{ p.nonexistent_attribute.x }}")
    expect_problem(result, "templates/project.md.j2", None, line, "error")
    after = snapshot(project / "content")
    lost = sorted(k for k in pages if k not in after)
    changed = sorted(k for k in pages if k in after and after[k] != content[k])
    assert not lost and not changed, f"lost {lost}, changed {changed}"
    assert after == content, sorted(set(after) ^ set(content))
    assert snapshot(project / "site") == site
