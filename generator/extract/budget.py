"""003: the 项目支出预算表 (project budget table) and its reconciliation with the
performance tables.

003's disclosure prints a 项目支出预算表 in 万元 that lists every project of the
department under the unit that spends it, with the names spelled correctly. The
performance tables that follow were OCR'd: some project names are misspelt
("老属补助及取费费。" for 遗属补助及取暖费) and some amounts are printed in 元 and
rounded differently. `reconcile` pairs each performance table with its budget
line so the published record can show both and flag the differences.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal

from generator.model import Amount, BudgetMatch, Note, Record
from generator.text import parse_decimal, to_yuan

_TITLE = "项目支出预算表"
_UNIT = re.compile(r"单位[:：]\s*(万元|元)")
# names of organisations: a row so named may be a department total or a unit subtotal
_ORGANISATION = re.compile(r"(委员会|办公室|研究室|档案馆|政府|局|中心|馆|院|所|站|委|部)$")
# the budget table prints 万元 with two decimals, so it cannot tell apart amounts
# within half a hundredth of 万元 (50 yuan): 9,960 yuan is printed as 1.00
_ROUNDING_YUAN = 50


@dataclass(frozen=True)
class BudgetLine:
    name: str  # project name as printed in the budget table
    amount_yuan: Amount  # 合计, converted from 万元
    line: int  # 1-based line in the file
    unit_name: str  # the unit heading the block (中共中阳县委党史研究室 …)


@dataclass(frozen=True)
class _Row:
    name: str
    amount: Decimal
    line: int


# ---------------------------------------------------------------- parsing


def _table_rows(lines: list[str], start: int) -> tuple[list[_Row], str]:
    """The data rows of the table whose title is on line `start` (0-based), and its unit."""
    unit = "万元"
    rows: list[_Row] = []
    for n in range(start + 1, len(lines)):
        line = lines[n]
        if _TITLE in line or line.startswith("注"):
            break
        m = _UNIT.search(line)
        if m and not rows:
            unit = m.group(1)
            continue
        cells = line.split("\t")
        name = re.sub(r"\s+", "", cells[0])
        amount = parse_decimal(cells[1]) if len(cells) > 1 else None
        if name and amount is not None and not name.isdigit():
            rows.append(_Row(name, amount, n + 1))
        elif rows and line.strip() and amount is None and len(cells) == 1:
            # a paragraph after the rows: the table has ended. A blank line
            # inside the list (003 line 427) does not end it.
            break
    return rows, unit


def _classify(rows: list[_Row]) -> list[tuple[_Row, str]]:
    """Keep the project rows, each with the unit that heads its block.

    A row named like an organisation is a unit subtotal when its amount equals
    the sum of the project rows under it (up to the next such row), and the
    department total when it equals the sum of all project rows after it. A row
    that is neither is a project that happens to have such a name.
    """
    heads = [i for i, r in enumerate(rows) if _ORGANISATION.search(r.name)]

    def leaves_after(i: int, stop: int) -> Decimal:
        return sum((r.amount for j, r in enumerate(rows[i + 1 : stop], i + 1) if j not in heads), Decimal(0))

    totals: set[int] = set()
    subtotals: set[int] = set()
    for k, i in enumerate(heads):
        stop = heads[k + 1] if k + 1 < len(heads) else len(rows)
        if rows[i].amount == leaves_after(i, stop) and stop > i + 1:
            subtotals.add(i)
        elif rows[i].amount == leaves_after(i, len(rows)):
            totals.add(i)
    out: list[tuple[_Row, str]] = []
    unit = ""
    for i, row in enumerate(rows):
        if i in subtotals:
            unit = row.name
        elif i not in totals:
            out.append((row, unit))
    return out


def parse_budget_table(lines: list[str]) -> list[BudgetLine]:
    """Project lines of every 项目支出预算表 in the document, amounts in yuan."""
    out: list[BudgetLine] = []
    for n, line in enumerate(lines):
        if _TITLE not in line.replace(" ", "") or "\t" in line:
            continue
        rows, unit = _table_rows(lines, n)
        for row, unit_name in _classify(rows):
            out.append(BudgetLine(row.name, to_yuan(row.amount, unit), row.line, unit_name))
    return out


# ---------------------------------------------------------------- matching


def _norm_name(name: str) -> str:
    """Compare names without spaces and punctuation (OCR adds "。" and spaces)."""
    return re.sub(r"[\s\u3000-\u303f\uff01-\uff0f\uff1a-\uff20.,;:!?()\-—_、]", "", name)


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)} or {s}


def name_similarity(a: str, b: str) -> float:
    """0..1: the better of character-bigram overlap (Dice) and difflib's ratio."""
    x, y = _norm_name(a), _norm_name(b)
    if not x or not y:
        return 0.0
    if x == y:
        return 1.0
    bx, by = _bigrams(x), _bigrams(y)
    dice = 2 * len(bx & by) / (len(bx) + len(by))
    return max(dice, difflib.SequenceMatcher(None, x, y).ratio())


