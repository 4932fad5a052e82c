"""Tables that a document ends inside of: the last table of a file cut short.

A layout reads whatever rows a table has, so a document cut in the middle of its last
table (a truncated download, a partial text export) yields a table that looks fine
but silently lost its later parts: the last indicator groups, the footer. Only the
last table of a document can be cut this way, and only if it runs to the end of the
file. Whether it lost anything is judged against the document's other tables: a
part that most of them carry and this one lacks, printed after everything this one
still has, was cut off. With no other complete table to compare against, the
national form's minimum is the yardstick.

Parts a complete table carries, measured on the five seed documents (data/raw/);
"both" = the 实施期 and the 年度 side, "texts" = 项目概况 立项依据 设立必要性 制度措施 实施计划:

    tsv_continued   000    5 tables: both totals, texts, 实施期目标 only, 实施期 side's
                           产出/效益/满意度 only (成本指标 as level 1 in 2), 填报日期
    pdf_text        001  447 tables: both totals, texts, both goals (446), 产出/效益/满意度
                           on both sides; no footer, so no 填报日期
    tsv_varying     002    9 tables: both totals, texts, both goals, both sides' 产出/效益/
                           满意度 (the 年度 side empty in 1), 填报日期
    dept_disclosure 003   29 tables of two forms. 绩效目标表 in 元 (16, 1 partial): both
                           totals (1 lacks 实施期), texts, both goals, both sides' groups
                           (效益 missing in 2), 填报日期. 申报表 in 万元 (13): 年度 total,
                           texts, 年度目标 (12), 年度 产出/效益/满意度, no footer
    word_cells      004   23 tables: 年度 total (预算数), 资金用途, 资金支出计划, 绩效目标
                           (as 年度目标), 年度 产出/效益/满意度; no texts, no footer
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generator.model import ExtractedTable, Record

COMMON = 0.8  # a part is expected when at least this share of the reference tables has it
MIN_REFERENCES = 2  # fewer comparable tables than this: use the national minimum
TAIL_SLACK = 2  # non-blank lines after a table that still count as "it runs to the end"
FEW_INDICATORS = 0.5  # "far below": under half of what 90% of the reference tables have
MIN_COUNT_REFERENCES = 5  # the indicator count is compared only with this many tables

_SCOPE_NAMES = {"period": "实施期", "annual": "年度"}
# printed order of the national form; a cut removes a suffix of it
_GROUP_RANKS = {"产出指标": 3.0, "成本指标": 3.5, "效益指标": 4.0, "满意度指标": 5.0}
_TEXT_PARTS = (  # (record field, rank, label)
    ("fund_use", 0.5, "资金用途"),
    ("overview", 1.0, "项目概况"),
    ("basis", 1.1, "立项依据"),
    ("necessity", 1.2, "项目设立必要性"),
    ("measures", 1.3, "保证项目实施的制度、措施"),
    ("plan", 1.4, "项目实施计划"),
    ("spending_plan", 1.5, "资金支出计划"),
)
FILL_DATE_RANK = 6.0


@dataclass(frozen=True)
class Part:
    """Something a complete table prints, in the order the form prints it."""

    key: str
    rank: float
    label: str
    scope: str = ""  # "period" / "annual" for a part of one side of the table
    minimum: bool = False  # one of the national minimum's parts (any side will do)


# the national form's minimum: a funds total, a goal, 产出 indicators, 效益 or 满意度 ones
_MINIMUM = (
    Part("min:funds", 0.0, "项目资金总额", minimum=True),
    Part("min:goal", 2.0, "总体目标", minimum=True),
    Part("min:output", 3.0, "产出指标", minimum=True),
    Part("min:outcome", 4.0, "效益指标或满意度指标", minimum=True),
)


def table_parts(record: Record) -> dict[str, Part]:
    """The parts this record carries, by key."""
    parts: list[Part] = []
    for scope, name in _SCOPE_NAMES.items():
        if getattr(record.funds, scope).total is not None:
            parts.append(Part(f"funds:{scope}", 0.0, f"{name}资金总额", scope))
        if getattr(record, f"goal_{scope}"):
            parts.append(Part(f"goal:{scope}", 2.0, f"{name}目标", scope))
    parts += [Part(key, rank, label) for key, rank, label in _TEXT_PARTS if getattr(record, key, None)]
    for ind in record.indicators:
        if ind.level1 in _GROUP_RANKS and ind.scope in _SCOPE_NAMES:
            label = f"{_SCOPE_NAMES[ind.scope]}{ind.level1}"
            parts.append(Part(f"{ind.scope}:{ind.level1}", _GROUP_RANKS[ind.level1], label, ind.scope))
    if record.fill_date:
        parts.append(Part("fill_date", FILL_DATE_RANK, "填报日期"))
    levels = {ind.level1 for ind in record.indicators}
    for part, has in zip(
        _MINIMUM,
        (
            any(p.key.startswith("funds:") for p in parts),
            any(p.key.startswith("goal:") for p in parts),
            "产出指标" in levels,
            bool(levels & {"效益指标", "满意度指标"}),
        ),
        strict=True,
    ):
        if has:
            parts.append(part)
    return {p.key: p for p in parts}


def _scopes(parts: Iterable[Part]) -> set[str]:
    return {p.scope for p in parts if p.scope}


def _unit(record: Record) -> str:
    """The funds unit when the table printed a funds total (else the default says nothing)."""
    funds = record.funds
    return funds.unit_in_source if funds.period.total is not None or funds.annual.total is not None else ""


_Ref = tuple[Record, dict[str, Part]]


def _references(record: Record, others: list[Record]) -> list[_Ref]:
    """The other tables (with their parts) of the same form as `record`, as far as its first
    rows tell.

    A document can mix forms (003: 绩效目标表 in 元 with both sides, 申报表 in 万元
    with the 年度 side only); each narrowing is kept only when enough tables remain.
    """
    refs: list[_Ref] = [(r, table_parts(r)) for r in others]
    unit = _unit(record)
    scopes = _scopes(table_parts(record).values())
    for keep in (
        lambda r, _: not unit or _unit(r) == unit,
        lambda _, parts: not scopes or _scopes(parts.values()) == scopes,
    ):
        narrowed = [(r, parts) for r, parts in refs if keep(r, parts)]
        if len(narrowed) >= MIN_REFERENCES:
            refs = narrowed
    return refs


def missing_tail(record: Record, others: list[Record]) -> list[str]:
    """What `record` lacks, compared with `others` (the complete tables of its document),
    that a cut at its end would have removed; [] when it looks complete."""
    present = table_parts(record)
    refs = _references(record, others)
    if len(refs) >= MIN_REFERENCES:
        seen: dict[str, Part] = {}
        counts: dict[str, int] = {}
        for _, parts in refs:
            for key, part in parts.items():
                if not part.minimum:
                    seen[key] = part
                    counts[key] = counts.get(key, 0) + 1
        expected = [seen[k] for k in seen if counts[k] >= COMMON * len(refs)]
    else:
        expected = list(_MINIMUM)
    scopes = _scopes(present.values())
    if scopes:  # a table that shows only one side (a 年度-only form) is not missing the other
        expected = [p for p in expected if not p.scope or p.scope in scopes]
    # a part missing *before* the last part the table has was not printed; a cut removes a suffix
    frontier = max((p.rank for p in present.values()), default=-1.0)
    lost = sorted((p for p in expected if p.key not in present and p.rank >= frontier), key=lambda p: p.rank)
    out = [p.label for p in lost]
    count = _few_indicators(record, refs, present)
    if count:
        out.append(count)
    return out


def _few_indicators(record: Record, refs: list[_Ref], present: dict[str, Part]) -> str:
    """An indicator count far below the other tables', for a table with no footer."""
    n = len(record.indicators)
    if n == 0 or "fill_date" in present or len(refs) < MIN_COUNT_REFERENCES:
        return ""
    counts = sorted(len(r.indicators) for r, _ in refs)
    low = counts[len(counts) // 10]
    if n >= FEW_INDICATORS * low:
        return ""
    return f"绩效指标（仅{n}条，同类表通常不少于{low}条）"


def truncated_tail(tables: list[ExtractedTable], lines: list[str]) -> list[tuple[int, str]]:
    """[(index of the table in `tables`, reason)] for the table the document ends inside.

    `lines` is the decoded document split on "\\n". Only the last table (by position)
    is considered, and only when it runs to the end of the file (at most TAIL_SLACK
    non-blank lines after it) and has a record; a failed table is already reported
    by its layout. The reason names the file's last line and what is missing, e.g.
    "文件在本表第1535行处结束：缺少年度满意度指标、填报日期".
    """
    if not tables:
        return []
    index = max(range(len(tables)), key=lambda i: (tables[i].line_start, i))
    table = tables[index]
    if table.record is None:
        return []
    end = max([table.line_end, *(stop for _, stop in table.merged_from)])
    if sum(1 for line in lines[end:] if line.strip()) > TAIL_SLACK:
        return []
    others = [
        t.record for i, t in enumerate(tables) if i != index and t.status == "ok" and t.record is not None
    ]
    missing = missing_tail(table.record, others)
    if not missing:
        return []
    last_line = max((n for n, line in enumerate(lines, 1) if line.strip()), default=end)
    return [(index, f"文件在本表第{last_line}行处结束：缺少{'、'.join(missing)}")]
