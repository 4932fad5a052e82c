"""What a project page shows, prepared for templates/project.md.j2: the key figures first
(annual amount, sources of money with their shares, department, region, year, the most
severe quality flag), then funds in one unit, indicators in the form's order, texts,
flags, similar projects and the source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.corpus import Corpus, Department, annual_total
from generator.generate.fmt import yuan
from generator.generate.similar import Similar
from generator.model import FUND_SOURCES, Flag, Indicator, Record
from generator.quality import QUALITY_FLAGS
from generator.quality_codes import DOCUMENT_FLAGS, SEVERITY

SEVERITY_ORDER = ("严重", "注意", "提示")
SECTIONS = tuple(
    (key, str(Record.model_fields[key].title))
    for key in ("overview", "basis", "necessity", "measures", "plan")
)
# the short labels of the one-line sources of money
SHORT_SOURCE = {
    "central": "中央",
    "provincial": "省级",
    "local": "市县",
    "self_raised": "自筹",
    "other": "其他",
    "fiscal": "财政",
    "general_budget": "一般公共预算",
    "fund_budget": "政府性基金",
    "transfer": "上级转移支付",
    "current_year": "当年财政拨款",
    "carried_over": "上年结转",
    "upper_level": "上级资金",
}


@dataclass(frozen=True)
class Share:
    label: str
    amount: float
    percent: int


@dataclass(frozen=True)
class FlagView:
    code: str
    title: str
    severity: str
    notes: list[Flag]


def severity(code: str) -> str:
    """严重 / 注意 / 提示 of a flag (注意 where the catalogue does not say)."""
    return SEVERITY.get(code, "注意")


def shares(p: Record) -> list[Share]:
    """The annual money by source, largest first, with its share of the annual total."""
    annual = p.funds.annual
    total = annual_total(p)
    parts = [
        (SHORT_SOURCE.get(key, label), float(getattr(annual, key)))
        for key, label in FUND_SOURCES
        if getattr(annual, key, None)
    ]
    if not total or not parts:
        return []
    parts.sort(key=lambda x: -x[1])
    return [Share(label, amount, round(100 * amount / total)) for label, amount in parts]


def fund_rows(p: Record) -> list[tuple[str, Any, Any]]:
    """(label, annual, period): annual first, as a reader compares this year's money."""
    period, annual = p.funds.period, p.funds.annual
    rows = [("资金总额", annual.total, period.total)]
    for key, label in FUND_SOURCES:
        if getattr(period, key) is not None or getattr(annual, key) is not None:
            rows.append((label, getattr(annual, key), getattr(period, key)))
    return rows


def wan_cell(amount: float | int | None) -> str:
    """An amount in 万元 with two decimals, the yuan on hover; "—" when not printed.
    Numbers only: nothing from a document reaches this HTML."""
    if amount is None:
        return "—"
    return f'<span title="{yuan(amount)}">{amount / 1e4:,.2f}</span>'


def _grouped(indicators: list[Indicator]) -> list[dict[str, Any]]:
    """Show level 1 and level 2 only on the first row of their group."""
    out, last1, last2 = [], None, None
    for ind in indicators:
        row = ind.model_dump()
        if ind.level1 == last1:
            row["level1"] = ""
            if ind.level2 == last2:
                row["level2"] = ""
        last1, last2 = ind.level1, ind.level2
        out.append(row)
    return out


def indicator_tables(p: Record) -> list[tuple[str, list[dict[str, Any]], bool]]:
    keys = ("level1", "level2", "name", "value", "description", "basis")
    period = [i for i in p.indicators if i.scope == "period"]
    annual = [i for i in p.indicators if i.scope == "annual"]
    extra = any(i.description or i.basis for i in p.indicators)
    same = [[getattr(i, k) for k in keys] for i in period] == [[getattr(i, k) for k in keys] for i in annual]
    if period and same:
        return [("实施期与年度指标（两栏相同）", _grouped(period), extra)]
    tables = []
    if annual:
        tables.append(("年度指标", _grouped(annual), extra))
    if period:
        tables.append(("实施期指标", _grouped(period), extra))
    return tables


def flags(p: Record) -> list[FlagView]:
    """The record's flags, most severe first; a document's flags are on its region's page."""
    codes = sorted(set(p.quality_flags) - DOCUMENT_FLAGS)
    views = [FlagView(c, QUALITY_FLAGS.get(c, c), severity(c), p.notes_for(c)) for c in codes]
    return sorted(views, key=lambda f: (SEVERITY_ORDER.index(f.severity), f.code))


def similar_view(
    found: list[Similar], by_id: dict[str, Record], corpus: Corpus
) -> list[tuple[Record, Department, Similar]]:
    return [(by_id[s.project_id], corpus.department_of[s.project_id], s) for s in found]


def context(p: Record, corpus: Corpus, by_id: dict[str, Record], similar: list[Similar]) -> dict[str, Any]:
    """Everything templates/project.md.j2 is given for one project."""
    dept = corpus.department_of[p.project_id]
    return {
        "p": p,
        "title": corpus.title(p),
        "printed_name": p.project_name if corpus.title(p).split(" · ")[0] != p.project_name else "",
        "dept": dept,
        "region": dept.region,
        "document": corpus.document_of[p.source.file],
        "shares": shares(p),
        "fund_rows": fund_rows(p),
        "sections": [(title, getattr(p, key)) for key, title in SECTIONS],
        "indicator_tables": indicator_tables(p),
        "flags": flags(p),
        "similar": similar_view(similar, by_id, corpus),
    }