def _record_amounts(record: Record) -> list[Amount]:
    return [a for a in (record.funds.annual.total, record.funds.period.total) if a]


def _amount_score(record: Record, amount: Amount) -> float:
    """1 for an equal amount, 0.8 within the table's rounding, 0.3 for a 万元/元 mix-up."""
    best = 0.0
    for own in _record_amounts(record):
        if amount is None or own is None:
            continue
        if own == amount:
            return 1.0
        if abs(own - amount) <= _ROUNDING_YUAN:
            best = max(best, 0.8)
        elif amount and own in (amount * 10000, amount / 10000):
            best = max(best, 0.3)
    return best


def _pair_score(record: Record, line: BudgetLine) -> float | None:
    """Score of a record/budget-line pair, or None when they cannot be the same project."""
    amount = _amount_score(record, line.amount_yuan)
    name = name_similarity(record.project_name, line.name)
    # an equal amount makes a weakly similar name plausible (OCR garbles whole
    # words); without the amount, the name alone must be convincing
    if not ((amount >= 0.8 and name >= 0.25) or name >= 0.6):
        return None
    unit = 0.1 if record.unit_name and _norm_name(record.unit_name) == _norm_name(line.unit_name) else 0.0
    return amount + name + unit


def _yuan(amount: Amount) -> str:
    return "—" if amount is None else f"{amount:,}元"


def reconcile(records: list[Record], budget: list[BudgetLine]) -> list[Note]:
    """Match each record to a budget line, set record.budget_match and flags; return
    notes for the budget lines that no table matched."""
    pairs: list[tuple[float, int, int, int]] = []
    for ri, record in enumerate(records):
        for bi, line in enumerate(budget):
            score = _pair_score(record, line)
            if score is not None:
                pairs.append((score, ri, bi, line.line))
    # best pairs first; equal scores go to the earlier budget line, then record
    pairs.sort(key=lambda p: (-p[0], p[3], records[p[1]].source.line_start, p[1]))
    used_records: set[int] = set()
    used_lines: set[int] = set()
    for _score, ri, bi, _line in pairs:
        if ri in used_records or bi in used_lines:
            continue
        used_records.add(ri)
        used_lines.add(bi)
        _apply(records[ri], budget[bi])
    for ri, record in enumerate(records):
        if ri not in used_records:
            record.budget_match = None
            record.flag("budget_line_missing", amount=_yuan(_main_amount(record)))
    return [
        (
            "budget-line-unmatched",
            line.line,
            {"name": line.name, "unit": line.unit_name, "amount": _yuan(line.amount_yuan)},
        )
        for bi, line in enumerate(budget)
        if bi not in used_lines
    ]


def _main_amount(record: Record) -> Amount:
    amounts = _record_amounts(record)
    return amounts[0] if amounts else record.funds.annual.total


def _apply(record: Record, line: BudgetLine) -> None:
    record.budget_match = BudgetMatch(name=line.name, amount_yuan=line.amount_yuan, line=line.line)
    if _norm_name(record.project_name) != _norm_name(line.name):
        record.flag("ocr_name_mismatch", line.line, fields=["project_name"], name=line.name)
    own = _main_amount(record)
    within_rounding = (
        own is not None and line.amount_yuan is not None and abs(own - line.amount_yuan) <= _ROUNDING_YUAN
    )
    # the budget table prints 万元 to two decimals: 9,960 yuan is its 1.00, not a mismatch
    if line.amount_yuan not in _record_amounts(record) and not within_rounding:
        record.flag(
            "budget_amount_mismatch",
            line.line,
            fields=["funds.annual.total"],
            own=_yuan(own),
            budget=_yuan(line.amount_yuan),
        )
