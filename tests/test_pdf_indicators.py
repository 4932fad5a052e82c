"""Indicator grids that a page break cuts, read from PDFs printed by LibreOffice.

The fixtures are made by tests/fixtures/formats/pdf-pages/make_pdf_pages.py: national-form
tables written with python-docx, each placed so that the page break falls where a county's
PDF breaks it. Word and LibreOffice let a row break across a page, so the break cuts the
header row of the grid, an indicator's name and value, or a 一级/二级 cell merged down over
the rows below; a page of header and funds rows shows fewer columns than a page of
indicators. Every indicator must come back as written.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from generator.extract.form import read_form
from generator.extract.vocabulary import load_vocabulary
from generator.readers import pdf
from generator.tables import Cell, Reading, Table

HERE = Path(__file__).resolve().parent / "fixtures" / "formats" / "pdf-pages"
sys.path.insert(0, str(HERE))
from make_pdf_pages import ANNUAL, CUT_LEVEL, CUT_NAME, CUT_UNIT, LEVELS, Indicator  # noqa: E402

# cut-rows.pdf, table by table: what each side prints, and what the break cuts
CUT_ROWS = {
    1: (LEVELS, "the header row: 一级指 | 标"),
    2: (CUT_NAME, "a name and a value, under 一级 and 二级 merged across the break"),
    3: (CUT_LEVEL, "一级 (merged down) and 二级: 效益指 | 标, 经济效 | 益指标"),
    4: (CUT_UNIT, "a name, and a value whose rest starts with a slash: 50元 | /月/人"),
    5: (CUT_UNIT, "二级, a name and a value, where the value's line had room left: 50 | 元/月/人"),
}


@cache
def read(name: str) -> Reading:
    reading = pdf.read(HERE / name, name)
    assert reading.findings == []
    return reading


def table(name: str, index: int = 1) -> Table:
    return read(name).tables[index - 1]


def indicators(t: Table) -> list[tuple[str, ...]]:
    record = read_form(t, load_vocabulary()).record
    assert record is not None
    return [(i.scope, i.level1, i.level2, i.name, i.value) for i in record.indicators]


def written(period: list[Indicator], annual: list[Indicator]) -> list[tuple[str, ...]]:
    return [("period", *i) for i in period] + [("annual", *i) for i in annual]


def flat(text: str) -> str:
    return "".join(text.split())


def first_on(t: Table, page: int) -> list[Cell]:
    """The cells of the first row printed on `page`, left to right."""
    row = min(c.row for c in t.cells if c.page == page)
    return sorted((c for c in t.cells if c.row == row), key=lambda c: c.col)


def last_before(t: Table, row: int) -> dict[int, Cell]:
    """The cells ending in the row above `row`, by column."""
    return {c.col: c for c in t.cells if c.row + c.rowspan == row}


# ---------------------------------------------------------------- one table over two pages
def test_a_page_with_fewer_columns_goes_on_on_the_next() -> None:
    """Page 1 prints the header, funds and 项目概况 rows (seven column lines), page 2 the goals
    and the indicator grid (ten): one table of nine columns, page 1 in page 2's columns."""
    [t] = read("columns.pdf").tables
    assert (t.pages, t.n_cols, t.title) == ([1, 2], 9, "2024年项目支出绩效目标表")
    spans = {flat(c.text): (c.page, c.col, c.colspan) for c in t.cells}
    assert spans["项目名称"] == (1, 0, 1) and spans["困难群众救助补助资金"] == (1, 1, 8)
    assert spans["实施单位"] == (1, 5, 1) and spans["年度资金总额"] == (1, 5, 2)
    assert spans["总体目标"] == (2, 0, 1) and spans["实施期目标"] == (2, 1, 4)
    assert [(c.col, c.colspan) for c in t.rows()[7]] == [(k, 1) for k in range(9)]
    assert [flat(c.text) for c in first_on(t, 2)] == ["总体目标", "实施期目标", "年度目标"]
    assert not any(c.runs_on for c in t.cells)  # a row of its own


def test_each_side_keeps_its_own_level1() -> None:
    """The 年度 side prints its 一级指标 column with merges of its own (效益指标 over two rows
    where the 实施期 side has 产出指标): a second 一级指标 header starts the second grid."""
    assert indicators(table("columns.pdf")) == written(LEVELS, ANNUAL)


def test_a_space_at_a_line_break_is_kept() -> None:
    """ "20. 188公里" wraps after "20. ": LibreOffice prints the space at the line's end."""
    [cell] = [c for c in table("columns.pdf").cells if flat(c.text) == "20.188公里"]
    assert cell.text == "20. 188公里"


# ---------------------------------------------------------------- rows the page break cuts
@pytest.mark.parametrize("index", sorted(CUT_ROWS))
def test_the_reader_marks_the_rest_of_a_cut_row(index: int) -> None:
    """The first row on the new page is kept as printed (generator/readers/pdf.py), and each of
    its cells with text is marked runs_on when its first word had no room on the last line
    of the cell above, at the bottom of the page before. In table 5 the value "50" had room
    left for "元" (LibreOffice wrapped it all the same): no cell is marked there."""
    t = table("cut-rows.pdf", index)
    page = t.pages[1]
    rest = first_on(t, page)
    above = last_before(t, rest[0].row)
    assert all(c.page == page for c in rest) and all(c.page == page - 1 for c in above.values())
    marked = index != 5
    for cell in rest:
        assert cell.runs_on == (marked and bool(cell.text.strip())), CUT_ROWS[index][1]
    assert all(c in rest for c in t.cells if c.runs_on)
    assert not any(c.text.startswith("\n") for c in t.cells)  # the mark is a field, never in the text


@pytest.mark.parametrize("index", sorted(CUT_ROWS))
def test_a_cut_row_is_read_as_one(index: int) -> None:
    items, cut = CUT_ROWS[index]
    assert indicators(table("cut-rows.pdf", index)) == written(items, items), cut


@pytest.mark.parametrize("index", [1, 3])
def test_a_cut_a_label_shows_is_joined_without_the_mark(index: int) -> None:
    """A PDF whose wrapping the reader cannot follow (no mark, like table 5): the rest of a
    row is still joined when a cell and its rest make a label ("一级指" + "标", "经济效" +
    "益指标")."""
    t = table("cut-rows.pdf", index)
    unmarked = replace(t, cells=[replace(c, runs_on=False) for c in t.cells])
    items, cut = CUT_ROWS[index]
    assert indicators(unmarked) == written(items, items), cut
