"""The file-format readers (generator.readers) on the fixtures of tests/fixtures/formats/.

The fixtures are made by tests/fixtures/formats/make_fixtures.py: each template family of
../shared/docs/TEMPLATES.md written as Word, Excel and HTML, the Word files printed to PDF by
LibreOffice, and the bad inputs named for their case. Word is the reference grid: HTML and
Excel must give the same cells and spans, PDF the same up to line wrapping.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from generator.problems import problem
from generator.readers import DOCX, HTML, PDF, XLS, XLSX, docx, html, pdf, reader_for, xls, xlsx
from generator.readers.common import title_and_context
from generator.tables import Cell, Reading, Table

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
FAMILIES = ("shanxi", "shanghai", "sichuan")
SHEETS = {"shanxi": "项目支出绩效目标表", "shanghai": "申报表", "sichuan": "绩效目标"}


@cache
def read(name: str) -> Reading:
    path = FORMATS / name
    reader = reader_for(path)
    assert reader is not None, name
    return reader(path, name)


def table(family: str, fmt: str) -> Table:
    if fmt == "xlsx":
        return next(t for t in read("families.xlsx").tables if t.sheet == SHEETS[family])
    reading = read(f"{family}.{fmt}")
    assert reading.findings == []
    assert len(reading.tables) == 1
    return reading.tables[0]


def at(t: Table, row: int, col: int) -> Cell:
    cell = t.grid()[row][col]
    assert cell is not None, (row, col)
    return cell


def flat(text: str) -> str:
    """Text without whitespace, amounts as numbers: what every format must agree on."""
    text = "".join(text.split())
    if re.fullmatch(r"\d[\d,]*(\.\d+)?", text):
        return format(Decimal(text.replace(",", "")).normalize(), "f")
    return text


def shape(t: Table, exact: bool = True) -> dict[tuple[int, int], tuple[int, int, str]]:
    return {(c.row, c.col): (c.rowspan, c.colspan, c.text if exact else flat(c.text)) for c in t.cells}


def spans(cell: Cell) -> tuple[str, int, int]:
    return flat(cell.text), cell.rowspan, cell.colspan


# ---------------------------------------------------------------- one grid in every format
@pytest.mark.parametrize("family", FAMILIES)
def test_word_html_and_excel_give_the_same_grid(family: str) -> None:
    word = table(family, "docx")
    assert shape(table(family, "html")) == shape(word)
    assert shape(table(family, "xlsx"), exact=False) == shape(word, exact=False)


@pytest.mark.parametrize("family", ["shanghai", "sichuan"])  # one page each; shanxi: below
def test_pdf_gives_the_word_grid(family: str) -> None:
    assert shape(table(family, "pdf"), exact=False) == shape(table(family, "docx"), exact=False)


@pytest.mark.parametrize("fmt", ["docx", "html", "xlsx", "pdf"])
@pytest.mark.parametrize("family", FAMILIES)
def test_title_and_unit_line(family: str, fmt: str) -> None:
    t = table(family, fmt)
    title, context = {
        "shanxi": ("阳泉经济技术开发区县(区)级预算部门(单位)项目支出绩效目标表", ["(2024年度)", "单位：元"]),
        "shanghai": ("2024年度财政项目支出绩效目标申报表", ["填报单位：上海市某某区第一中学", "单位：万元"]),
        "sichuan": ("2024年部门预算项目绩效目标申报表", ["部门名称：成都市某某区教育局", "单位：万元"]),
    }[family]
    assert (t.title, t.context) == (title, context)
    assert t.index == (list(SHEETS).index(family) + 1 if fmt == "xlsx" else 1)


@pytest.mark.parametrize(
    ("lines", "title", "context"),
    [
        (["附件1：绩效目标表", "单位：万元"], "附件1：绩效目标表", ["单位：万元"]),
        (["三、项目支出", "（一）", "金额单位：元"], "三、项目支出", ["（一）", "金额单位：元"]),
        (["", "单位：万元", "  "], "", ["单位：万元"]),
        (
            ["前文", "a", "b", "c", "绩效目标表（2024年）", "(2024年度)"],
            "绩效目标表（2024年）",
            ["b", "c", "(2024年度)"],
        ),
    ],
)
def test_title_and_context_from_the_lines_above(lines: list[str], title: str, context: list[str]) -> None:
    assert title_and_context(lines) == (title, context)


# ---------------------------------------------------------------- the families, cell by cell
@pytest.mark.parametrize("fmt", ["docx", "html", "xlsx", "pdf"])
def test_shanxi(fmt: str) -> None:
    t = table("shanxi", fmt)
    cut = 1 if fmt == "pdf" else 0  # the PDF's page break splits one row in two (see below)
    assert spans(at(t, 0, 0)) == ("项目名称", 1, 1)
    assert spans(at(t, 0, 1)) == ("2024年高新区高龄津贴补助资金", 1, 7)
    assert spans(at(t, 1, 4)) == ("实施单位", 1, 1)
    assert spans(at(t, 3, 0)) == ("项目资金(元)", 6, 1)
    assert spans(at(t, 3, 1)) == ("实施期资金总额:", 1, 2)
    assert spans(at(t, 3, 3)) == ("785100", 1, 1)
    assert spans(at(t, 3, 6)) == ("785100", 1, 2)
    assert spans(at(t, 6, 4)) == ("市县(区)财政资金", 1, 2)
    assert spans(at(t, 14, 0)) == ("总体目标", 2, 1)
    assert spans(at(t, 14, 1)) == ("实施期目标", 1, 4)
    assert spans(at(t, 14, 5)) == ("年度目标", 1, 3)
    header = "绩效指标 一级指标 二级指标 三级指标 指标值 二级指标 三级指标 指标值"
    assert [flat(c.text) for c in t.rows()[16]] == header.split()
    assert spans(at(t, 16, 0)) == ("绩效指标", 16 + cut, 1)
    assert spans(at(t, 17, 1)) == ("产出指标", 10 + cut, 1)
    assert spans(at(t, 17, 2)) == spans(at(t, 17, 5)) == ("数量指标", 4, 1)
    assert spans(at(t, 18, 7)) == ("≥50人", 1, 1)
    assert spans(at(t, 27 + cut, 1)) == ("效益指标", 4, 1)
    assert spans(at(t, 28 + cut, 3)) == ("对高龄老年人生活影响", 1, 1)
    last = "满意度指标 服务对象满意度 受益老年人满意度 ≥85% 服务对象满意度 受益老年人满意度 ≥85%"
    assert [flat(c.text) for c in t.rows()[31 + cut]] == last.split()
    assert t.n_rows == 32 + cut and t.n_cols == 8


def test_shanxi_pdf_runs_over_two_pages() -> None:
    """One table on pages 1 and 2 (no header repeated). LibreOffice lets a row break across the
    page (Word's default too): the 100周岁 row prints "100周岁及" on page 1 and the rest on page 2,
    and pdfplumber sees two ruled rows there. The reader keeps them as printed (two rows);
    the form reader must not take the second for a new indicator."""
    t, word = table("shanxi", "pdf"), table("shanxi", "docx")
    assert (t.page, t.pages) == (1, [1, 2])
    before = {k: v for k, v in shape(word, exact=False).items() if k[0] < 25}  # rows above the cut
    for crossing in [(16, 0), (17, 1), (23, 2), (23, 5)]:  # 绩效指标, 产出指标, 成本指标 ×2: one row more
        rowspan, colspan, text = before[crossing]
        before[crossing] = (rowspan + 1, colspan, text)
    assert {k: v for k, v in shape(t, exact=False).items() if k[0] < 25} == before
    assert [flat(at(t, r, 3).text) for r in (25, 26)] == ["100周岁及", "以上老年津贴成本"]
    assert (at(t, 25, 4).text, at(t, 26, 4).text) == ("292元/人/月", "")
    assert (at(t, 0, 0).page, at(t, 25, 3).page, at(t, 26, 3).page, at(t, 28, 1).page) == (1, 1, 2, 2)
    assert at(t, 16, 0).page == 1  # a cell cut by the page break is one cell, on the page it starts
    assert t.position(at(t, 28, 1)) == {"page": 2, "cell": "表1 第29行"}


@pytest.mark.parametrize("fmt", ["docx", "html", "xlsx", "pdf"])
def test_shanghai(fmt: str) -> None:
    t = table("shanghai", fmt)
    assert spans(at(t, 3, 0)) == ("项目资金", 4, 1)
    assert spans(at(t, 3, 1)) == ("项目资金总额", 4, 1)  # a block merge: three columns down four rows
    assert spans(at(t, 3, 2)) == ("360", 4, 1)
    assert spans(at(t, 3, 4)) == ("120", 1, 2)
    assert [spans(c) for c in t.rows()[4]] == [("其中：当年财政拨款", 1, 1), ("100", 1, 2)]
    goal = at(t, 7, 1)
    assert goal.colspan == 5
    if fmt != "pdf":  # two Word paragraphs, <br>, Alt+Enter: one "\n"; PDF lines follow the wrapping
        assert goal.text == "1.完成校舍屋面防水及外墙维修约2000平方米；\n2.工程验收合格率100%。"
    assert spans(at(t, 8, 4)) == ("年度(/项目)指标值", 1, 1)
    assert spans(at(t, 9, 0)) == ("产出指标", 3, 1)
    assert at(t, 10, 4).text == "=100.00(%)"  # text in Excel too, not a formula
    assert spans(at(t, 13, 0)) == ("", 1, 1)  # 一级 left blank under 效果指标, not merged
    assert [flat(c.text) for c in t.rows()[14]][:2] == ["影响力指标", "长效管理"]


@pytest.mark.parametrize("fmt", ["docx", "html", "xlsx", "pdf"])
def test_sichuan(fmt: str) -> None:
    t = table("sichuan", fmt)
    assert [spans(c) for c in t.rows()[0]] == [
        (h, 2, 1) for h in ("单位名称", "项目名称", "预算数", "年度目标")
    ] + [("绩效指标", 1, 8)]
    labels = "一级指标 二级指标 三级指标 指标性质 指标值 度量单位 权重 指标方向性"
    assert [flat(c.text) for c in t.rows()[1]] == labels.split()
    assert spans(at(t, 2, 0)) == ("合计", 1, 2)
    assert spans(at(t, 2, 2)) == ("85", 1, 1)
    assert spans(at(t, 3, 0)) == ("成都市某某区实验小学", 7, 1)
    assert spans(at(t, 3, 1)) == ("校园安保服务经费", 5, 1)
    assert spans(at(t, 3, 2)) == ("60", 5, 1)
    assert spans(at(t, 3, 4)) == ("产出指标", 3, 1)
    assert [flat(c.text) for c in t.rows()[3]][5:] == "数量指标 专职安保人员数量 ≥ 12 人 20 正向".split()
    assert [flat(c.text) for c in t.rows()[6]][-5:] == ["=", "0", "次", "20", "反向"]
    assert spans(at(t, 8, 1)) == ("学生营养餐补助", 2, 1)
    assert t.n_rows == 10 and t.n_cols == 12


# ---------------------------------------------------------------- positions
def test_excel_positions() -> None:
    tables = read("families.xlsx").tables
    assert [t.sheet for t in tables] == list(SHEETS.values())
    shanxi, shanghai, sichuan = tables
    assert (at(shanxi, 0, 0).ref, at(shanxi, 3, 3).ref, at(shanxi, 31, 7).ref) == ("A4", "D7", "H35")
    assert at(shanghai, 3, 2).ref == "C7"
    assert (at(sichuan, 0, 4).ref, at(sichuan, 2, 0).ref) == ("E4", "A6")
    assert shanxi.position(at(shanxi, 3, 3)) == {"sheet": "项目支出绩效目标表", "cell": "D7"}
    assert all(c.page == 0 for c in shanxi.cells) and shanxi.pages == []


def test_excel_97_reads_the_same_grid_as_xlsx() -> None:
    """families.xls is families.xlsx saved by LibreOffice Calc as Excel 97–2003: every cell,
    span, reference and title is the same, percent formats included."""
    old, new = read("families.xls"), read("families.xlsx")
    assert old.findings == [] and [t.sheet for t in old.tables] == list(SHEETS.values())
    for a, b in zip(old.tables, new.tables, strict=True):
        assert (a.title, a.context) == (b.title, b.context)
        assert {(c.row, c.col): (c.rowspan, c.colspan, c.text, c.ref) for c in a.cells} == {
            (c.row, c.col): (c.rowspan, c.colspan, c.text, c.ref) for c in b.cells
        }


def test_word_and_html_positions_are_table_rows() -> None:
    for name in ("sichuan.docx", "sichuan.html"):
        t = read(name).tables[0]
        assert t.position(at(t, 3, 1)) == {"cell": "表1 第4行"}
        assert all(c.page == 0 and c.ref == "" for c in t.cells)


# ---------------------------------------------------------------- PDF: continued tables, text layer
def test_continued_pdf_is_one_table_with_the_repeated_header_dropped() -> None:
    reading = read("continued.pdf")
    assert reading.findings == [] and reading.pages == 2
    [t] = reading.tables
    assert (t.title, t.context, t.page, t.pages) == (
        "2024年部门预算项目绩效目标申报表",
        ["单位：万元"],
        1,
        [1, 2],
    )
    assert shape(t, exact=False) == shape(read("continued.docx").tables[0], exact=False)
    assert sum(flat(c.text) == "一级指标" for c in t.cells) == 1  # the header row printed on page 2 is gone
    assert t.n_rows == 2 + 5 * 8
    assert spans(at(t, 2, 0)) == ("成都市某某区民政局", 40, 1)  # cut by the page break, joined again
    page2 = sorted({c.row for c in t.cells if c.page == 2})
    assert page2 and page2 == list(range(page2[0], 42))
    assert all(c.page == 1 for c in t.cells if c.row < page2[0])
    assert flat(at(t, page2[0], 6).text) != "三级指标"


def test_pdf_without_ruling_lines_is_read_from_the_text_layer() -> None:
    reading = read("borderless.pdf")
    assert reading.findings == []
    [t] = reading.tables
    assert (t.title, t.context, t.pages) == ("2024年项目支出绩效目标表", ["单位：万元"], [1])
    assert [[c.text for c in row] for row in t.rows()[:5]] == [
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训人次", "≥300人次"],
        ["产出指标", "质量指标", "培训合格率", "≥95%"],
        ["效益指标", "社会效益指标", "基层服务能力", "明显提升"],
        ["满意度指标", "服务对象满意度指标", "学员满意度", "≥90%"],
    ]
    assert all(c.rowspan == c.colspan == 1 and c.page == 1 for c in t.cells)


# ---------------------------------------------------------------- nested tables, encodings
@pytest.mark.parametrize("name", ["nested-table.docx", "nested-table.html"])
def test_a_nested_table_is_a_table_of_its_own(name: str) -> None:
    reading = read(name)
    assert reading.findings == []
    outer, inner = reading.tables
    assert (outer.index, inner.index) == (1, 2)
    assert [c.text for c in outer.cells] == ["附件1", "某某县2024年项目支出绩效目标表\n单位：万元"]
    assert (inner.title, inner.context) == ("某某县2024年项目支出绩效目标表", ["单位：万元"])
    assert [spans(c) for c in inner.rows()[1]] == [("年度资金总额", 1, 1), ("12", 1, 2)]


def test_html_encodings() -> None:
    raw = (FORMATS / "sichuan.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # GB2312, declared in a meta tag
    assert b"charset" not in (FORMATS / "shanghai.html").read_bytes()  # UTF-8, declared nowhere
    assert html.decode("项目".encode("gb18030")) == "项目"
    assert html.decode(b"\xef\xbb\xbf<p>\xe9\xa1\xb9</p>") == "<p>项</p>"


# ---------------------------------------------------------------- bad inputs: one finding each
def test_encrypted_pdf() -> None:
    reading = read("encrypted.pdf")
    assert (reading.findings, reading.tables) == ([("pdf-encrypted", {})], [])


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    """Restrictions without a password to open (common on government PDFs) are no obstacle."""
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(FORMATS / "sichuan.pdf"))
    writer.encrypt(user_password="", owner_password="county-owner", algorithm="AES-128")
    path = tmp_path / "restricted.pdf"
    with path.open("wb") as f:
        writer.write(f)
    reading = pdf.read(path, "restricted.pdf")
    assert reading.findings == []
    assert shape(reading.tables[0]) == shape(table("sichuan", "pdf"))


def test_scanned_page() -> None:
    reading = read("scanned.pdf")
    assert reading.findings == [("pdf-scanned-page", {"page": 2})]
    assert reading.pages == 2
    assert [t.pages for t in reading.tables] == [[1]]  # the page with a text layer is still read


def test_corrupted_docx() -> None:
    reading = read("corrupted.docx")
    [(code, values)] = reading.findings
    assert (code, values["format"], reading.tables) == ("document-broken", "Word", [])
    assert set(values) == {"format", "error"} and values["error"]
    assert str(FORMATS) not in str(values["error"])


def test_formula_without_cached_value() -> None:
    reading = read("formulas-uncached.xlsx")
    assert reading.findings == [
        ("formula-uncached", {"sheet": "资金", "cell": "B3", "formula": "=SUM(B4:B5)"}),
        ("formula-uncached", {"sheet": "资金", "cell": "C3", "formula": "=SUM(C4:C5)"}),
    ]
    [t] = reading.tables
    assert [(c.ref, c.text) for c in t.rows()[1]] == [("A3", "合计"), ("B3", ""), ("C3", "")]
    assert [c.text for c in t.rows()[3]] == ["市县(区)财政资金", "785100", "785100"]


def test_no_table_html() -> None:
    reading = read("no-table.html")
    assert (reading.findings, reading.tables) == ([("no-tables", {})], [])


BAD = ["encrypted.pdf", "scanned.pdf", "corrupted.docx", "formulas-uncached.xlsx", "no-table.html"]


@pytest.mark.parametrize("reader", [pdf.read, docx.read, xlsx.read, xls.read, html.read])
@pytest.mark.parametrize("name", [*BAD, "empty", "random-bytes"])
def test_no_reader_raises_on_any_bad_file(reader, name: str, tmp_path: Path) -> None:
    path = FORMATS / name
    if name == "empty":
        path = tmp_path / "empty"
        path.write_bytes(b"")
    elif name == "random-bytes":
        path = tmp_path / "random-bytes"
        shutil.copyfile(Path(__file__).parent / "fixtures" / "bad" / "random-bytes.bin", path)
    reading = reader(path, name)
    assert reading.tables or reading.findings
    for code, values in reading.findings:  # every finding makes a problem the catalogue can print
        assert problem(code, f"data/raw/{name}", **values).format()


def test_reader_for(tmp_path: Path) -> None:
    assert reader_for(Path("a.PDF")) == PDF
    assert reader_for(Path("a.htm"), b"<!DOCTYPE html><html><table></table></html>") == HTML
    # named .html but holding a text export (or a script and text): read as text, never as a page
    assert reader_for(Path("a.html"), "<script>alert(1)</script>\n项目名称\t…".encode()) is None
    assert reader_for(Path("a.docx")) == DOCX and reader_for(Path("a.xlsx")) == XLSX
    assert reader_for(Path("a.xls")) == XLS
    for name in ("a.txt", "a.doc", "a.wps"):
        assert reader_for(Path(name)) is None
    # by content first: counties publish HTML tables saved as .xls, PDFs named .doc
    for source, saved_as, reader in [
        ("shanxi.pdf", "table.doc", PDF),
        ("shanxi.docx", "table.download", DOCX),
        ("families.xlsx", "table", XLSX),
        ("families.xls", "table.xls", XLS),
        ("families.xls", "table.doc", None),  # OLE2 named .doc: a Word 97 file, reported
        ("sichuan.html", "table.xls", HTML),
        ("corrupted.docx", "corrupted.docx", DOCX),  # a cut zip: by its name, to report it
        ("corrupted.docx", "corrupted.bin", None),
    ]:
        path = tmp_path / saved_as
        shutil.copyfile(FORMATS / source, path)
        assert reader_for(path) == reader, saved_as
        assert reader_for(path, path.read_bytes()) == reader, saved_as
    assert reader_for(tmp_path / "notes.txt", b"<html><table></table></html>") is None  # text exports
