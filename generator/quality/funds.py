"""The funds block: each family of rows against its total, the two columns against
each other (实施期 vs 年度), and rows that look crossed between the columns."""

from __future__ import annotations

from decimal import Decimal

from generator.model import FundColumn, Record
from generator.quality.common import SCOPE_NAMES, Sources, at, close, dec, yuan

# the rows that add up to a column's total, by form: the national form's rows;
# 004's 财政资金 + 其他资金; 003's 申报表 (一般公共预算资金 …); Shanghai's by year
_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("central", "provincial", "local", "self_raised", "other"),
    ("fiscal", "other"),
    ("general_budget", "government_fund", "transfer", "other"),
    ("current_year", "carried_over", "other"),
)
_OWN_ROWS = {"fiscal", "general_budget", "government_fund", "transfer", "current_year", "carried_over"}
_TOTAL_LABELS = {
    "period": ("实施期资金总额", "中期资金总额", "实施期资金", "中期资金", "资金总额", "项目资金"),
    "annual": ("年度资金总额", "年度资金", "资金总额", "项目资金"),
}
_SUM_TOLERANCE = Decimal("0.01")


def _family_sums(column: FundColumn) -> list[tuple[tuple[str, ...], Decimal]]:
    """The families of rows this column prints, with their sums. The national family
    shares 其他资金 with the others: it is checked only when one of its own rows is
    printed, and a special family only when its own rows are."""
    out = []
    for family in _FAMILIES:
        own = [k for k in family if k != "other"]
        if all(getattr(column, k) is None for k in own):
            continue
        values = [getattr(column, k) for k in family]
        out.append((family, Decimal(sum(dec(v) for v in values if v is not None))))
    return out


def _row_labels(family: tuple[str, ...]) -> str:
    return "、".join(str(FundColumn.model_fields[k].title) for k in family)


def funds_line(record: Record, src: Sources, scope: str = "annual") -> int:
    return src.find(record, *_TOTAL_LABELS[scope])


def check_fund_rows(record: Record, src: Sources) -> None:
    bad: dict[str, tuple[tuple[str, ...], Decimal]] = {}
    for scope in ("period", "annual"):
        column: FundColumn = getattr(record.funds, scope)
        if column.total is None:
            continue
        total = dec(column.total)
        for family, parts in _family_sums(column):
            if abs(parts - total) > _SUM_TOLERANCE:
                bad.setdefault(scope, (family, parts))
    if _crossed(record, bad, src):
        return
    for scope, (family, parts) in bad.items():
        total = dec(getattr(record.funds, scope).total)
        line = funds_line(record, src, scope)
        record.flag(
            "funds_sum_mismatch",
            line,
            at=at(line),
            column=SCOPE_NAMES[scope],
            rows=_row_labels(family),
            parts=yuan(parts),
            total=yuan(total),
            fields=[
                f"funds.{scope}.total",
                *(f"funds.{scope}.{k}" for k in family if _printed(record, scope, k)),
            ],
        )


def _crossed(record: Record, bad: dict[str, tuple[tuple[str, ...], Decimal]], src: Sources) -> bool:
    """Both columns' rows fail to add up, and each adds up to the other's total: the
    rows were written in the wrong column."""
    if set(bad) != {"period", "annual"}:
        return False
    period, annual = dec(record.funds.period.total), dec(record.funds.annual.total)
    p_parts, a_parts = bad["period"][1], bad["annual"][1]
    if period == annual or not (close(p_parts, annual) and close(a_parts, period)):
        return False
    line = funds_line(record, src)
    record.flag(
        "fund_rows_crossed",
        line,
        at=at(line),
        period_parts=yuan(p_parts),
        period=yuan(period),
        annual_parts=yuan(a_parts),
        annual=yuan(annual),
        fields=["funds.period", "funds.annual"],
    )
    return True


def _printed(record: Record, scope: str, key: str) -> bool:
    return getattr(getattr(record.funds, scope), key) is not None


def _years_said(record: Record) -> str:
    years = record.period_years
    if (years is not None and years >= 90) or "经常性" in record.attribute:
        return f"经常性项目，项目期{years}年" if years else "经常性项目"
    return f"项目期{years}年"


def check_period_vs_annual(record: Record, src: Sources) -> None:
    period, annual = record.funds.period.total, record.funds.annual.total
    if period is None or annual is None:
        return
    p, a = dec(period), dec(annual)
    line = funds_line(record, src)
    values = {"at": at(line), "annual": yuan(a), "period": yuan(p)}
    both = ["funds.annual.total", "funds.period.total"]
    if p == 0 and a > 0:
        record.flag("period_total_zero", line, fields=both, **values)
    elif a > p > 0:
        record.flag("annual_exceeds_period", line, fields=both, **values)
    elif record.period_years == 1 and p > a > 0 and not close(a, p):
        record.flag("one_year_totals_differ", line, fields=[*both, "period_years"], **values)
    elif record.period_years is not None and record.period_years > 1 and p == a > 0:
        record.flag(
            "period_equals_annual", line, which=_years_said(record), fields=[*both, "period_years"], **values
        )
