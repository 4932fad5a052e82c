"""The project record and the pieces a layout module fills in.

Field names and order follow ../shared/docs/DATA_MODEL.md; `to_dict` gives the
fixed key order used in data/records/*.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Amount = int | float | None  # yuan; float only when the source has fen

# Fund rows in their fixed order. The first six are the national form's rows;
# the rest appear only in some layouts and are written only when present.
FUND_ROWS: tuple[str, ...] = ("total", "central", "provincial", "local", "self_raised", "other")
EXTRA_FUND_ROWS: tuple[str, ...] = (
    "fiscal",  # 004: 财政资金, level not stated
    "general_budget",  # 003 申报表: 一般公共预算资金
    "government_fund",  # 003 申报表: 政府性基金
    "transfer",  # 003 申报表: 上级转移支付资金
)

SCOPES: tuple[str, ...] = ("period", "annual")


@dataclass
class FundColumn:
    """One column of the funds block (实施期/中期 or 年度), amounts in yuan."""

    total: Amount = None
    central: Amount = None
    provincial: Amount = None
    local: Amount = None
    self_raised: Amount = None
    other: Amount = None
    fiscal: Amount = None
    general_budget: Amount = None
    government_fund: Amount = None
    transfer: Amount = None

    def to_dict(self) -> dict[str, Amount]:
        out: dict[str, Amount] = {k: getattr(self, k) for k in FUND_ROWS}
        out.update({k: getattr(self, k) for k in EXTRA_FUND_ROWS if getattr(self, k) is not None})
        return out

    def is_empty(self) -> bool:
        return all(getattr(self, k) is None for k in FUND_ROWS + EXTRA_FUND_ROWS)


@dataclass
class Funds:
    unit_in_source: str = "元"  # 元 or 万元, as printed on the table
    period: FundColumn = field(default_factory=FundColumn)
    annual: FundColumn = field(default_factory=FundColumn)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit_in_source": self.unit_in_source,
            "period": self.period.to_dict(),
            "annual": self.annual.to_dict(),
        }


@dataclass
class Indicator:
    scope: str  # "period" or "annual"
    level1: str
    level2: str
    name: str
    value: str  # as printed (spacing normalised)
    op: str = ""
    number: float | int | None = None
    unit: str = ""
    description: str = ""
    basis: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "level1": self.level1,
            "level2": self.level2,
            "name": self.name,
            "description": self.description,
            "value": self.value,
            "op": self.op,
            "number": self.number,
            "unit": self.unit,
            "basis": self.basis,
        }


@dataclass
class SourceRef:
    file: str  # file name inside data/raw/
    line_start: int
    line_end: int
    layout: str = ""
    # a table continued on the next page keeps the continuation's lines here
    continued: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "layout": self.layout,
        }
        if self.continued:
            out["continued"] = [{"line_start": a, "line_end": b} for a, b in self.continued]
        return out


@dataclass
class BudgetMatch:
    """003: the line of the 项目支出预算表 that this project was matched to."""

    name: str
    amount_yuan: Amount
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "amount_yuan": self.amount_yuan, "line": self.line}


@dataclass
class Record:
    project_name: str
    source: SourceRef
    project_id: str = ""
    year: int | None = None
    province: str = ""
    region: str = ""
    department_code: str = ""
    department_name: str = ""
    unit_name: str = ""
    project_code: str = ""
    attribute: str = ""
    period_years: int | None = None
    category: str = ""
    funds: Funds = field(default_factory=Funds)
    spending_plan: dict[str, float] = field(default_factory=dict)  # {"3月底": 25.0, ...} in %
    fund_use: str = ""  # 004: 资金用途
    overview: str = ""
    basis: str = ""
    necessity: str = ""
    measures: str = ""
    plan: str = ""
    goal_period: str = ""
    goal_annual: str = ""
    indicators: list[Indicator] = field(default_factory=list)
    fill_date: str = ""  # ISO date
    budget_match: BudgetMatch | None = None
    quality_flags: list[str] = field(default_factory=list)
    quality_notes: dict[str, str] = field(default_factory=dict)
    corrected_fields: list[str] = field(default_factory=list)

    def flag(self, code: str, note: str = "") -> None:
        """Add a quality flag once; the first note for a code wins."""
        if code not in self.quality_flags:
            self.quality_flags.append(code)
        if note and code not in self.quality_notes:
            self.quality_notes[code] = note

    def to_dict(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id,
            "year": self.year,
            "province": self.province,
            "region": self.region,
            "department_code": self.department_code,
            "department_name": self.department_name,
            "unit_name": self.unit_name,
            "project_name": self.project_name,
            "project_code": self.project_code,
            "attribute": self.attribute,
            "period_years": self.period_years,
            "category": self.category,
            "funds": self.funds.to_dict(),
            "spending_plan": dict(self.spending_plan),
            "fund_use": self.fund_use,
            "overview": self.overview,
            "basis": self.basis,
            "necessity": self.necessity,
            "measures": self.measures,
            "plan": self.plan,
            "goal_period": self.goal_period,
            "goal_annual": self.goal_annual,
            "indicators": [i.to_dict() for i in self.indicators],
            "fill_date": self.fill_date,
            "budget_match": self.budget_match.to_dict() if self.budget_match else None,
            "source": self.source.to_dict(),
            "quality_flags": sorted(self.quality_flags),
            "quality_notes": {k: self.quality_notes[k] for k in sorted(self.quality_notes)},
            "corrected_fields": sorted(self.corrected_fields),
        }


@dataclass
class ExtractedTable:
    """What a layout module returns for one table found in a document."""

    line_start: int  # 1-based, first line of the table in the file
    line_end: int  # 1-based, last line
    record: Record | None  # None when the table failed
    status: str = "ok"  # ok | partial (truncated, still published) | failed
    reason: str = ""  # for partial/failed: what was missing, said for a maintainer
    merged_from: list[tuple[int, int]] = field(default_factory=list)  # continuation pages


@dataclass
class LayoutResult:
    tables: list[ExtractedTable] = field(default_factory=list)
    # document-level findings a layout wants in the report (e.g. 003 budget lines
    # without a performance table); each is (line, message)
    notes: list[tuple[int, str]] = field(default_factory=list)
