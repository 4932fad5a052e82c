"""truncated_tail on the five real seeds: silent when they are whole, loud when they are cut.

Cut points are found from the last table's own lines (its line_start/line_end and the
labels it prints), never from hard-coded line numbers, so the tests follow the seeds.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from generator.extract.completeness import missing_tail, truncated_tail
from generator.extract.layouts import LAYOUTS, detect_layout
from generator.model import ExtractedTable

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
SEEDS = sorted(p.name for p in RAW.glob("*.txt"))
_FOOTED = re.compile(r"^fill_date: '?\d{4}-[\s\S]*?^  file: (\S+)$", re.M)

# a label that starts the text sections, i.e. the first row after the funds rows:
# "项目概况\t…" (tsv), "项目" + "概况" on two lines (pdf_text), "资金支出计划（%）" (word_cells)
_TEXTS_START = re.compile(r"^(项目概况|概况|项目$|资金支出计划)")
_GOAL_LABEL = re.compile(r"^(总体|绩效目标$)")  # 总体目标 / "总体" + "目标" / word_cells 绩效目标


@cache
def _lines(seed: str) -> list[str]:
    return (RAW / seed).read_text(encoding="utf-8").split("\n")


@cache
def _layout(seed: str) -> ModuleType:
    layout = detect_layout(_lines(seed))
    assert layout is not None
    return layout


@cache
def _tables(seed: str) -> list[ExtractedTable]:
    return _layout(seed).extract(_lines(seed), seed).tables


def _span(table: ExtractedTable) -> tuple[int, int]:
    return table.line_start, max([table.line_end, *(end for _, end in table.merged_from)])


def _cut(lines: list[str], line_no: int, keep: float) -> list[str]:
    """The document ending inside line `line_no` (1-based) after `keep` of its characters;
    keep=0 ends the file right before that line."""
    text = lines[line_no - 1]
    return [*lines[: line_no - 1], text[: int(len(text) * keep)]]


def _cut_points(lines: list[str], start: int, end: int) -> dict[str, tuple[int, float]]:
    """(line, share of it kept) for each place a cut is tried, inside lines start..end."""

    def first(test, after: int = start) -> int:
        return next(n for n in range(after, end + 1) if test(lines[n - 1].strip()))

    texts = first(lambda s: bool(_TEXTS_START.match(s)), start + 1)
    goal = first(lambda s: bool(_GOAL_LABEL.match(s)))
    goal_text = first(lambda s: len(s) > 20, goal)  # the goal label's row, or the text under it
    header = first(lambda s: "一级指标" in s)
    points = {
        "after the funds rows": (texts, 0.0),
        "inside the goal text": (goal_text, 0.5),
        "after the indicator header": (header + 1, 0.0),
        "in the middle of the indicator rows": ((header + end) // 2, 0.5),
        "before the last indicator or footer line": (end, 0.0),
        "a quarter into the table": (start + (end - start) // 4, 0.5),
        "three quarters into the table": (start + 3 * (end - start) // 4, 0.5),
        "nine tenths into the table": (start + 9 * (end - start) // 10, 0.5),
    }
    assert tuple(points) == CUTS
    return points


CUTS = (
    "after the funds rows",
    "inside the goal text",
    "after the indicator header",
    "in the middle of the indicator rows",
    "before the last indicator or footer line",
    "a quarter into the table",
    "three quarters into the table",
    "nine tenths into the table",
)


def _last_text_line(lines: list[str]) -> int:
    return max(n for n, line in enumerate(lines, 1) if line.strip())


# ---------------------------------------------------------------- whole documents


# tsv_common.find_blocks crashes on a tab-separated file with no 项目支出绩效目标表 title:
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda m: m.NAME)
def test_whole_seed_reports_nothing_with_any_layout(layout: ModuleType, seed: str) -> None:
    # every layout reads every seed without crashing, even one it would never be chosen for
    tables = layout.extract(_lines(seed), seed).tables
    assert truncated_tail(tables, _lines(seed)) == []


@pytest.mark.parametrize("seed", SEEDS)
def test_no_complete_table_would_be_taken_for_a_cut_one(seed: str) -> None:
    """Stronger than the above: every table that its layout read as ok, compared with the
    others as if it were the last one, looks complete."""
    tables = [t for t in _tables(seed) if t.record is not None]
    step = max(1, len(tables) // 60)  # 001 has 447 tables: every 7th is enough
    for i, table in enumerate(tables):
        if table.status != "ok" or i % step:
            continue
        assert table.record is not None
        others = [t.record for j, t in enumerate(tables) if j != i and t.status == "ok" and t.record]
        assert missing_tail(table.record, others) == [], f"line {table.line_start}"


@pytest.mark.parametrize("seed", SEEDS)
def test_document_cut_between_two_tables_reports_nothing(seed: str) -> None:
    lines = _lines(seed)
    _, end = _span(_tables(seed)[-2])
    doc = lines[:end]
    assert truncated_tail(_layout(seed).extract(doc, seed).tables, doc) == []


# ---------------------------------------------------------------- cut documents


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("point", CUTS)
def test_document_cut_inside_its_last_table_is_detected(seed: str, point: str) -> None:
    lines = _lines(seed)
    line_no, keep = _cut_points(lines, *_span(_tables(seed)[-1]))[point]
    doc = _cut(lines, line_no, keep)
    layout = detect_layout(doc)
    assert layout is _layout(seed)
    tables = layout.extract(doc, seed).tables
    assert len(tables) == len(_tables(seed))
    found = truncated_tail(tables, doc)
    assert [i for i, _ in found] == [len(tables) - 1]
    reason = found[0][1]
    assert reason.startswith(f"文件在本表第{_last_text_line(doc)}行处结束：缺少")


# the seeds whose tables print a footer (填报日期): 000, 002, 003, as the committed records say
FOOTED = sorted(
    {
        m.group(1)
        for p in RAW.parent.joinpath("records").glob("*.yaml")
        if (m := _FOOTED.search(p.read_text("utf-8")))
    }
)


def test_the_footed_seeds_are_the_ones_with_fill_dates():
    assert [s[:3] for s in FOOTED] == ["000", "002", "003"]


@pytest.mark.parametrize("seed", FOOTED)
def test_cut_inside_the_footer_line_is_detected_where_tables_print_one(seed: str) -> None:
    """Cut halfway through the table's last line: only a footer (填报日期) can tell, so
    this holds only for documents whose tables print one (000, 002, 003); in 001 and 004
    the last line is the last indicator's text, and half of it still reads as a value."""
    lines = _lines(seed)
    _, end = _span(_tables(seed)[-1])
    doc = _cut(lines, end, 0.5)
    found = truncated_tail(_layout(seed).extract(doc, seed).tables, doc)
    assert len(found) == 1 and found[0][1].endswith("填报日期")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_lone_table_is_held_to_the_national_minimum(seed: str) -> None:
    """The last table alone in a file: no other table to compare with, so only the minimum
    (a funds total, a goal, 产出 and 效益/满意度 indicators) is expected."""
    start, end = _span(_tables(seed)[-1])
    alone = _lines(seed)[start - 1 :]
    layout = _layout(seed)
    whole = layout.extract(alone, seed).tables
    assert len(whole) == 1 and truncated_tail(whole, alone) == []
    points = _cut_points(_lines(seed), start, end)
    for point in ("after the funds rows", "inside the goal text", "after the indicator header"):
        line_no, keep = points[point]
        doc = _cut(alone, line_no - start + 1, keep)
        found = truncated_tail(layout.extract(doc, seed).tables, doc)
        assert [i for i, _ in found] == [0], point


