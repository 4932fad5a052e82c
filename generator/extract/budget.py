"""003: the 项目支出预算表 (project budget table) and its reconciliation with the
performance tables. Stub: replaced by the real module."""

from __future__ import annotations

from dataclasses import dataclass

from generator.model import Amount, Record


@dataclass(frozen=True)
class BudgetLine:
    name: str  # project name as printed in the budget table
    amount_yuan: Amount  # 合计, converted from 万元
    line: int  # 1-based line in the file
    unit_name: str  # the unit heading the block (中共中阳县委党史研究室 …)


def parse_budget_table(lines: list[str]) -> list[BudgetLine]:
    return []


def reconcile(records: list[Record], budget: list[BudgetLine]) -> list[tuple[int, str]]:
    """Match each record to a budget line, set record.budget_match and flags; return
    (line, message) notes for budget lines that no table matched."""
    return []