def test_a_mixed_document_compares_a_table_with_its_own_form() -> None:
    """003 prints 绩效目标表 (元, both sides, 填报日期) and 申报表 (万元, 年度 side only, no
    footer). A document ending with a whole 申报表 is whole; one cut inside it lacks
    年度 parts only, not the other form's 实施期 parts or 填报日期."""
    seed = "003_da816537205eaa38.txt"
    lines = _lines(seed)
    tables = _tables(seed)
    form = [t for t in tables if t.record and t.record.funds.unit_in_source == "万元"]
    assert len(form) >= 5
    start, end = _span(form[-1])
    doc = lines[:end]
    cut_tables = _layout(seed).extract(doc, seed).tables
    assert cut_tables[-1].line_start == start and truncated_tail(cut_tables, doc) == []
    header = next(n for n in range(start, end + 1) if "一级指标" in lines[n - 1])
    doc = _cut(lines, (header + end) // 2, 0.5)
    found = truncated_tail(_layout(seed).extract(doc, seed).tables, doc)
    assert len(found) == 1
    assert "年度满意度指标" in found[0][1]
    assert "实施期" not in found[0][1] and "填报日期" not in found[0][1]


def test_nothing_to_judge() -> None:
    assert truncated_tail([], ["文件"]) == []
    failed = ExtractedTable(1, 3, None, "failed", "no 项目名称")
    assert truncated_tail([failed], ["标题", "项目", ""]) == []
